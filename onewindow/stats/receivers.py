"""Keep the case's fact row in step with every transition, on the task worker (unless a bulk writer defers
it). The figures follow a case action within the worker's polling interval."""

import threading
from contextlib import contextmanager

from django.dispatch import receiver

from onewindow.cases.signals import case_transitioned

from .tasks import refresh_case_fact_task

_state = threading.local()


@contextmanager
def facts_deferred():
    """Within the block, transitions only collect the case ids; the caller refreshes them in bulk
    (`services.case_facts_rebuild(case_ids=...)`). Yields the set of ids."""
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
