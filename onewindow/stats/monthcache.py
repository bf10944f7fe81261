"""The figures of whole past months, kept in the shared cache until something changes in that month.

Every figure is a count, a sum or a histogram, so a period's rows are the sum of its months' rows
(`Row.merge`). A dashboard over three years then reads 36 cached months and computes only the current
month and the partial months at its ends. A month's entry is filed under that month's *generation*
(core/generations.py), which is replaced whenever a change reaches it: `rollup_days` (summary rows of its days, on every case
action, rating and appeal), and any saved or deleted rectification or complaint (the month it was opened
or made). `invalidate_all()` is for bulk writers.
"""

import datetime

from django.utils import timezone

from onewindow.core import generations

ALL_KEY = "figures:generation"
MONTH_SECONDS = 31 * 24 * 3600  # an entry nobody reads again is dropped by the cache in time


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _month_key(month: datetime.date) -> str:
    return f"figures:generation:{month:%Y-%m}"


def days_changed(days) -> None:
    months = {month_of(day) for day in days if day}
    if months:
        generations.replace(_month_key(month) for month in sorted(months))


def invalidate_all() -> None:
    generations.replace([ALL_KEY])


def entry_keys(months: list[datetime.date], by: str | None, layout: str = "") -> dict[datetime.date, str]:
    """The cache key of each month's rows as of now; `layout` names the shape of what is stored, so that a
    new release never reads rows an older one pickled."""
    now = generations.current([ALL_KEY, *(_month_key(month) for month in months)])
    return {month: f"figures:{layout}:{now[ALL_KEY]}:{by or 'total'}:{month:%Y-%m}:{now[_month_key(month)]}"
            for month in months}


def record_changed(sender, instance, **kwargs) -> None:
    """post_save / post_delete of a rectification or a complaint: its month's figures change."""
    day = getattr(instance, "opened_on", None) or getattr(instance, "created_at", None)
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date()
    if day:
        days_changed([day])
