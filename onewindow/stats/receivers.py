"""Keep the case's fact row in step with every transition (unless a bulk writer defers it)."""

import threading
from contextlib import contextmanager

from django.dispatch import receiver

from onewindow.cases.signals import case_transitioned

from .services import case_fact_refresh

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
        case_fact_refresh(case=case)
