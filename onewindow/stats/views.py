"""Statistics pages. The dashboard, the PDF report and the Excel export are for the department's leaders,
chief approvers, supervisors and administrators; the rating results page (评价结果公开) is public.
All of them read `selectors.figures`, the same selector as the summary API.
"""

import datetime
import io

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from onewindow.accounts.models import Role
from onewindow.accounts.permissions import staff_required
from onewindow.core import periods
from onewindow.core.pdf import render_pdf
from onewindow.hall.figures import hall_figures
from onewindow.ratings.models import Level, Rectification
from onewindow.volunteers.selectors import totals_by_team_and_month

from . import selectors
from .charts import bar_chart
from .tables import COLUMNS, REPORT_COLUMNS, table

REPORT_ROLES = (Role.DECISION_MAKER, Role.CHIEF_APPROVER, Role.SUPERVISOR, Role.ADMINISTRATOR)


def period_from(params) -> tuple[datetime.date, datetime.date, str]:
    """(from, to, error) from ?from=&to=; the default start is the first received case (core.periods)."""
    return periods.period_from(params, selectors.first_day)


def _level_pairs(row) -> list[tuple[str, int]]:
    return [(str(label), row.levels[value]) for value, label in Level.choices]


@require_GET
@staff_required(*REPORT_ROLES)
def dashboard(request):
    """Headline figures, charts and the table by one dimension for any period."""
    date_from, date_to, error = period_from(request.GET)
    by = request.GET.get("by") if request.GET.get("by") in selectors.DIMENSIONS else "item"
    breakdown = selectors.figures(date_from=date_from, date_to=date_to, by=by)
    hall_rows, hall_total = hall_figures(date_from=date_from, date_to=date_to, by="business")
    months = selectors.figures(date_from=date_from, date_to=date_to, by="month", with_total=False)
    total = breakdown.total
    return render(request, "stats/dashboard.html", {
        "date_from": date_from, "date_to": date_to, "error": error, "by": by,
        "dimensions": list(selectors.DIMENSIONS.items()), "total": total, "summary": selectors.summary(total),
        "columns": COLUMNS, "table": table(breakdown.rows), "total_row": table([total])[0],
        "hall_rows": hall_rows, "hall_total": hall_total,
        "chart_months": bar_chart([(r.label, r.completed) for r in months.rows][-24:], title=_("Completed by month")),
        "chart_levels": bar_chart(_level_pairs(total), title=_("Ratings by level")),
        "chart_breakdown": bar_chart([(r.label, r.completed) for r in breakdown.rows][:20],
                                     title=_("Completed by %(dimension)s") % {"dimension": selectors.DIMENSIONS[by]}),
        "volunteer_totals": totals_by_team_and_month(date_from=date_from, date_to=date_to),
    }, status=400 if error else 200)


@require_GET
def public_results(request):
    """评价结果公开: anyone. Rating results, bad reviews and their rectification, complaints and reports;
    no personal data."""
    date_from, date_to, error = period_from(request.GET)
    months = selectors.figures(date_from=date_from, date_to=date_to, by="month")
    fixes = (Rectification.objects.filter(opened_on__range=(date_from, date_to)).exclude(outcome="")
             .select_related("case__item_version", "rating").order_by("-opened_on")[:50])
    return render(request, "stats/public.html", {
        "date_from": date_from, "date_to": date_to, "error": error, "total": months.total,
        "months": months.rows[-12:], "fixes": fixes, "levels": Level.choices,
        "chart_levels": bar_chart(_level_pairs(months.total), title=_("Ratings by level")),
    }, status=400 if error else 200)


def _month(value: str) -> tuple[datetime.date, datetime.date] | None:
    try:
        first = datetime.date.fromisoformat(f"{value}-01")
    except ValueError:
        return None
    last = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    return first, last


@require_GET
@staff_required(*REPORT_ROLES)
def monthly_report(request, month: str):
    """The monthly report as PDF (YYYY-MM): headline, tables by item, channel and window."""
    span = _month(month)
    if span is None:
        return HttpResponse(_("Months are written YYYY-MM."), status=400, content_type="text/plain; charset=utf-8")
    first, last = span
    sections = []
    total = selectors.figures(date_from=first, date_to=last).total
    for by in ("item", "item_type", "channel", "window", "person"):
        figures = selectors.figures(date_from=first, date_to=last, by=by, with_total=False)
        sections.append((selectors.DIMENSIONS[by], table(figures.rows, REPORT_COLUMNS)))
    pdf = render_pdf("stats/pdf/monthly.html", {
        "month": month, "first": first, "last": last, "total": total, "summary": selectors.summary(total),
        "columns": REPORT_COLUMNS, "sections": sections, "total_row": table([total], REPORT_COLUMNS)[0],
        "department_name": settings.ONEWINDOW_DEPARTMENT_NAME,
        "chart_levels": bar_chart(_level_pairs(total), title=_("Ratings by level"))})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="report-{month}.pdf"'
    return response


@require_GET
@staff_required(*REPORT_ROLES)
def export_xlsx(request):
    """Every table of the dashboard for the period as one workbook: the total and one sheet per dimension."""
    date_from, date_to, error = period_from(request.GET)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    book = Workbook()
    header = [str(_("Group")), *[str(label) for _name, label in COLUMNS]]
    sheet = book.active
    sheet.title = str(_("Total"))[:31]
    sheet.append([str(_("Period")), date_from.isoformat(), date_to.isoformat()])
    sheet.append(header)
    total = selectors.figures(date_from=date_from, date_to=date_to).total
    for by, label in selectors.DIMENSIONS.items():
        figures = selectors.figures(date_from=date_from, date_to=date_to, by=by, with_total=False)
        ws = book.create_sheet(str(label)[:31])
        ws.append(header)
        for values in table(figures.rows):
            ws.append([_plain(v) for v in values])
    sheet.append([_plain(v) for v in table([total])[0]])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="figures-{date_from}-{date_to}.xlsx"'
    return response


def _plain(value):
    """openpyxl cell values: Decimals as floats, dates as they are."""
    from decimal import Decimal

    return float(value) if isinstance(value, Decimal) else value
