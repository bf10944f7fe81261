"""What an operator watches, read cheaply from the database: the task queue, the outbox, cases by state.
Shared by /metrics (every scrape) and /readyz (every load-balancer probe), so each is one indexed query."""

from dataclasses import dataclass

from django.db.models import Case as When_
from django.db.models import Count, F, When
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from onewindow.cases.models import Case
from onewindow.exchange.models import OutboxRow


@dataclass(frozen=True)
class Backlog:
    count: int
    oldest_seconds: float  # age of the oldest waiting row; 0 when none waits


def _age(moment) -> float:
    return max(0.0, (timezone.now() - moment).total_seconds()) if moment else 0.0


def task_queue() -> Backlog:
    """Tasks the worker should already have started: due now, not yet claimed."""
    ready = DBTaskResult.objects.ready()
    # A task without run_after carries the far-future marker; it has been due since it was enqueued.
    oldest = (ready.annotate(due=When_(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after")))
              .order_by("due").values_list("due", flat=True).first())
    return Backlog(ready.count(), _age(oldest))


def outbox_backlog() -> Backlog:
    """Rows for an active platform profile that are not delivered yet (parked rows are not waiting)."""
    pending = OutboxRow.objects.filter(status=OutboxRow.Status.PENDING, profile__active=True)
    oldest = pending.order_by("id").values_list("created_at", flat=True).first()
    return Backlog(pending.count(), _age(oldest))


def cases_by_state() -> dict[str, int]:
    return dict(Case.objects.order_by().values_list("state").annotate(n=Count("id")))


def task_failures() -> int:
    return DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count()
