"""The application's clock: what time it is for a service.

Services read the time through `now()` and `today()` (and models stamp rows with `now` as their default),
never `timezone.now()` directly, so that a caller can run them at another moment without patching
anything: `with frozen_at(moment) as clock:` makes `now()` answer `moment` in this thread (or task) only,
until `clock.set(...)` or `clock.advance(...)` moves it. The demo's history is written this way, days and
years ago, through the real services. Outside `frozen_at`, `now()` is `django.utils.timezone.now()`, so
the tests' time-machine moves both.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_frozen: ContextVar[datetime.datetime | None] = ContextVar("onewindow_clock_frozen", default=None)


def now() -> datetime.datetime:
    """The current moment, aware: the frozen one inside `frozen_at`, else the real one."""
    moment = _frozen.get()
    return timezone.now() if moment is None else moment


def today() -> datetime.date:
    """The current date in the configured time zone (`now()`'s)."""
    return timezone.localdate(now())


class FrozenClock:
    """The handle `frozen_at` yields: moves the frozen moment."""

    def now(self) -> datetime.datetime:
        return now()

    def set(self, moment: datetime.datetime) -> None:
        if timezone.is_naive(moment):
            raise ValueError("The clock needs an aware datetime.")
        _frozen.set(moment)

    def advance(self, delta: datetime.timedelta) -> None:
        self.set(now() + delta)


@contextmanager
def frozen_at(moment: datetime.datetime) -> Iterator[FrozenClock]:
    """Run the enclosed code with `now()` answering `moment` (then whatever the yielded clock is set to);
    the previous clock is back on exit, even after an error."""
    if timezone.is_naive(moment):
        raise ValueError("The clock needs an aware datetime.")
    token = _frozen.set(moment)
    try:
        yield FrozenClock()
    finally:
        _frozen.reset(token)
