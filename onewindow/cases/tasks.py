import datetime

from django.tasks import task

from .services import deadlines_refresh


@task()
def deadlines_refresh_task(first: str, last: str) -> int:
    """Worker job: refresh the due dates of open cases after a calendar change (can touch many cases)."""
    return deadlines_refresh(first=datetime.date.fromisoformat(first), last=datetime.date.fromisoformat(last))


@task()
def cases_daily() -> dict:
    """Daily: deemed acceptances (Art. 32) and 容缺 lapses, as `onewindow cases_daily` runs them."""
    from onewindow.audit.context import audit_context

    from .services import deemed_acceptances_apply, deficiencies_expire

    with audit_context(source="worker"):
        return {"deemed": deemed_acceptances_apply(), "terminated": deficiencies_expire()}
