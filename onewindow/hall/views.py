"""Pages of the hall. Public (no sign-in, no personal data shown): the kiosk, online booking, a ticket's
follow page and receipt, the hall display and the window displays with their JSON feeds. Window clerks and chief approvers:
the desk (calling). Supervisors and administrators (the hall manager): the overview."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onewindow.accounts.models import Role, Window
from onewindow.accounts.permissions import staff_required
from onewindow.core import periods
from onewindow.core.errors import RateLimited, ServiceError
from onewindow.core.masking import mask_id_number
from onewindow.core.pdf import qr_data_uri, render_pdf
from onewindow.core.ratelimit import rate_limited

from . import conf, pad, selectors, services
from .figures import DIMENSIONS, hall_figures
from .models import AppointmentSlot, Business, Desk, Ticket

COUNTER = services.COUNTER_ROLES
MANAGER = (Role.SUPERVISOR, Role.ADMINISTRATOR)
REPORTS = (Role.DECISION_MAKER, Role.CHIEF_APPROVER, Role.SUPERVISOR, Role.ADMINISTRATOR)  # as the statistics
RECEIPT_WIDTHS = {"58": 58, "80": 80}


def _hall_or_404(request):
    hall = selectors.hall_or_first(request.GET.get("hall"))
    if hall is None:
        raise Http404
    return hall


# --- public: kiosk, ticket, displays ---------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def kiosk(request, channel: str = Ticket.Channel.KIOSK):
    """Public: the touch screen at the door (取号机); at `/hall/take/` the same on a phone from the portal
    (online 取号 when in the hall: channel portal)."""
    hall = _hall_or_404(request)
    values, error = {}, ""
    if request.method == "POST":
        values = request.POST.dict()
        business = Business.objects.filter(hall=hall, pk=values.get("business", "") or None).first() \
            if values.get("business", "").isdigit() else None
        try:
            if rate_limited(request, "hall_take", conf.takes_per_minute()):
                raise RateLimited()
            if business is None:
                raise services.ValidationFailed(_("Choose a business."), code="no_business")
            ticket = services.ticket_take(business=business, id_number=values.get("id_number", "")[:18],
                                          priority=values.get("priority", ""), channel=channel,
                                          appointment_code=values.get("appointment_code", "")[:8])
        except ServiceError as exc:
            error = str(exc.message)
        else:
            return redirect("hall:ticket", token=ticket.token)
    return render(request, "hall/kiosk.html", {
        "hall": hall, "businesses": selectors.businesses_waiting(hall), "values": values, "error": error,
        "online": channel == Ticket.Channel.PORTAL, "elderly_age": conf.elderly_age(), "priorities": [(k, v) for k, v in Ticket.Priority.choices if k in services.SELF_DECLARED]},
        status=422 if error else 200)


@require_http_methods(["GET", "POST"])
def book(request):
    """Public: book an appointment (预约) online - business, day, slot, ID number and mobile - for the code that
    checks in at the kiosk. Throttled per address like the kiosk."""
    hall = _hall_or_404(request)
    source = request.POST if request.method == "POST" else request.GET
    businesses = list(Business.objects.filter(hall=hall, active=True))
    business = next((b for b in businesses if str(b.pk) == source.get("business", "")), None)
    day = _day(source.get("date", ""))
    values, error, errors, made = source.dict(), "", {}, None
    if request.method == "POST":
        slot = AppointmentSlot.objects.filter(pk=values.get("slot", "") or None, business=business).first() \
            if values.get("slot", "").isdigit() else None
        try:
            if rate_limited(request, "hall_book", conf.takes_per_minute()):
                raise RateLimited()
            if slot is None:
                raise services.ValidationFailed(_("Choose a time."), details={"slot": _("Choose a time.")})
            made = services.appointment_book(slot=slot, id_number=values.get("id_number", "")[:18],
                                             mobile=values.get("mobile", "")[:11])
        except ServiceError as exc:
            error, errors = str(exc.message), exc.details if isinstance(exc.details, dict) else {}
    slots = list(selectors.slots_open(business, day)) if business and day else []
    return render(request, "hall/book.html", {
        "hall": hall, "businesses": businesses, "business": business, "day": day, "slots": slots, "values": values,
        "error": error, "errors": errors, "made": made}, status=422 if error else 200)


def _day(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _ticket_context(ticket: Ticket) -> dict:
    ahead = selectors.people_ahead(ticket)
    url = settings.ONEWINDOW_PUBLIC_URL.rstrip("/") + reverse("hall:ticket", args=[ticket.token])
    return {"ticket": ticket, "ahead": ahead, "wait": selectors.estimated_wait_minutes(ticket, ahead),
            "follow_url": url, "qr": qr_data_uri(url, scale=4), "masked_id": mask_id_number(ticket.id_number)}


@require_GET
def ticket_page(request, token: str):
    """Public, by the ticket's unguessable token (the receipt's QR): the ticket, people ahead, its state."""
    ticket = get_object_or_404(Ticket.objects.select_related("business", "window"), token=token)
    return render(request, "hall/ticket.html", _ticket_context(ticket))


@require_GET
def ticket_receipt(request, token: str):
    """Public, by token: the receipt as a PDF for a 58 or 80 mm thermal printer (`?width=58|80`)."""
    ticket = get_object_or_404(Ticket.objects.select_related("business__hall"), token=token)
    width = RECEIPT_WIDTHS.get(request.GET.get("width", "80"), 80)
    context = _ticket_context(ticket) | {"width": width}
    response = HttpResponse(render_pdf("hall/receipt.html", context), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ticket-{ticket.number}.pdf"'
    return response


@require_GET
def display(request):
    """Public: the hall's TV (叫号大屏)."""
    return render(request, "hall/display.html", {"hall": _hall_or_404(request)})


