from django.tasks import task

from onewindow.audit.context import audit_context

from .services import complaints_escalate_overdue, rating_defaults_record


@task()
def ratings_sweep():
    """Daily: default ratings for closed rating periods, escalation of overdue complaints."""
    with audit_context(source="worker"):
        return {"defaults": rating_defaults_record(), "escalated": complaints_escalate_overdue()}
