"""行政许可法 Art. 32: the one-time correction notice and deemed acceptance, as rules the services and the
action declarations (`actions.py`, whose guards read them) share without importing the services."""

import datetime

from django.db.models import prefetch_related_objects

from onewindow.catalog.models import LimitUnit
from onewindow.core import clock
from onewindow.workdays import services as workdays

from . import conf
from .models import Case, CasePause, CaseState


def pauses(case: Case, *, correction: bool) -> list[tuple[datetime.date, datetime.date | None]]:
    # The case's pauses are read once (or come from a prefetch: the calendar refresh); writes call
    # `services._pauses_changed`.
    prefetch_related_objects([case], "pauses")
    return [(p.started_on, p.ended_on) for p in case.pauses.all()
            if (p.kind == CasePause.Kind.CORRECTION) == correction]


def correction_notice_due(case: Case, on: datetime.date | None = None) -> workdays.DateAnswer | None:
    """行政许可法 Art. 32(4): the last day for the one-time correction notice, the fifth working day after
    receipt, not counting the time spent waiting for corrections. The supervision board uses it too."""
    if not case.received_on:
        return None
    return workdays.clock_due(start=case.received_on, limit=conf.CORRECTION_NOTICE_DAYS,
                              unit=LimitUnit.WORKING_DAYS, paused=pauses(case, correction=True), today=on or clock.today())


def correction_window_passed(case: Case, on: datetime.date | None = None) -> bool:
    """Art. 32: the fifth working day after receipt (correction waits excluded) has ended."""
    day = on or clock.today()
    # Five working days are at least five calendar days: no calendar read in the first days.
    if not case.received_on or day <= case.received_on + datetime.timedelta(days=conf.CORRECTION_NOTICE_DAYS):
        return False
    return day > correction_notice_due(case, day).date


def correction_notified(case: Case) -> bool:
    """Art. 32 allows one 一次性告知书 per application."""
    return bool(pauses(case, correction=True))


def deemed_accepted_now(case: Case, on: datetime.date | None = None) -> bool:
    """Art. 32(4): no correction notice and the five working days are over: the application counts as
    accepted from receipt, whatever a clerk does next."""
    return (case.state == CaseState.SUBMITTED and not correction_notified(case)
            and correction_window_passed(case, on))
