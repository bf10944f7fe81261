import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from onewindow.audit.models import AppendOnlyError, AuditChainHead, AuditEvent
from onewindow.audit.services import audit_log, audit_seal, audit_verify


def _log(n: int, actor=None, *, seal: bool = True):
    """n events, each in a transaction of its own, then chained as the worker chains them after each commit."""
    for i in range(n):
        with transaction.atomic():
            audit_log(action="test.thing_done", actor=actor, object_type="test", object_id=str(i),
                      changes={"n": [i, i + 1]})
    if seal:
        audit_seal()


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


# --- issue 16: an attacker with database access cannot truncate or rewrite the chain silently ------------------

def _events():
    return list(AuditEvent.objects.order_by("id"))


def _sql(statement, params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def anchors(settings, tmp_path):
    settings.ONEWINDOW_AUDIT_ANCHOR_FILE = str(tmp_path / "anchors.jsonl")
    settings.VAR_DIR = tmp_path  # the signing key of this test installation
    return tmp_path / "anchors.jsonl"


@pytest.mark.django_db
def test_verify_detects_a_deleted_tail_with_the_head_moved_back(anchors):
    _log(4)
    events = _events()
    _sql("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].id])
    _sql("UPDATE audit_auditchainhead SET last_hash = %s, count = count - 1 WHERE id = 1", [events[-2].hash])
    result = audit_verify()
    assert not result.ok and "not keyed" in result.reason


@pytest.mark.django_db
def test_verify_detects_a_recomputed_chain(anchors):
    _log(3)
    events = _events()
    # Rewrite event 1 and recompute every hash after it, as the old unkeyed chain allowed.
    prev = events[0].prev_hash
    for event in events:
        if event.object_id == "1":
            event.object_repr = "forged"
        event.prev_hash = prev
        event.hash = event.compute_hash()
        _sql("UPDATE audit_auditevent SET object_repr = %s, prev_hash = %s, hash = %s WHERE id = %s",
             [event.object_repr, event.prev_hash, event.hash, event.id])
        prev = event.hash
    _sql("UPDATE audit_auditchainhead SET last_hash = %s WHERE id = 1", [prev])
    result = audit_verify()
    assert not result.ok and "not keyed" in result.reason
    with pytest.raises(CommandError, match="not keyed"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_signed_anchor_catches_a_tail_cut_back_to_an_older_head(anchors):
    _log(2)
    old_head = list(AuditChainHead.objects.values_list("last_hash", "count", "mac"))[0]  # the attacker keeps it
    _log(2)
    call_command("audit", "anchor")
    assert anchors.exists() and audit_verify().ok
    kept = _events()[: old_head[1]]
    _sql("DELETE FROM audit_auditevent WHERE id > %s", [kept[-1].id])
    _sql("UPDATE audit_auditchainhead SET last_hash = %s, count = %s, mac = %s WHERE id = 1", list(old_head))
    result = audit_verify()
    assert not result.ok and "events removed" in result.reason


@pytest.mark.django_db
def test_a_forged_anchor_line_is_refused(anchors):
    _log(1)
    call_command("audit", "anchor")
    anchors.write_text(anchors.read_text().replace('"count": 1', '"count": 0'))
    result = audit_verify()
    assert not result.ok and "does not verify" in result.reason


@pytest.mark.django_db
def test_an_event_stamped_by_a_clock_in_local_time_still_verifies():
    """The hash covers the instant as stored (UTC): a clock that answers in +08:00 (the demo's frozen clock)
    once made every such event fail `audit verify` after it was read back."""
    import datetime

    from onewindow.core import clock

    local = datetime.datetime(2026, 10, 22, 16, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    with clock.frozen_at(local), transaction.atomic():
        audit_log(action="test.local_clock", changes={"x": 1})
    assert audit_verify().ok
