"""Bounded date ranges for every endpoint that takes one: dates between 2000-01-01 and the end of next year,
at most five years long. A request outside that gets a clear 400 instead of costing minutes of work (or a
500 on a date the database cannot hold)."""

import datetime
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST = datetime.date(2000, 1, 1)
MAX_DAYS = 5 * 366


def latest() -> datetime.date:
    return datetime.date(timezone.localdate().year + 1, 12, 31)


def period_errors(date_from: datetime.date | None, date_to: datetime.date | None) -> dict[str, str]:
    """{field: message} for dates out of bounds, a reversed period or one longer than five years."""
    errors = {}
    for field, day in (("from", date_from), ("to", date_to)):
        if day is not None and not EARLIEST <= day <= latest():
            errors[field] = _("Dates must lie between %(first)s and %(last)s.") % {
                "first": EARLIEST.isoformat(), "last": latest().isoformat()}
    if not errors and date_from and date_to:
        if date_from > date_to:
            errors["from"] = _("The start of the period is after its end.")
        elif (date_to - date_from).days > MAX_DAYS:
            errors["to"] = _("A period can be at most five years long.")
    return errors


def default_start(first: datetime.date, date_to: datetime.date) -> datetime.date:
    """The start when none is given: `first` (e.g. the first case), but no more than five years back."""
    return max(first, date_to - datetime.timedelta(days=MAX_DAYS), EARLIEST)


def parse_date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def period_from(params, first_day: Callable[[], datetime.date]) -> tuple[datetime.date, datetime.date, str]:
    """(from, to, error) from ?from=&to= of a figures page; defaults: `first_day()` (at most five years back)
    through today. A refused period falls back to the last year and says why."""
    today = timezone.localdate()
    date_from, date_to = parse_date(params.get("from")), parse_date(params.get("to"))
    error = ""
    if (params.get("from") and date_from is None) or (params.get("to") and date_to is None):
        error = _("Dates are written YYYY-MM-DD.")
    errors = period_errors(date_from, date_to)
    if errors:
        error, date_from, date_to = next(iter(errors.values())), None, None
    date_to = date_to or today
    date_from = date_from or default_start(first_day(), date_to)
    errors = period_errors(date_from, date_to)
    if errors:  # e.g. only ?from= given, five years before a default end
        error, date_from, date_to = next(iter(errors.values())), today - datetime.timedelta(days=365), today
    return date_from, date_to, error
