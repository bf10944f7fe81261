from django.tasks import task


@task()
def audit_seal_task() -> int:
    """Worker job, enqueued when a transaction that wrote audit events commits: chain them."""
    from .services import audit_seal

    return audit_seal()