@require_GET
def display_feed(request):
    """Public JSON for the hall display: the last calls and the waiting counts. No names, no ID numbers."""
    hall = _hall_or_404(request)
    return JsonResponse({"calls": selectors.recent_calls(hall),
                         "waiting": [{"name": b.name, "waiting": b.waiting} for b in selectors.businesses_waiting(hall)]})


@require_GET
def window_display(request, pk: int):
    """Public: the screen above one window."""
    return render(request, "hall/window_display.html", {"window": get_object_or_404(Window, pk=pk)})


@require_GET
def window_feed(request, pk: int):
    """Public JSON for a window's screen: its current number and its clerk, or its state."""
    desk = get_object_or_404(Desk.objects.select_related("window", "current__clerk"), window_id=pk)
    current = desk.current if desk.current and desk.current.state == Ticket.State.CALLED else None
    return JsonResponse({"window": desk.window.number, "state": desk.state, "state_label": desk.get_state_display(),
                         "number": current.number if current else "",
                         "clerk": str(current.clerk) if current and current.clerk else ""})


# --- the window clerk ------------------------------------------------------------------------------------

@require_GET
@staff_required(*COUNTER)
def desk(request):
    """The clerk's caller (叫号): the current ticket, the waiting list of the businesses this window serves."""
    desk = selectors.desk_for(request.user)
    if desk is None:
        messages.error(request, _("Your account has no window that calls tickets."))
        return render(request, "hall/desk.html", {"desk": None})
    current = desk.current if desk.current and desk.current.state == Ticket.State.CALLED else None
    waiting = selectors.desk_waiting(desk)
    for ticket in waiting:
        ticket.masked_id = mask_id_number(ticket.id_number)
    return render(request, "hall/desk.html", {
        "desk": desk, "current": current, "current_id": mask_id_number(current.id_number) if current else "",
        "waiting": waiting, "skipped": selectors.desk_skipped(desk),
        "others": Window.objects.filter(hall_id=desk.window.hall_id, desk__isnull=False).exclude(pk=desk.window_id),
        "pad_code": request.session.pop("hall_pad_code", "")})


@require_POST
@staff_required(*COUNTER)
def desk_act(request, action: str):
    """One button of the caller; the services check the window, the state and the role again."""
    window, post, user = request.user.window, request.POST, request.user
    if window is None:
        raise Http404
    try:
        if action == "next":
            ticket = services.desk_call_next(window=window, actor=user)
            messages.success(request, _("Calling %(number)s.") % {"number": ticket.number})
        elif action == "recall":
            services.desk_recall(window=window, actor=user)
        elif action == "skip":
            services.desk_skip(window=window, actor=user)
        elif action == "finish":
            services.desk_finish(window=window, actor=user)
        elif action == "transfer":
            to = Window.objects.filter(pk=post.get("to", "") if post.get("to", "").isdigit() else None).first()
            if to is None:
                raise services.ValidationFailed(_("Choose another window of this hall."))
            services.desk_transfer(window=window, to_window=to, actor=user)
        elif action in ("pause", "resume"):
            services.desk_set_state(window=window, actor=user,
                                    state=Desk.State.PAUSED if action == "pause" else Desk.State.OPEN)
        elif action in ("callback", "priority"):
            ticket = get_object_or_404(Ticket, pk=post.get("ticket", "") if post.get("ticket", "").isdigit() else 0)
            if action == "callback":
                services.desk_call_skipped(window=window, ticket=ticket, actor=user)
            else:
                services.ticket_mark_priority(ticket=ticket, actor=user)
        elif action == "pair":
            request.session["hall_pad_code"] = pad.pad_code_issue(actor=user)
        else:
            raise Http404
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    return redirect("hall:desk")


# --- the hall manager ------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@staff_required(*MANAGER)
def overview(request):
    """The hall manager's screen: people waiting per business, waiting warnings, standby windows to open."""
    hall = _hall_or_404(request)
    if request.method == "POST":
        window = Window.objects.filter(hall=hall, pk=request.POST.get("window", "") or None).first() \
            if request.POST.get("window", "").isdigit() else None
        try:
            if window is None:
                raise Http404
            services.desk_open_standby(window=window, actor=request.user)
            messages.success(request, _("Window %(number)s is open.") % {"number": window.number})
        except ServiceError as exc:
            messages.error(request, str(exc.message))
        return redirect(f"{reverse('hall:overview')}?hall={hall.pk}")
    desks = Desk.objects.filter(window__hall=hall).select_related("window", "current", "opened_for").order_by("window__number")
    return render(request, "hall/overview.html", {
        "hall": hall, "businesses": selectors.businesses_waiting(hall), "warnings": selectors.waiting_warnings(hall),
        "desks": desks})


@require_GET
@staff_required(*REPORTS)
def figures(request):
    """The hall figures for a period by day, window, business or clerk; those who see the statistics."""
    date_from, date_to, error = periods.period_from(request.GET, selectors.first_ticket_day)
    by = request.GET.get("by") if request.GET.get("by") in DIMENSIONS else "day"
    rows, total = hall_figures(date_from=date_from, date_to=date_to, by=by)
    return render(request, "hall/figures.html", {
        "date_from": date_from, "date_to": date_to, "error": error, "by": by, "dimensions": list(DIMENSIONS.items()),
        "hall_rows": rows, "hall_total": total})
