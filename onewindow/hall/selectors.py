"""Reads of the hall queue: what the kiosk, the displays, the window and the rating pad show."""

import datetime
import time

from django.db.models import Count, Q
from django.utils import timezone

from onewindow.accounts.models import Hall, Window
from onewindow.core import clock

from . import conf
from .models import Business, Desk, QueueEvent, Ticket

DEFAULT_SERVICE_MINUTES = 5  # the estimate before anyone has been served today
CALLS_SHOWN = 8


def hall_or_first(hall_id) -> Hall | None:
    """The hall a public screen shows: `?hall=<id>`, else the first (most installations have one)."""
    halls = Hall.objects.order_by("id")
    if str(hall_id or "").isdigit():
        return halls.filter(pk=int(hall_id)).first()
    return halls.first()


def business_in_hall(hall_id, code: str) -> Business | None:
    """The business `code` of the hall a public screen or kiosk names (`hall_or_first`'s), in one query."""
    halls = Hall.objects.order_by("id")
    halls = halls.filter(pk=int(hall_id)) if str(hall_id or "").isdigit() else halls[:1]
    return Business.objects.filter(hall__in=halls.values("id"), code=code).first()


def businesses_waiting(hall: Hall, day: datetime.date | None = None):
    """The hall's active businesses with the number of people waiting today (one query)."""
    day = day or clock.today()
    return Business.objects.filter(hall=hall, active=True).annotate(
        waiting=Count("tickets", filter=Q(tickets__day=day, tickets__state=Ticket.State.WAITING))
    )


def people_ahead(ticket: Ticket) -> int:
    if ticket.state != Ticket.State.WAITING:
        return 0
    return Ticket.objects.filter(
        business_id=ticket.business_id,
        day=ticket.day,
        state=Ticket.State.WAITING,
        taken_at__lt=ticket.taken_at,
    ).count()


ESTIMATE_SECONDS = 30  # how long a process reuses a business's service pace for the estimated wait
_pace: dict[
    tuple[int, datetime.date], tuple[float, float]
] = {}  # (business, day) -> (until, minutes per person)


def estimated_wait_minutes(ticket: Ticket, ahead: int) -> int:
    """People ahead × today's average service time (the last 50 served), shared by the open windows serving the
    business. The pace is an estimate that moves slowly, so each process reuses it for ESTIMATE_SECONDS instead
    of reading it for every ticket taken or followed."""
    if not ahead:
        return 0
    key, moment = (ticket.business_id, ticket.day), time.monotonic()
    cached = _pace.get(key)
    if cached is None or cached[0] <= moment:
        served = [
            t.service_seconds
            for t in Ticket.objects.filter(
                business_id=ticket.business_id, day=ticket.day, state=Ticket.State.DONE
            )
            .only("state", "called_at", "finished_at")
            .order_by("-finished_at")[:50]
        ]
        minutes = (sum(served) / len(served) / 60) if served else DEFAULT_SERVICE_MINUTES
        windows = Desk.objects.filter(businesses=ticket.business_id, state=Desk.State.OPEN).count() or 1
        if len(_pace) > 1000:  # yesterday's keys: a long-lived worker does not keep them
            _pace.clear()
        cached = _pace[key] = (moment + ESTIMATE_SECONDS, minutes / windows)
    return round(ahead * cached[1])


def recent_calls(hall: Hall, limit: int = CALLS_SHOWN) -> list[dict]:
    """The last calls of the hall for the display: number → window. No names, no ID numbers."""
    rows = (
        QueueEvent.objects.filter(hall=hall, kind__in=(QueueEvent.Kind.CALL, QueueEvent.Kind.RECALL))
        .select_related("ticket", "window")
        .order_by("-id")[:limit]
    )
    return [
        {
            "id": e.id,
            "number": e.ticket.number,
            "window": e.window.number,
            "window_name": e.window.name,
            "at": timezone.localtime(e.at).strftime("%H:%M:%S"),
        }
        for e in rows
    ]


def desk_for(user) -> Desk | None:
    if not user.window_id:
        return None
    return Desk.objects.select_related("window", "current__business").filter(window_id=user.window_id).first()


def desk_waiting(desk: Desk, limit: int = 30) -> list[Ticket]:
    from .services import queue_order

    return list(queue_order(desk.window, clock.now()).select_related("business")[:limit])


def desk_skipped(desk: Desk) -> list[Ticket]:
    return list(
        Ticket.objects.filter(day=clock.today(), state=Ticket.State.SKIPPED, business__desks=desk)
        .select_related("business")
        .order_by("taken_at")[:30]
    )


def serving_id_number(user, ticket_id: str) -> str:
    """The ID number of the ticket `user` is serving now (to prefill a case from it), else ""."""
    if not str(ticket_id).isdigit():
        return ""
    return (
        Ticket.objects.filter(pk=int(ticket_id), clerk_id=user.pk, state=Ticket.State.CALLED)
        .values_list("id_number", flat=True)
        .first()
        or ""
    )


def window_current(window: Window) -> Ticket | None:
    desk = Desk.objects.select_related("current").filter(window=window).first()
    if desk and desk.current and desk.current.state == Ticket.State.CALLED:
        return desk.current
    return None


def pad_ticket(window: Window) -> Ticket | None:
    """The ticket whose service just ended at `window`, unrated, within the pad period."""
    since = clock.now() - datetime.timedelta(minutes=conf.pad_minutes())
    return (
        Ticket.objects.filter(window=window, state=Ticket.State.DONE, finished_at__gte=since, rating="")
        .select_related("business", "case__item_version")
        .order_by("-finished_at", "-id")
        .first()
    )


def waiting_warnings(hall: Hall, now: datetime.datetime | None = None) -> list[dict]:
    """Businesses where the longest wait today passed the warning time (for the hall manager's screen and the
    automatic opening of standby windows)."""
    now = now or clock.now()
    rows = []
    for business in Business.objects.filter(hall=hall, active=True):
        oldest = (
            Ticket.objects.filter(business=business, day=timezone.localdate(now), state=Ticket.State.WAITING)
            .order_by("taken_at")
            .values_list("taken_at", flat=True)
            .first()
        )
        if oldest and now - oldest > datetime.timedelta(minutes=business.warn_after_minutes):
            rows.append({"business": business, "minutes": int((now - oldest).total_seconds() // 60)})
    return rows


def slots_open(business: Business, day: datetime.date) -> list:
    """The bookable slots of a business on a day with the places left: its regular slots within the day's
    hours (`hall.hours`: a holiday has none), and the extended-hours slots of its windows."""
    from .hours import business_hours, covers
    from .models import Appointment, AppointmentSlot

    active = Q(appointments__state__in=(Appointment.State.BOOKED, Appointment.State.CHECKED_IN))
    slots = (
        AppointmentSlot.objects.filter(business=business, date=day)
        .select_related("window")
        .annotate(taken=Count("appointments", filter=active))
        .order_by("starts_at", "id")
    )
    span = business_hours(business, day)
    return [
        s for s in slots if s.kind == AppointmentSlot.Kind.EXTENDED or covers(span, s.starts_at, s.ends_at)
    ]


def first_ticket_day() -> datetime.date:
    """The earliest day a ticket was taken (the default start of the hall figures' period)."""
    return Ticket.objects.order_by("day").values_list("day", flat=True).first() or clock.today()
