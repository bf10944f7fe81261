"""Writers store events unchained and never wait for each other; the sealer chains committed events, one sealer
at a time, and `audit verify` still catches every kind of tampering (issue 19)."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

from onewindow.audit.models import AuditChainHead, AuditEvent
from onewindow.audit.services import audit_log, audit_seal, audit_verify


def _write(*object_ids: str) -> None:
    for object_id in object_ids:
        with transaction.atomic():
            audit_log(action="test.sealing", object_type="test", object_id=object_id, changes={"id": object_id})


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.mark.django_db
def test_events_are_pending_until_sealed_then_chained_in_a_stable_order():
    _write("a", "b")
    assert list(AuditEvent.objects.values_list("position", "hash")) == [(None, None), (None, None)]
    result = audit_verify(seal=False)
    assert result.ok and result.checked == 0 and result.pending == 2  # pending is not a failure

    assert audit_seal() == 2
    _write("c")
    assert audit_seal() == 1 and audit_seal() == 0
    events = list(AuditEvent.objects.order_by("position"))
    assert [(e.position, e.object_id) for e in events] == [(1, "a"), (2, "b"), (3, "c")]
    assert events[0].prev_hash == "0" * 64
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    head = AuditChainHead.objects.get()
    assert (head.count, head.last_hash) == (3, events[2].hash)
    result = audit_verify(seal=False)
    assert result.ok and result.checked == 3 and result.pending == 0


@pytest.mark.django_db
def test_verify_chains_pending_events_first_and_the_command_reports_what_is_pending(capsys):
    _write("a")
    call_command("audit", "verify", "--no-seal")
    assert "1 committed events not chained yet" in capsys.readouterr().out
    call_command("audit", "verify")
    assert "OK: 1 events, chain intact\n" == capsys.readouterr().out
    _write("b")
    call_command("audit", "seal")
    assert "chained 1 events" in capsys.readouterr().out


@pytest.mark.django_db
def test_an_unchained_event_altered_in_the_database_is_not_chained_and_verify_reports_it():
    _write("a", "b")
    target = AuditEvent.objects.get(object_id="a")
    _sql("UPDATE audit_auditevent SET object_repr = 'forged' WHERE id = %s", [target.id])
    assert audit_seal() == 1  # only "b"
    assert AuditEvent.objects.get(pk=target.pk).position is None
    result = audit_verify()
    assert not result.ok and result.broken_id == target.id and "writer's key" in result.reason


@pytest.mark.django_db
def test_an_event_inserted_with_sql_is_never_chained():
    _write("a")
    _sql("INSERT INTO audit_auditevent (at, actor_label, action, object_type, object_id, object_repr, changes, "
         "source, request_id, prev_hash, mac) VALUES (%s, '', 'forged', '', '', '', '{}', 'web', '', '', '')",
         ["2026-12-01T00:00:00+00:00"])
    assert audit_seal() == 1
    result = audit_verify()
    assert not result.ok and "writer's key" in result.reason
    assert AuditEvent.objects.get(action="forged").position is None


@pytest.mark.django_db
def test_verify_detects_every_event_deleted_behind_a_keyed_head():
    _write("a", "b")
    audit_seal()
    _sql("DELETE FROM audit_auditevent")
    result = audit_verify()
    assert not result.ok and "head" in result.reason


@pytest.mark.django_db
def test_one_sealing_task_per_committed_transaction_and_none_for_a_rolled_back_one(
        django_capture_on_commit_callbacks, monkeypatch):
    runs = []  # the test settings run tasks at once (ImmediateBackend), as the worker would after the commit
    monkeypatch.setattr("onewindow.audit.services.audit_seal", lambda: runs.append(audit_seal()))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            audit_log(action="test.sealing", object_id="1")
            audit_log(action="test.sealing", object_id="2")
    assert len(callbacks) == 1 and runs == [2]  # one task, which chained both
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            audit_log(action="test.sealing", object_id="3")
            raise RuntimeError("the change fails after its event was written")
    assert callbacks == [] and not AuditEvent.objects.filter(object_id="3").exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            with pytest.raises(RuntimeError), transaction.atomic():  # a savepoint rolled back with its task
                audit_log(action="test.sealing", object_id="4")
                raise RuntimeError("the inner change fails")
            audit_log(action="test.sealing", object_id="5")
    assert len(callbacks) == 1 and runs == [2, 1]  # the outer event still got its task


@pytest.mark.django_db
def test_no_second_sealing_task_while_one_waits_in_the_queue(django_capture_on_commit_callbacks):
    from django.tasks.base import TaskResultStatus
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult, get_date_max

    from onewindow.audit.tasks import audit_seal_task

    waiting = DBTaskResult.objects.create(
        status=TaskResultStatus.READY, args_kwargs={"args": [], "kwargs": {}}, task_path=audit_seal_task.module_path,
        backend_name="default", run_after=get_date_max(), exception_class_path="", traceback="")
    with django_capture_on_commit_callbacks(execute=True):
        _write("a")
    assert list(DBTaskResult.objects.values_list("id", flat=True)) == [waiting.id]
    assert AuditEvent.objects.get().position is None  # left to the waiting task
    DBTaskResult.objects.filter(pk=waiting.pk).update(status=TaskResultStatus.RUNNING, started_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        _write("b")  # the only task has started: this commit needs one of its own (run at once in the tests)
    assert not AuditEvent.objects.filter(position__isnull=True).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_wait_for_each_other():
    """A writer whose transaction stays open (a long clerk's action) does not hold up another one: before
    issue 19 the second waited on the chain head's row lock until the first committed."""
    first_wrote, second_done = threading.Event(), threading.Event()
    outcome = {}

    def first():
        try:
            with transaction.atomic():
                audit_log(action="test.sealing", object_id="first")
                first_wrote.set()
                outcome["second finished while the first was open"] = second_done.wait(10)
        finally:
            connection.close()

    def second():
        try:
            first_wrote.wait(10)
            with transaction.atomic():
                _sql("SET LOCAL lock_timeout = '2s'")  # a wait for a lock fails instead of hanging
                audit_log(action="test.sealing", object_id="second")
            second_done.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcome == {"second finished while the first was open": True}
    result = audit_verify()
    assert result.ok and result.checked == 2
    assert list(AuditEvent.objects.order_by("position").values_list("object_id", flat=True)) == ["second", "first"]


WRITER = """
import itertools, os, django
django.setup()
from django.db import transaction
from onewindow.audit.services import audit_log
for n in itertools.count():
    with transaction.atomic():
        audit_log(action="test.killed", object_type="test", object_id=f"{os.getpid()}-{n}", changes={"n": n})
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_kill_9_of_writers_and_worker_mid_run_leaves_a_chain_that_verifies_after_the_next_seal():
    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "onewindow.settings", "DEBUG": "0",
           "SECRET_KEY": settings.SECRET_KEY, "ONEWINDOW_AUDIT_KEY": getattr(settings, "ONEWINDOW_AUDIT_KEY", ""),
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"}
    # Three "web" writers enqueue a sealing task on each commit; the task worker runs them.
    processes = [subprocess.Popen([sys.executable, "-c", WRITER], env=env, stderr=subprocess.DEVNULL)
                 for _ in range(3)]
    processes.append(subprocess.Popen([sys.executable, "-m", "onewindow", "db_worker", "--interval", "0.05",
                                       "--no-startup-delay", "--no-reload"], env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and AuditEvent.objects.filter(position__isnull=False).count() < 100:
            time.sleep(0.2)
        assert AuditEvent.objects.filter(position__isnull=False).count() >= 100, "the worker chained nothing"
    finally:
        for process in processes:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
    written = AuditEvent.objects.count()
    audit_seal()
    result = audit_verify(seal=False)
    assert result.ok, result
    assert result.checked == written and result.pending == 0
