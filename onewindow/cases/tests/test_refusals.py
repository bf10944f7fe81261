"""The case refusals that had no test, by code: through the API where a clerk or a platform meets them, and
through the service where the API's schema already refuses the input."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onewindow.accounts.models import Role
from onewindow.cases import services
from onewindow.cases.corrections import REASON_MAX
from onewindow.cases.models import Case, CaseMaterial, CasePause, CaseState
from onewindow.core.errors import ValidationFailed

from .factories import make_case, make_item, mark
from .helpers import COLLECTOR, drive
from .test_api import payload

pytestmark = pytest.mark.django_db


def act(api, user, case, action, body=None):
    return api(user).post(f"/api/v1/cases/{case.case_no}/actions/{action}", body or {})


def refused(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    return response.json()


def test_an_item_without_a_published_version_takes_no_application(api, clerk, today):
    item = make_item()
    item.is_active = False
    item.save()
    refused(api(clerk).post("/api/v1/cases", payload(item)), 422, "item_not_published")
    assert not Case.objects.exists()


def test_accepting_and_supplementing_need_every_required_material(api, chief, today):
    item = make_item()
    case = make_case(item, chief)
    mark(case, chief, "application")
    body = refused(act(api, chief, case, "accept"), 422, "materials_missing")
    assert body["details"]["materials"] == ["application"]
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    # Accepted with the secondary material missing, the supplement is refused until it arrives.
    other = make_case(item, chief)
    mark(other, chief, "resolution")
    services.case_accept_with_deficiency(case=other, actor=chief, supplement_due=None, commitment_signed=True)
    body = refused(act(api, chief, other, "supplement"), 422, "materials_missing")
    assert body["details"]["materials"] == ["resolution"]
    other.refresh_from_db()
    assert other.deficiency_pending


def test_material_receipts_refuse_a_bad_mode_negative_copies_and_no_file(api, chief, today):
    case = make_case(make_item(), chief, complete_materials=False)
    url = f"/api/v1/cases/{case.case_no}/materials"
    client = api(chief)
    refused(
        client.post_multipart(url, {"material": "application", "mode": "carrier_pigeon"}),
        422,
        "bad_material_mode",
    )
    refused(
        client.post_multipart(url, {"material": "application", "mode": "paper", "copies": -1}),
        422,
        "bad_copies",
    )
    refused(client.post_multipart(url, {"material": "application", "mode": "file"}), 422, "file_required")
    assert not case.materials.exclude(mode=CaseMaterial.Mode.PENDING).exists()


def test_an_unknown_document_is_not_found(api, chief, today):
    case = make_case(make_item(), chief)
    response = api(chief).get(f"/api/v1/cases/{case.case_no}/documents/999999")
    refused(response, 404, "document_not_found")


def test_a_special_procedure_needs_one_of_its_kinds(api, chief, today):
    case = drive(make_item(), chief, CaseState.ACCEPTED)
    for kind in (CasePause.Kind.CORRECTION, "holiday"):
        with pytest.raises(ValidationFailed) as err:
            services.case_suspend(case=case, actor=chief, kind=kind, reason="等待", expected_days=5)
        assert err.value.code == "bad_pause_kind"
    # The API's schema offers the special-procedure kinds only.
    assert (
        act(api, chief, case, "suspend", {"kind": "correction", "reason": "等待", "expected_days": 5}).json()[
            "code"
        ]
        == "validation_failed"
    )
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED and not case.pauses.exists()


def test_an_external_decision_names_every_missing_field(api, make_staff, today):
    boss = make_staff("boss", Role.CLERK, Role.CHIEF_APPROVER, Role.REVIEWER)
    case = drive(make_item(route="back_office", promised=(20, "working_days")), boss, CaseState.FORWARDED)
    body = refused(
        act(api, boss, case, "record_external_decision", {"outcome": "refuse", "document_no": " "}),
        422,
        "fields_required",
    )
    assert set(body["details"]) == {"document_no", "reason"}
    case.refresh_from_db()
    assert case.state == CaseState.FORWARDED


def test_issuing_needs_the_collector_or_the_tracking_number(api, chief, today):
    case = drive(make_item(), chief, CaseState.DECIDED)
    refused(
        act(api, chief, case, "issue", {"delivery": "window", "collector_name": " "}),
        422,
        "collector_required",
    )
    refused(
        act(api, chief, case, "issue", {**COLLECTOR, "collector_id_number": "430102199003076540"}),
        422,
        "bad_collector_id",
    )
    refused(act(api, chief, case, "issue", {"delivery": "post", "tracking_no": ""}), 422, "tracking_required")
    with pytest.raises(ValidationFailed) as err:
        services.case_issue(case=case, actor=chief, delivery="pigeon")
    assert err.value.code == "bad_delivery"
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED and not case.delivery


def test_a_form_correction_reason_has_a_length_limit(api, chief, today):
    case = services.case_accept(case=make_case(make_item(), chief), actor=chief)
    response = api(chief).post(
        f"/api/v1/cases/{case.case_no}/form-corrections",
        {"form_data": {"name": "新名称"}, "reason": "核" * (REASON_MAX + 1)},
    )
    assert refused(response, 422, "reason_too_long")["details"] == {"reason": "too_long"}
    case.refresh_from_db()
    assert case.form_data["name"] == "湖南康养职业培训学校" and not case.form_corrections.exists()


def test_an_empty_file_is_refused(api, chief, today):
    case = make_case(make_item(), chief, complete_materials=False)
    url = f"/api/v1/cases/{case.case_no}/materials"
    empty = SimpleUploadedFile("申请表.pdf", b"", content_type="application/pdf")
    refused(
        api(chief).post_multipart(url, {"material": "application", "mode": "file", "file": empty}),
        422,
        "upload_empty",
    )
    assert not case.materials.get(material__key="application").files.exists()
