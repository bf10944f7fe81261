"""The figures of whole past months, kept in the shared cache until something changes in that month.

Every figure is a count, a sum or a histogram, so a period's rows are the sum of its months' rows
(`Row.merge`). A dashboard over three years then reads 36 cached months and computes only the current
month and the partial months at its ends. A month's entry is filed under that month's *generation*,
which is replaced whenever a change reaches it: `rollup_days` (summary rows of its days, on every case
action, rating and appeal), and any saved or deleted rectification or complaint (the month it was opened
or made). Replacing happens at once and again at commit, so a month computed in between from rows about
to change is filed under a generation nobody asks for again. `invalidate_all()` is for bulk writers.
"""

import datetime
import time

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

ALL_KEY = "figures:generation"
MONTH_SECONDS = 31 * 24 * 3600  # an entry nobody reads again is dropped by the cache in time


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _month_key(month: datetime.date) -> str:
    return f"figures:generation:{month:%Y-%m}"


def _bump(keys: list[str]) -> None:
    value = time.time_ns()
    cache.set_many(dict.fromkeys(keys, value), timeout=None)


def _bump_now_and_at_commit(keys: list[str]) -> None:
    _bump(keys)
    transaction.on_commit(lambda: _bump(keys))


def days_changed(days) -> None:
    months = {month_of(day) for day in days if day}
    if months:
        _bump_now_and_at_commit([_month_key(month) for month in sorted(months)])


def invalidate_all() -> None:
    _bump_now_and_at_commit([ALL_KEY])


def entry_keys(months: list[datetime.date], by: str | None, layout: str = "") -> dict[datetime.date, str]:
    """The cache key of each month's rows as of now; `layout` names the shape of what is stored, so that a
    new release never reads rows an older one pickled."""
    generations = cache.get_many([ALL_KEY, *(_month_key(month) for month in months)])
    base = generations.get(ALL_KEY, 0)
    return {month: f"figures:{layout}:{base}:{by or 'total'}:{month:%Y-%m}:{generations.get(_month_key(month), 0)}"
            for month in months}


def record_changed(sender, instance, **kwargs) -> None:
    """post_save / post_delete of a rectification or a complaint: its month's figures change."""
    day = getattr(instance, "opened_on", None) or getattr(instance, "created_at", None)
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date()
    if day:
        days_changed([day])
