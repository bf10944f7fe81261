"""Keep open cases' due dates right when the working-day calendar changes."""

from django.dispatch import receiver

from onewindow.workdays.signals import calendar_changed

from .tasks import deadlines_refresh_task


@receiver(calendar_changed, dispatch_uid="cases.deadlines_refresh")
def on_calendar_changed(sender, first, last, **kwargs):
    # The signal is sent after the calendar change commits; the refresh runs on the worker, not in the
    # administrator's request.
    deadlines_refresh_task.enqueue(first.isoformat(), last.isoformat())
