import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from onewindow.audit.models import AppendOnlyError, AuditEvent
from onewindow.audit.services import audit_log, audit_verify


def _log(n: int, actor=None):
    for i in range(n):
        with transaction.atomic():
            audit_log(action="test.thing_done", actor=actor, object_type="test", object_id=str(i),
                      changes={"n": [i, i + 1]})


@pytest.mark.django_db
def test_chain_links_each_event_to_the_previous(clerk):
    _log(3, actor=clerk)
    events = list(AuditEvent.objects.filter(action="test.thing_done"))
    assert [e.object_id for e in events] == ["0", "1", "2"]
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert audit_verify().ok


@pytest.mark.django_db
def test_verify_reports_an_edited_row():
    _log(4)
    target = AuditEvent.objects.filter(action="test.thing_done").order_by("id")[2]
    with connection.cursor() as cursor:  # tamper behind the ORM's back, as an attacker with SQL would
        cursor.execute("UPDATE audit_auditevent SET object_repr = %s WHERE id = %s", ["forged", target.id])
    result = audit_verify()
    assert not result.ok and result.broken_id == target.id
    with pytest.raises(CommandError, match=f"event {target.id}"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_verify_reports_a_deleted_row():
    _log(3)
    middle = AuditEvent.objects.filter(action="test.thing_done").order_by("id")[1]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [middle.id])
    assert not audit_verify().ok


@pytest.mark.django_db
def test_no_code_path_updates_or_deletes():
    _log(1)
    event = AuditEvent.objects.get(action="test.thing_done")
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_audit_log_outside_a_transaction_is_refused(db):
    # pytest-django wraps tests in a transaction, so leave it explicitly for this check
    with mock_autocommit():
        with pytest.raises(RuntimeError):
            audit_log(action="test.no_txn")


class mock_autocommit:
    def __enter__(self):
        from unittest import mock

        self.patch = mock.patch("onewindow.audit.services.transaction.get_connection")
        conn = self.patch.start()
        conn.return_value.in_atomic_block = False

    def __exit__(self, *exc):
        self.patch.stop()
