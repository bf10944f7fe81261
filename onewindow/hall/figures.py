"""Hall figures per day, window, business or clerk: tickets taken, served, skipped, transferred, the wait
(taking → first call) and the service time (last call → end), average and p90, the green-channel share, and
appointments booked, checked in and not kept.

The rows are computed from the period's tickets in Python: a hall gives out thousands of tickets a day, not
millions, and the percentiles need the values themselves."""

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Appointment, QueueEvent, Ticket

DIMENSIONS = {"day": _("day"), "window": _("window"), "business": _("business"), "clerk": _("clerk")}
_TICKET_KEYS = {"day": "day", "window": "window__number", "business": "business__name", "clerk": "clerk__full_name"}
_APPOINTMENT_KEYS = {"day": "slot__date", "window": "ticket__window__number", "business": "slot__business__name",
                     "clerk": "ticket__clerk__full_name"}
_EVENT_KEYS = {"day": "at__date", "window": "window__number", "business": "ticket__business__name",
               "clerk": "actor__full_name"}


def p90(values: list[float]) -> float | None:
    """The nearest-rank 90th percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def _minutes(value: float | None) -> float | None:
    return None if value is None else round(value / 60, 1)


@dataclass
class Row:
    label: str
    taken: int = 0
    served: int = 0
    skipped: int = 0
    transferred: int = 0
    green: int = 0
    booked: int = 0
    checked_in: int = 0
    no_show: int = 0
    waits: list = field(default_factory=list, repr=False)
    services: list = field(default_factory=list, repr=False)

    @property
    def avg_wait_minutes(self):
        return _minutes(sum(self.waits) / len(self.waits)) if self.waits else None

    @property
    def p90_wait_minutes(self):
        return _minutes(p90(self.waits))

    @property
    def avg_service_minutes(self):
        return _minutes(sum(self.services) / len(self.services)) if self.services else None

    @property
    def p90_service_minutes(self):
        return _minutes(p90(self.services))

    @property
    def green_share(self):
        return round(100 * self.green / self.taken, 1) if self.taken else None


def hall_figures(*, date_from: datetime.date, date_to: datetime.date, by: str = "day") -> tuple[list[Row], Row]:
    """(rows by `by`, total) for tickets taken from `date_from` to `date_to` (local days, inclusive)."""
    rows: dict = defaultdict(lambda: Row(label=""))
    total = Row(label=str(_("Total")))
    tickets = (Ticket.objects.filter(day__range=(date_from, date_to))
               .values_list(_TICKET_KEYS[by], "state", "priority", "taken_at", "first_called_at", "called_at",
                            "finished_at"))
    for key, state, priority, taken, first_called, called, finished in tickets.iterator(chunk_size=5000):
        for row in (rows[key], total):
            row.taken += 1
            row.green += bool(priority)
            if first_called:
                row.waits.append((first_called - taken).total_seconds())
            if state == Ticket.State.DONE and called and finished:
                row.served += 1
                row.services.append((finished - called).total_seconds())
    start = timezone.make_aware(datetime.datetime.combine(date_from, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min))
    events = (QueueEvent.objects.filter(at__gte=start, at__lt=end, kind__in=(QueueEvent.Kind.SKIP,
                                                                               QueueEvent.Kind.TRANSFER))
              .annotate(key=F(_EVENT_KEYS[by])).values_list("key", "kind"))
    for key, kind in events:
        for row in (rows[key], total):
            if kind == QueueEvent.Kind.SKIP:
                row.skipped += 1
            else:
                row.transferred += 1
    appointments = (Appointment.objects.filter(slot__date__range=(date_from, date_to), slot__business__isnull=False)
                    .exclude(state=Appointment.State.CANCELLED).values_list(_APPOINTMENT_KEYS[by], "state"))
    for key, state in appointments:
        for row in (rows[key], total):
            row.booked += 1
            row.checked_in += state == Appointment.State.CHECKED_IN
            row.no_show += state == Appointment.State.NO_SHOW
    for key, row in rows.items():
        row.label = str(key) if key not in (None, "") else str(_("(none)"))
    return sorted(rows.values(), key=lambda r: r.label), total


def summary_fields(*, date_from: datetime.date, date_to: datetime.date) -> dict:
    """The hall's fields of GET /api/v1/stats/summary."""
    _rows, total = hall_figures(date_from=date_from, date_to=date_to, by="day")
    p90_wait = total.p90_wait_minutes
    return {"tickets": total.taken, "avg_wait_minutes": total.avg_wait_minutes,
            "p90_wait_minutes": None if p90_wait is None else math.ceil(p90_wait)}
