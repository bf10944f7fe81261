from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from onewindow.audit.context import audit_context

from .services import deliver_all, next_due_at


@task()
def deliver_outbox():
    """Deliver what is due; if rows wait for a retry, come back when the first one is due."""
    with audit_context(source="worker"):
        report = deliver_all()
    due = next_due_at()
    if due is not None and deliver_outbox.get_backend().supports_defer:
        # run_after is the task backend's wall time, not the services' clock
        deliver_outbox.using(run_after=max(due, timezone.now() + timedelta(seconds=1))).enqueue()
    return {"sent": report.sent, "delivered": report.delivered, "failed": report.failed, "parked": report.parked}
