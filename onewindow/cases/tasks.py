import datetime

from django.tasks import task

from .services import deadlines_recompute


@task()
def recompute_deadlines_task(first: str, last: str) -> int:
    """Worker job: refresh the due dates of open cases after a calendar change (can touch many cases)."""
    return deadlines_recompute(first=datetime.date.fromisoformat(first), last=datetime.date.fromisoformat(last))
