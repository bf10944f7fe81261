"""Case actions write their platform rows in the same transaction; platform clients apply idempotently
and hear about state changes through signed callbacks."""

import json
import threading
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from onewindow.cases import services as cases
from onewindow.cases.models import Case
from onewindow.cases.tests.factories import PERSON_ID, make_case, make_item
from onewindow.core.errors import ValidationFailed
from onewindow.exchange.clients import platform_client_create, platform_token_issue
from onewindow.exchange.models import OutboxRow, PlatformProfile
from onewindow.exchange.services import deliver_all
from onewindow.exchange.simulator import serve
from onewindow.exchange.tests.test_outbox import SECRET, simulator  # noqa: F401  (fixture)


@pytest.fixture
def report_profile(db, simulator):  # noqa: F811
    PlatformProfile.objects.filter(name="gbt39046").update(
        endpoint_url=simulator.base + "/exchange/rows", ack_url=simulator.base + "/acks", secret=SECRET, active=True)
    return PlatformProfile.objects.get(name="gbt39046")


def handle_on_the_spot(case, chief):
    cases.case_accept(case=case, actor=chief)
    cases.case_decide(case=case, actor=chief, outcome="grant")
    cases.case_issue(case=case, actor=chief, delivery="window", collector_name="李明", collector_id_number=PERSON_ID)


def test_an_on_site_case_reports_acceptance_steps_and_completion_in_order(report_profile, simulator, chief):  # noqa: F811
    case = make_case(make_item(), chief)
    handle_on_the_spot(case, chief)
    rows = list(OutboxRow.objects.filter(case_no=case.case_no).order_by("id"))
    assert [(r.kind, r.payload.get("event_name")) for r in rows] == [
        ("acceptance", None), ("process", "受理"), ("process", "决定"), ("completion", None)]
    deliver_all()
    bodies = [json.loads(b) for (b,) in simulator.state.store.db.execute("SELECT body FROM rows ORDER BY seq")]
    acceptance, completion = bodies[0], bodies[-1]
    assert acceptance["project_no"] == case.case_no and acceptance["task_code"] == case.item.code
    assert acceptance["case_type"] == "1" and acceptance["apply_channel"] == "1" and acceptance["applyer_type"] == "4"
    assert acceptance["accept_doc_no"] and acceptance["promise_date"]
    assert completion["result_type"] == "1" and completion["is_delivery_results"] is False


def test_a_refused_action_reports_nothing(report_profile, chief):
    case = make_case(make_item(), chief, complete_materials=False)
    with pytest.raises(ValidationFailed):
        cases.case_accept(case=case, actor=chief)  # materials missing: rolled back
    assert not OutboxRow.objects.filter(case_no=case.case_no).exists()


def test_the_outbox_rows_are_written_in_the_transaction_of_the_action(report_profile, chief):
    """The exchange hears `case_acted` inside the action's transaction: the rows exist before any commit
    (no on-commit callback ran), leave with the action when it rolls back, and an outbox that cannot be
    written undoes the action."""
    case = make_case(make_item(), chief)
    steps = case.steps.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        cases.case_accept(case=case, actor=chief)
        assert OutboxRow.objects.filter(case_no=case.case_no, kind="acceptance").exists()
        raise RuntimeError("the caller's transaction fails after the action")
    assert not OutboxRow.objects.filter(case_no=case.case_no).exists()
    assert Case.objects.get(pk=case.pk).state == "submitted"

    def outbox_down(**kwargs):
        raise RuntimeError("the outbox cannot be written")

    with mock.patch("onewindow.exchange.receivers.case_event_record", outbox_down), pytest.raises(RuntimeError):
        cases.case_accept(case=Case.objects.get(pk=case.pk), actor=chief)
    assert Case.objects.get(pk=case.pk).state == "submitted" and case.steps.count() == steps

    cases.case_accept(case=Case.objects.get(pk=case.pk), actor=chief)  # the test's transaction: no commit
    assert [r.kind for r in OutboxRow.objects.filter(case_no=case.case_no).order_by("id")] == [
        "acceptance", "process"]


