"""The statistics API (/api/v1/stats). Bearer tokens; any staff member (the figures are the department's
own; the public sees them on the results page)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from onewindow.accounts.auth import TokenAuth
from onewindow.accounts.permissions import require_staff_api
from onewindow.core import periods
from onewindow.core.errors import ValidationFailed
from onewindow.hall.figures import summary_fields

from . import selectors

router = Router(auth=TokenAuth(), tags=["stats"])


class PeriodIn(Schema):
    date_from: datetime.date | None = Field(None, alias="from")
    date_to: datetime.date | None = Field(None, alias="to")
    by: str | None = Field(None, description="Also one row per value of: " + ", ".join(selectors.DIMENSIONS))


class FiguresOut(Schema):
    received: int
    accepted: int
    completed: int
    completed_on_time: int
    completed_overdue: int
    terminated: int  # 终止 (incl. 容缺 lapse): neither on time nor overdue
    not_accepted: int  # 不予受理
    on_the_spot: int
    on_the_spot_rate: float | None
    avg_handling_days: float | None
    p90_handling_days: int | None
    avg_handling_minutes: float | None
    p90_handling_minutes: int | None
    ratings: int
    ratings_by_level: dict[str, int]
    default_ratings: int
    excluded_ratings: int
    bad_reviews: int
    rectification_rate: float | None
    complaints: int
    reports: int
    satisfaction_rate: float | None = Field(..., description="Percent of valid ratings that are good; null when none")


class RowOut(FiguresOut):
    key: str | None = Field(..., description="Item or window or person id, item type, route, channel or YYYY-MM; "
                                             "null for cases without one (complaints naming no case)")
    label: str


class SummaryOut(FiguresOut):
    tickets: int = Field(..., description="Hall tickets taken in the period")
    avg_wait_minutes: float | None = Field(..., description="Average wait from ticket to first call; null when none")
    p90_wait_minutes: int | None = Field(..., description="90th-percentile wait in whole minutes (rounded up)")
    date_from: datetime.date = Field(..., alias="from")
    date_to: datetime.date = Field(..., alias="to")
    by: str | None
    rows: list[RowOut]


@router.get("/summary", response=SummaryOut, by_alias=True)
def summary(request, period: Query[PeriodIn]):
    """The headline figures for ?from=YYYY-MM-DD&to=YYYY-MM-DD (defaults: first case through today), and with
    ?by= the same figures per item, window, person, … (`rows`), as on the dashboard."""
    require_staff_api(request.user)
    errors = periods.period_errors(period.date_from, period.date_to)
    date_to = period.date_to or timezone.localdate()
    date_from = period.date_from or periods.default_start(selectors.first_day(), date_to)
    errors = errors or periods.period_errors(date_from, date_to)
    if errors:
        raise ValidationFailed(next(iter(errors.values())), code="bad_period", details=errors)
    if period.by is not None and period.by not in selectors.DIMENSIONS:
        raise ValidationFailed(_("Unknown breakdown."), code="bad_dimension",
                               details={"by": period.by, "choices": list(selectors.DIMENSIONS)})
    figures = selectors.figures(date_from=date_from, date_to=date_to, by=period.by)
    rows = [{"key": _row_key(row.key), "label": row.label, **selectors.summary(row)} for row in figures.rows]
    return {"from": date_from, "to": date_to, "by": period.by, "rows": rows, **selectors.summary(figures.total),
            **summary_fields(date_from=date_from, date_to=date_to)}


def _row_key(key) -> str | None:
    if isinstance(key, datetime.date):
        return f"{key:%Y-%m}"
    return None if key is None else str(key)
