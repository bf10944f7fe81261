import datetime

from django.tasks import task

from onewindow.cases.models import Case

from .services import case_fact_refresh, rollup_days


@task()
def refresh_case_fact_task(case_id: int) -> bool:
    """Worker job after every case action: the case's fact row and the daily figures of its days.

    Off the request path because the day's figures are recomputed from all of the day's facts under a lock
    per day, which would make every clerk of the hall queue behind every other one."""
    return case_fact_refresh(case=Case(pk=case_id)) is not None


@task()
def rollup_days_task(days: list[str]) -> int:
    """Worker job after ratings change (recorded, defaulted, excluded on appeal): those days' figures."""
    return rollup_days({datetime.date.fromisoformat(day) for day in days})
