import json
import threading
import urllib.request
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from onewindow.exchange import services
from onewindow.exchange.models import OutboxRow, PlatformProfile
from onewindow.exchange.reconcile import reconcile
from onewindow.exchange.services import deliver_all, deliver_batch, outbox_enqueue, outbox_replay
from onewindow.exchange.simulator import serve

SECRET = "shared-secret"


@pytest.fixture
def simulator():
    server = serve(port=0, secret=SECRET, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def control(server, **body):
    request = urllib.request.Request(server.base + "/_control", data=json.dumps(body).encode(), method="POST")
    urllib.request.urlopen(request).read()


@pytest.fixture
def profile(db, simulator):
    p = PlatformProfile.objects.get(name="gbt39046")
    p.endpoint_url = simulator.base + "/exchange/rows"
    p.ack_url = simulator.base + "/acks"
    p.secret = SECRET
    p.active = True
    p.batch_size = 10
    p.max_attempts = 3
    p.timeout_seconds = 2
    p.save()
    return p


def enqueue(case_no, kind="acceptance", **payload):
    with transaction.atomic():
        outbox_enqueue(kind=kind, case_no=case_no, payload={"project_no": case_no, **payload})


def test_enqueue_needs_the_changes_transaction(db):
    from unittest import mock

    with mock.patch("onewindow.exchange.services.transaction.get_connection") as conn:
        conn.return_value.in_atomic_block = False
        with pytest.raises(RuntimeError):
            outbox_enqueue(kind="acceptance", case_no="X", payload={})


def test_nothing_is_queued_without_an_active_platform(db):
    enqueue("C1")
    assert OutboxRow.objects.count() == 0


def test_rows_are_delivered_signed_mapped_and_acknowledged(profile, simulator):
    enqueue("C1", satisfaction="very_satisfied", case_type="immediate")
    enqueue("C1", kind="completion", result_type="granted")
    report = deliver_batch(profile)
    assert report.delivered == 2 and report.failed == 0
    held = simulator.state.store.rows()
    assert [r["kind"] for r in held] == ["acceptance", "completion"]
    body = json.loads(simulator.state.store.db.execute("SELECT body FROM rows ORDER BY seq").fetchone()[0])
    assert body["satisfaction"] == "1" and body["case_type"] == "1"  # GB/T 39046 codes
    assert body["row_guid"] and body["batch_no"] and body["operation"] == "I" and body["sync_time"]
    assert set(OutboxRow.objects.values_list("status", flat=True)) == {"delivered"}


def test_a_provincial_profile_maps_the_same_meaning_to_its_own_code(profile, simulator):
    profile.active = False
    profile.save()
    variant = PlatformProfile.objects.get(name="provincial-variant")
    PlatformProfile.objects.filter(pk=variant.pk).update(endpoint_url=profile.endpoint_url, secret=SECRET, active=True)
    enqueue("C2", satisfaction="very_satisfied", case_type="immediate")
    deliver_all()
    body = json.loads(simulator.state.store.db.execute("SELECT body FROM rows").fetchone()[0])
    assert body["satisfaction"] == "5" and body["case_type"] == "2"


def test_a_missing_mapping_parks_the_row_with_the_reason_before_sending(profile, simulator):
    enqueue("C3", satisfaction="ecstatic")
    report = deliver_batch(profile)
    row = OutboxRow.objects.get()
    assert report.parked == 1 and row.status == "dead" and "satisfaction=ecstatic" in row.last_error
    assert simulator.state.store.rows() == []


def test_failures_retry_with_backoff_then_park_and_replay_delivers(profile, simulator, administrator):
    control(simulator, mode="fail")
    enqueue("C4")
    deliver_batch(profile)
    row = OutboxRow.objects.get()
    assert row.status == "pending" and row.attempts == 1 and row.next_attempt_at > timezone.now()
    for _ in range(2):  # make it due again and fail until parked
        OutboxRow.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        deliver_batch(profile)
    row.refresh_from_db()
    assert row.status == "dead" and row.attempts == 3 and "500" in row.last_error
    control(simulator, mode="ok")
    assert outbox_replay(rows=OutboxRow.objects.all(), actor=administrator) == 1
    assert deliver_batch(profile).delivered == 1


def test_backoff_grows_and_is_capped(settings):
    settings.EXCHANGE_RETRY_BASE_SECONDS, settings.EXCHANGE_RETRY_CAP_SECONDS = 2, 300
    delays = [services.backoff_seconds(n) for n in range(1, 20)]
    assert delays[3] >= 8  # 2·2³ with jitter ≥ 0.5
    assert max(delays) <= 300


def test_order_per_case_is_kept_while_an_earlier_row_waits(profile, simulator):
    control(simulator, mode="fail")
    enqueue("C5")
    deliver_batch(profile)  # first row now waits for a retry
    control(simulator, mode="ok")
    enqueue("C5", kind="completion")
    enqueue("C6")
    report = deliver_batch(profile)
    assert report.delivered == 1  # only C6; C5's completion waits behind its acceptance
    assert [r["project_no"] for r in simulator.state.store.rows()] == ["C6"]
    OutboxRow.objects.filter(case_no="C5").update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    deliver_all()
    assert [r["kind"] for r in simulator.state.store.rows() if r["project_no"] == "C5"] == ["acceptance", "completion"]


def test_duplicate_acks_and_redelivery_are_harmless(profile, simulator):
    control(simulator, mode="duplicate_ack")
    enqueue("C7")
    assert deliver_batch(profile).delivered == 1
    # A resend of the same GUID (a lost acknowledgement) is ignored by the receiver.
    OutboxRow.objects.update(status="pending", next_attempt_at=None)
    control(simulator, mode="ok")
    deliver_batch(profile)
    assert len(simulator.state.store.rows()) == 1 and simulator.state.store.duplicates == 1


def test_unacknowledged_rows_are_retried(profile, simulator):
    control(simulator, mode="partial")
    for n in range(4):
        enqueue(f"P{n}")
    report = deliver_batch(profile)
    assert report.delivered == 2 and report.failed == 2


def test_reconcile_finds_no_difference_after_delivery_and_reports_one(profile, simulator):
    for n in range(3):
        enqueue(f"R{n}")
    deliver_all()
    today = timezone.localdate()
    assert reconcile(profile, today).clean
    missing = OutboxRow.objects.create(profile=profile, kind="acceptance", case_no="R9", payload={},
                                       status="delivered", delivered_at=timezone.now())
    result = reconcile(profile, today)
    assert result.missing_at_platform == [str(missing.guid)] and not result.clean


def test_next_due_is_the_earliest_retry_whatever_the_database_does_with_nulls(profile, simulator):
    from onewindow.exchange.services import next_due_at

    control(simulator, mode="fail")
    enqueue("N1")
    deliver_batch(profile)  # N1 now waits for a retry
    enqueue("N2")  # due now: no time yet
    waiting = OutboxRow.objects.get(case_no="N1").next_attempt_at
    assert next_due_at() == waiting