@pytest.fixture
def platform_api(db):
    cache.clear()
    _, secret = platform_client_create(client_id="xsc", name="新湘事成", scopes=["cases:create", "cases:read", "webhooks"])
    token = platform_token_issue(client_id="xsc", client_secret=secret)["access_token"]
    return Client(headers={"Authorization": f"Bearer {token}"})


def application(item, **extra):
    return {"item": item.code, "channel": "mobile", "form_data": {"name": "湖南康养职业培训学校"},
            "applicant": {"kind": "person", "name": "赵晓红", "id_type": "resident_id", "id_number": PERSON_ID,
                          "contact_name": "赵晓红", "contact_mobile": "13800000000"}, **extra}


def test_a_repeated_client_reference_or_idempotency_key_returns_the_first_case(platform_api):
    item = make_item()
    first = platform_api.post("/api/v1/cases", application(item, client_reference="XSC-1"),
                              content_type="application/json")
    again = platform_api.post("/api/v1/cases", application(item, client_reference="XSC-1"),
                              content_type="application/json")
    assert first.status_code == again.status_code == 201, first.json()
    assert first.json()["case_no"] == again.json()["case_no"]
    keyed = [platform_api.post("/api/v1/cases", application(item), content_type="application/json",
                               headers={"Idempotency-Key": "k-1"}) for _ in range(2)]
    assert keyed[0].json()["case_no"] == keyed[1].json()["case_no"] != first.json()["case_no"]
    assert Case.objects.count() == 2
    changed = platform_api.post("/api/v1/cases", application(item, client_reference="XSC-1", channel="pc"),
                                content_type="application/json")
    assert changed.status_code == 409 and changed.json()["code"] == "idempotency_key_reused"
    # The platform sees its own application, and no one else's.
    assert platform_api.get(f"/api/v1/cases/{first.json()['case_no']}").status_code == 200


def test_a_token_without_the_scope_cannot_apply(db):
    cache.clear()
    _, secret = platform_client_create(client_id="ro", name="只读", scopes=["cases:read"])
    token = platform_token_issue(client_id="ro", client_secret=secret)["access_token"]
    response = Client().post("/api/v1/cases", application(make_item()), content_type="application/json",
                             headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403 and response.json()["code"] == "scope_missing"


def test_a_subscribed_platform_gets_signed_status_callbacks(platform_api, chief, settings):
    settings.ONEWINDOW_CALLBACK_ALLOWED_HOSTS = ["127.0.0.1"]  # a local receiver, allowed by the administrator
    receiver = serve(port=0, quiet=True)  # any HTTP endpoint: callbacks are acknowledged by a 2xx
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{receiver.server_address[1]}/exchange/rows"
        case_no = platform_api.post("/api/v1/cases", application(make_item()),
                                    content_type="application/json").json()["case_no"]
        response = platform_api.post("/api/v1/platform/subscriptions", {"case_no": case_no, "callback_url": url},
                                     content_type="application/json")
        assert response.status_code == 201 and response.json()["secret"]
        case = Case.objects.get(case_no=case_no)
        for row in case.materials.select_related("material"):
            cases.case_material_record(case=case, actor=chief, material=row.material, mode="paper",
                                       original_seen=True, copies=1)
        cases.case_accept(case=case, actor=chief)
        status_rows = OutboxRow.objects.filter(case_no=case_no, kind="status")
        assert [r.payload["state"] for r in status_rows] == ["accepted"]
        deliver_all()
        assert [r["kind"] for r in receiver.state.store.rows()] == ["status"]
        assert not OutboxRow.objects.filter(kind="status").exclude(status="delivered").exists()
        other = platform_api.post("/api/v1/platform/subscriptions",
                                  {"case_no": make_case(make_item(), chief).case_no, "callback_url": url},
                                  content_type="application/json")
        assert other.status_code == 404  # only cases the client submitted
    finally:
        receiver.shutdown()
        receiver.server_close()
