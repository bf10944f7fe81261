"""When a business gives out tickets on a given day: its hours per weekday, the working-day calendar, and the
extended hours of its windows (延时/错时服务).

- A business without weekday rows gives tickets out every day within its daily range (`opens_at`-`closes_at`).
- With weekday rows: on a working day of the calendar, the row of that weekday (Monday to Friday) or else the
  daily range; a make-up working day (调休) on a weekend keeps the daily range, as a working day does. On a
  rest day, the row of that weekday (Saturday service), unless the day is a holiday (a rest day the calendar
  names: 春节, 国庆节...), when the business gives out no tickets.
- A window's extended hours follow the same rule for its rows (no daily range): they add hours in which the
  window gives out tickets for the businesses it serves, called at that window.
"""

import datetime

from onewindow.workdays import calendar

from .models import Business, ExtendedHours

Span = tuple[datetime.time, datetime.time]


def day_kind(day: datetime.date) -> str:
    """ "working", "holiday" (a named rest day) or "rest" (an ordinary weekend day) under the calendar."""
    snap = calendar.snapshot()
    if snap.is_working(day):
        return "working"
    return "holiday" if calendar.day_note(day, snap.overrides) else "rest"


def _from_rows(rows: dict[int, Span], day: datetime.date, kind: str, default: Span | None) -> Span | None:
    if kind == "holiday":
        return None
    if kind == "rest":
        return rows.get(day.weekday())
    return rows.get(day.weekday()) if day.weekday() < 5 and day.weekday() in rows else default


def business_hours(business: Business, day: datetime.date, kind: str | None = None) -> Span | None:
    """The hours in which `business` gives out tickets on `day` (None: not on that day)."""
    default = (business.opens_at, business.closes_at)
    rows = {r.weekday: (r.opens_at, r.closes_at) for r in business.hours.all()}
    if not rows:
        return default
    return _from_rows(rows, day, kind or day_kind(day), default)


def extended_window(business: Business, day: datetime.date, clock: datetime.time):
    """The window whose extended hours cover `clock` on `day` for `business`, else None."""
    extra = (
        ExtendedHours.objects.filter(
            desk__businesses=business,
            desk__window__hall_id=business.hall_id,
            weekday=day.weekday(),
            opens_at__lte=clock,
            closes_at__gt=clock,
        )
        .select_related("desk__window")
        .order_by("opens_at", "id")
    )
    if not extra:
        return None
    kind = day_kind(day)
    for row in extra:
        span = _from_rows({day.weekday(): (row.opens_at, row.closes_at)}, day, kind, None)
        if span and span[0] <= clock < span[1]:
            return row.desk.window
    return None


def covers(span: Span | None, start: datetime.time, end: datetime.time) -> bool:
    """Whether a slot from `start` to `end` lies within the hours `span`."""
    return span is not None and span[0] <= start and end <= span[1]
