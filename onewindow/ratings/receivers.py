"""Open the rating period when a case completes; follow calendar changes."""

from django.dispatch import receiver

from onewindow.cases.models import CaseState, ResultKind
from onewindow.cases.signals import case_transitioned
from onewindow.workdays.signals import calendar_changed

from .services import deadlines_refresh, rating_window_open


@receiver(case_transitioned, dispatch_uid="ratings.open_window")
def on_case_transitioned(sender, case, action, from_state, to_state, **kwargs):
    if to_state == CaseState.COMPLETED and case.result_kind != ResultKind.WITHDRAWN:
        rating_window_open(case=case)


@receiver(calendar_changed, dispatch_uid="ratings.deadlines_refresh")
def on_calendar_changed(sender, first, last, **kwargs):
    deadlines_refresh(first=first, last=last)
