"""Keep open cases' due dates right when the working-day calendar changes."""

from django.dispatch import receiver

from onewindow.workdays.signals import calendar_changed

from .services import deadlines_recompute


@receiver(calendar_changed, dispatch_uid="cases.recompute_deadlines")
def on_calendar_changed(sender, first, last, **kwargs):
    deadlines_recompute(first=first, last=last)
