"""The exchange hears every case action inside its transaction (`cases.signals.case_acted`), so a
committed action always has its outbox rows and a rolled-back one has none."""

from django.dispatch import receiver

from onewindow.cases.signals import case_acted

from .events import case_event_record


@receiver(case_acted, dispatch_uid="exchange.case_event_record")
def on_case_acted(sender, case, action, from_state, step, actor, **kwargs):
    case_event_record(case=case, event=action, from_state=from_state, step=step, actor=actor)
