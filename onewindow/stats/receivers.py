"""Keep the case's fact row in step with every transition, and the daily figures with every rating change,
on the task worker (unless a bulk writer defers it). The figures follow a case action or a rating within the
worker's polling interval."""

import threading
from contextlib import contextmanager

from django.dispatch import receiver

from onewindow.cases.signals import case_transitioned
from onewindow.ratings.signals import ratings_changed

from .tasks import refresh_case_fact_task, rollup_days_task

_state = threading.local()


@contextmanager
def facts_deferred():
    """Within the block, transitions only collect the case ids; the caller refreshes them in bulk
    (`services.case_facts_rebuild(case_ids=...)`, whose rollup covers the rating days of those cases too, so
    rating changes are not rolled up one by one meanwhile). Yields the set of ids."""
    _state.pending = set()
    try:
        yield _state.pending
    finally:
        del _state.pending


@receiver(case_transitioned, dispatch_uid="stats.refresh_fact")
def on_case_transitioned(sender, case, action, **kwargs):
    pending = getattr(_state, "pending", None)
    if pending is not None:
        pending.add(case.pk)
    else:
        refresh_case_fact_task.enqueue(case.pk)


@receiver(ratings_changed, dispatch_uid="stats.rollup_rating_days")
def on_ratings_changed(sender, days, **kwargs):
    if getattr(_state, "pending", None) is None:
        rollup_days_task.enqueue(sorted(day.isoformat() for day in days))
