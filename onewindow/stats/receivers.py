"""Keep the case's fact row in step with every transition."""

from django.dispatch import receiver

from onewindow.cases.signals import case_transitioned

from .services import case_fact_refresh


@receiver(case_transitioned, dispatch_uid="stats.refresh_fact")
def on_case_transitioned(sender, case, action, **kwargs):
    case_fact_refresh(case=case)
