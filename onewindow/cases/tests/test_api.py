"""The case API: the article's example end to end, permissions, uploads, errors."""

import pytest

from onewindow.accounts.models import AuthorityGrant, Role
from onewindow.audit.models import AuditEvent
from onewindow.cases import services
from onewindow.cases.models import Case
from onewindow.catalog.models import RegistryAction
from onewindow.certificates.models import Certificate
from onewindow.registry.models import Organisation

from .factories import ORG_CODE, PERSON_ID, make_case, make_item

BUDGETS = {"create": 54, "accept": 38, "decide": 56, "issue": 31}  # queries per request, as measured
# (the notices read what they print: accept +1 materials, decide +3 basis and register, issue +1 decisions;
# create +2 and decide +1: the registration rules)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(
        kind="private_non_enterprise", credit_code=ORG_CODE, name="湖南某某职业培训中心", address="长沙市岳麓区",
        business_scope="职业技能培训", legal_representative="王强", registration_authority="湖南省民政厅")


def payload(item, **extra):
    body = {"item": item.code, "applicant": {
        "kind": "organisation", "name": "湖南某某职业培训中心", "id_type": "uscc", "id_number": ORG_CODE,
        "contact_name": "李明", "contact_mobile": "13900001111"},
        "form_data": {"name": "湖南康养职业培训学校", "business_scope": "养老护理职业技能培训"}}
    body.update(extra)
    return body


def test_article_example_end_to_end(api, chief, organisation, today):
    """A 民办非企业单位 changes its name and scope; the chief approver accepts and decides on the spot."""
    item = make_item(registry_action=RegistryAction.CHANGE)
    client = api(chief)
    response = client.post("/api/v1/cases", payload(item))
    assert response.status_code == 201, response.json()
    case_no = response.json()["case_no"]
    assert case_no == f"{item.code}202603250001"
    assert response.json()["state"] == "submitted" and response.json()["assisted"] is True
    for key, mode in (("application", "paper"), ("resolution", "paper"), ("certificate", "reused")):
        assert client.client.post(f"/api/v1/cases/{case_no}/materials", {"material": key, "mode": mode,
                                  "original_seen": "true", "copies": "1"},
                                  headers=client.headers).status_code == 200
    assert client.post(f"/api/v1/cases/{case_no}/actions/accept").status_code == 200
    decided = client.post(f"/api/v1/cases/{case_no}/actions/decide", {"outcome": "grant"})
    assert decided.status_code == 200, decided.json()
    done = client.post(f"/api/v1/cases/{case_no}/actions/issue", {
        "delivery": "window", "collector_name": "李明", "collector_id_number": PERSON_ID}).json()
    assert done["state"] == "completed" and done["result_kind"] == "granted"
    assert [s["name"] for s in done["steps"]] == ["受理", "决定"]
    assert {d["kind"] for d in done["documents"]} == {"acceptance", "grant", "delivery"}
    organisation.refresh_from_db()
    assert organisation.name == "湖南康养职业培训学校"
    assert organisation.business_scope == "养老护理职业技能培训"
    certificate = Certificate.objects.get(number=done["result_certificates"][0]["number"])
    assert certificate.organisation == organisation and certificate.case_no == case_no


def test_back_office_route_through_the_api(api, chief, reviewer, today):
    item = make_item(route="back_office", name="地名更名审批")
    case = make_case(item, chief)
    chief_api, reviewer_api = api(chief), api(reviewer)
    url = f"/api/v1/cases/{case.case_no}/actions/"
    assert chief_api.post(url + "accept").status_code == 200
    assert chief_api.post(url + "decide", {"outcome": "grant"}).json()["code"] == "wrong_route"
    assert reviewer_api.post(url + "review", {"opinion": "初审同意"}).status_code == 200
    assert chief_api.post(url + "sign_off", {"opinion": "同意"}).json()["state"] == "signed_off"  # 签发
    assert reviewer_api.post(url + "forward", {"authority": "湖南省人民政府"}).status_code == 200
    body = reviewer_api.post(url + "record_external_decision",
                             {"outcome": "grant", "document_no": "湘政函〔2026〕8号"}).json()
    assert body["state"] == "decided" and body["external_doc_no"] == "湘政函〔2026〕8号"
    assert chief_api.post(url + "issue", {"delivery": "post", "tracking_no": "SF123"}).json()["state"] == "issued"
    body = chief_api.post(url + "complete").json()
    assert body["state"] == "completed" and body["result_kind"] == "granted"
    assert [s["name"] for s in body["steps"]] == ["受理", "初审", "签发", "转报", "上级决定"]


def test_conflict_is_409_with_current_state(api, chief, today):
    case = make_case(make_item(), chief)
    client = api(chief)
    assert client.post(f"/api/v1/cases/{case.case_no}/actions/accept").status_code == 200
    again = client.post(f"/api/v1/cases/{case.case_no}/actions/accept")
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_state" and again.json()["details"]["state"] == "accepted"


def test_validation_errors_are_structured(api, clerk, today):
    item = make_item()
    bad = payload(item)
    bad["applicant"]["id_number"] = ORG_CODE[:-1] + "0"
    bad["applicant"]["contact_mobile"] = "123"
    response = api(clerk).post("/api/v1/cases", bad)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_failed"
    assert set(body["details"]) == {"id_number", "contact_mobile"}
    assert Case.objects.count() == 0
    missing_form = payload(item, form_data={})
    assert list(api(clerk).post("/api/v1/cases", missing_form).json()["details"]) == ["form.name"]


def test_create_records_materials_in_one_go(api, chief, organisation, today):
    """The intake screen posts every checked material with the case: one audit event lists them."""
    item = make_item(registry_action=RegistryAction.CHANGE)
    client = api(chief)
    materials = [{"key": "application", "original_seen": True, "copies": 1}, {"key": "resolution"},
                 {"key": "certificate", "mode": "reused"}]
    response = client.post("/api/v1/cases", payload(item, materials=materials))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [(m["key"], m["mode"], m["original_seen"], m["copies"]) for m in body["materials"]] == [
        ("application", "paper", True, 1), ("resolution", "paper", False, 0), ("certificate", "reused", False, 0)]
    event = AuditEvent.objects.get(action="case.materials_recorded")
    assert event.changes["materials"] == [{"material": "application", "mode": ["pending", "paper"]},
                                          {"material": "resolution", "mode": ["pending", "paper"]},
                                          {"material": "certificate", "mode": ["pending", "reused"]}]
    assert client.post(f"/api/v1/cases/{body['case_no']}/actions/accept").status_code == 200


@pytest.mark.parametrize(("material", "code"), [
    ({"key": "resolution", "mode": "missing"}, "material_note_required"),
    ({"key": "resolution", "mode": "reused"}, "material_not_reusable"),
    ({"key": "application", "copies": 2}, "material_twice"),
    ({"key": "licence"}, "material_not_listed"),
])
def test_refused_material_files_nothing(material, code, api, clerk, today):
    item = make_item()
    response = api(clerk).post("/api/v1/cases", payload(item, materials=[{"key": "application"}, material]))
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == code and response.json()["details"] == {"material": material["key"]}
    assert Case.objects.count() == 0


def test_upload_mode_is_not_a_material_receipt(api, clerk, today):
    response = api(clerk).post("/api/v1/cases", payload(make_item(), materials=[{"key": "application",
                                                                                  "mode": "file"}]))
    assert response.status_code == 422
    assert Case.objects.count() == 0


@pytest.mark.parametrize("who", [None, "applicant", "supervisor", "reviewer"])
def test_create_refused_without_accept_authority(who, api, request, db, today):
    item = make_item()
    user = request.getfixturevalue(who) if who else None
    response = api(user).post("/api/v1/cases", payload(item))
    assert response.status_code in (401, 403, 422)
    if who is None:
        assert response.status_code == 401
    elif who == "applicant":
        assert response.json()["code"] == "bad_channel"  # applicants file online, not as window cases
    else:
        assert response.json()["code"] == "no_authority"
    assert Case.objects.count() == 0


def test_item_authority_is_per_item(api, clerk, chief, today):
    mine = make_item()
    other = make_item(grants={AuthorityGrant.Action.ACCEPT: [Role.CHIEF_APPROVER]})
    case = make_case(other, chief)
    client = api(clerk)
    assert client.post("/api/v1/cases", payload(mine)).status_code == 201
    assert client.post("/api/v1/cases", payload(other)).json()["code"] == "no_authority"
    assert client.get(f"/api/v1/cases/{case.case_no}").status_code == 404  # invisible, not just forbidden
    assert client.post(f"/api/v1/cases/{case.case_no}/actions/accept").status_code == 404
    assert [c["case_no"] for c in client.get("/api/v1/cases").json()] != [case.case_no]


def test_clerk_cannot_decide(api, clerk, today):
    case = make_case(make_item(), clerk)
    client = api(clerk)
    assert client.post(f"/api/v1/cases/{case.case_no}/actions/accept").status_code == 200
    response = client.post(f"/api/v1/cases/{case.case_no}/actions/decide", {"outcome": "grant"})
    assert response.status_code == 403 and response.json()["code"] == "no_authority"
    assert "decide" not in client.get(f"/api/v1/cases/{case.case_no}").json()["allowed_actions"]


def test_supervisor_sees_but_cannot_act(api, clerk, supervisor, today):
    case = make_case(make_item(), clerk)
    client = api(supervisor)
    body = client.get(f"/api/v1/cases/{case.case_no}").json()
    assert body["allowed_actions"] == [] and body["id_number_masked"].startswith("5243")
    assert ORG_CODE not in str(body)
    assert client.post(f"/api/v1/cases/{case.case_no}/actions/accept").status_code == 403


def test_applicant_online_case(api, applicant, clerk, today):
    item = make_item()
    body = payload(item, channel="pc", submit=False)
    body["applicant"] = {"kind": "person", "name": "赵晓红", "id_type": "resident_id", "id_number": PERSON_ID,
                         "contact_name": "赵晓红", "contact_mobile": "13800000000"}
    own = api(applicant)
    created = own.post("/api/v1/cases", body)
    assert created.status_code == 201 and created.json()["state"] == "draft"
    case_no = created.json()["case_no"]
    assert own.post(f"/api/v1/cases/{case_no}/actions/submit").json()["state"] == "submitted"
    assert own.post(f"/api/v1/cases/{case_no}/actions/accept").status_code == 403
    assert [c["case_no"] for c in own.get("/api/v1/cases").json()] == [case_no]
    other = make_case(item, clerk)
    assert own.get(f"/api/v1/cases/{other.case_no}").status_code == 404


def test_list_filters(api, clerk, today):
    item = make_item()
    first = make_case(item, clerk)
    make_case(item, clerk, submit=False)
    client = api(clerk)
    assert [c["case_no"] for c in client.get("/api/v1/cases", state="submitted").json()] == [first.case_no]
    assert len(client.get("/api/v1/cases", item=item.code).json()) == 2
    assert client.get("/api/v1/cases", item="nope").json() == []
    assert [c["case_no"] for c in client.get("/api/v1/cases", q=first.case_no).json()] == [first.case_no]
    assert client.get("/api/v1/cases", state="bogus").status_code == 422


class TestUploads:
    def upload(self, client, case_no, name, content, material="application"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.client.post(f"/api/v1/cases/{case_no}/materials",
                                  {"material": material, "file": SimpleUploadedFile(name, content)},
                                  headers=client.headers)

    def test_pdf_and_png_by_content(self, api, clerk, today):
        case = make_case(make_item(), clerk, complete_materials=False)
        client = api(clerk)
        response = self.upload(client, case.case_no, "申请表.pdf", PDF)
        assert response.status_code == 200
        material = response.json()["materials"][0]
        assert material["mode"] == "file" and material["files"][0]["content_type"] == "application/pdf"
        assert len(material["files"][0]["sha256"]) == 64
        assert self.upload(client, case.case_no, "scan.PNG", PNG).status_code == 200
        stored = case.materials.get(material__key="application").files.last()
        assert stored.file.name.endswith(".png") and "scan" not in stored.file.name

    def test_refused_files(self, api, clerk, settings, today):
        case = make_case(make_item(), clerk, complete_materials=False)
        client = api(clerk)
        lying = self.upload(client, case.case_no, "scan.pdf", PNG)
        assert lying.status_code == 422 and lying.json()["code"] == "upload_extension_mismatch"
        exe = self.upload(client, case.case_no, "form.pdf", b"MZ\x90\x00 not a pdf")
        assert exe.json()["code"] == "upload_type_refused"
        settings.ONEWINDOW_UPLOAD_MAX_BYTES = 32
        assert self.upload(client, case.case_no, "big.pdf", PDF).json()["code"] == "upload_too_large"
        assert self.upload(client, case.case_no, "x.pdf", PDF, material="nope").status_code == 404
        assert case.materials.get(material__key="application").mode == "pending"

    def test_materials_are_closed_once_the_case_is_accepted(self, api, clerk, today):
        """Materials change only before acceptance (draft, submitted, correction) or while a 容缺 supplement
        is pending: once accepted, the record of what was received is not rewritten (409 materials_closed)."""
        case = services.case_accept(case=make_case(make_item(), clerk), actor=clerk)
        client = api(clerk)
        before = case.materials.get(material__key="application")
        upload = self.upload(client, case.case_no, "late.pdf", PDF)
        assert upload.status_code == 409 and upload.json()["code"] == "materials_closed"
        record = client.client.post(f"/api/v1/cases/{case.case_no}/materials",
                                    {"material": "application", "mode": "missing"}, headers=client.headers)
        assert record.status_code == 409 and record.json()["code"] == "materials_closed"
        after = case.materials.get(material__key="application")
        assert (after.mode, after.files.count()) == (before.mode, before.files.count())

    def test_upload_needs_authority(self, api, reviewer, clerk, today):
        case = make_case(make_item(), clerk, complete_materials=False)
        assert self.upload(api(reviewer), case.case_no, "a.pdf", PDF).status_code in (403, 404)
        assert self.upload(api(None), case.case_no, "a.pdf", PDF).status_code == 401


@pytest.mark.parametrize(("method", "suffix"), [("get", ""), ("post", "/actions/accept"), ("post", "/materials"),
                                                ("get", "/documents/1")])
def test_case_endpoints_need_a_token(method, suffix, api, clerk, today):
    case = make_case(make_item(), clerk)
    anonymous = getattr(api(None), method)(f"/api/v1/cases/{case.case_no}{suffix}")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "unauthorized"
    assert api(None).get("/api/v1/cases").status_code == 401


def test_documents_only_for_those_who_see_the_case(api, clerk, reviewer, make_staff, today):
    item = make_item(grants={AuthorityGrant.Action.ACCEPT: [Role.CLERK], AuthorityGrant.Action.REVIEW: [Role.REVIEWER]})
    case = services.case_accept(case=make_case(item, clerk), actor=clerk)
    url = f"/api/v1/cases/{case.case_no}/documents/{case.documents.get().pk}"
    outsider = make_staff("outsider", Role.DECISION_MAKER)
    assert api(outsider).get(url).status_code == 404
    assert api(reviewer).get(f"/api/v1/cases/{case.case_no}/documents/999999").status_code == 404


def test_failed_preliminary_review_goes_up_with_a_proposal_to_refuse(api, chief, reviewer, clerk, today):
    from onewindow.audit.models import AuditEvent

    case = services.case_accept(case=make_case(make_item(route="back_office", name="地名命名审批"), chief), actor=chief)
    url = f"/api/v1/cases/{case.case_no}/actions/"
    assert api(reviewer).post(url + "propose_refusal", {"reason": ""}).status_code == 422  # reasons required
    assert api(clerk).post(url + "propose_refusal", {"reason": "x"}).json()["code"] == "no_authority"
    body = api(reviewer).post(url + "propose_refusal", {"reason": "拟用名称与现有地名重名"}).json()
    assert body["state"] == "reviewed"
    step = body["steps"][-1]
    assert (step["name"], step["action"]) == ("初审", "other") and "拟用名称与现有地名重名" in step["opinion"]
    assert AuditEvent.objects.filter(action="case.refusal_proposed").exists()
    # The department cannot refuse these items: the higher authority decides, here as proposed, once the
    # leader has signed the proposal (签发).
    assert api(chief).post(url + "sign_off", {"opinion": "同意拟不予许可意见"}).status_code == 200
    assert api(reviewer).post(url + "forward", {"authority": "湖南省人民政府"}).status_code == 200
    body = api(reviewer).post(url + "record_external_decision", {"outcome": "refuse", "document_no": "湘政函〔2026〕9号",
                                                                 "reason": "重名"}).json()
    assert body["state"] == "decided" and body["outcome"] == "refuse"


def test_propose_refusal_only_on_back_office_items(api, chief, reviewer, today):
    case = services.case_accept(case=make_case(make_item(), chief), actor=chief)
    response = api(reviewer).post(f"/api/v1/cases/{case.case_no}/actions/propose_refusal", {"reason": "x"})
    assert response.status_code == 409 and response.json()["code"] == "wrong_route"


def test_query_budgets_of_the_on_site_flow(api, chief, organisation, today, django_assert_max_num_queries):
    """Create with materials, accept, decide and issue: each answer reads only what it shows."""
    item = make_item(registry_action=RegistryAction.CHANGE)
    client = api(chief)
    materials = [{"key": "application"}, {"key": "resolution"}, {"key": "certificate", "mode": "reused"}]
    with django_assert_max_num_queries(BUDGETS["create"]):
        case_no = client.post("/api/v1/cases", payload(item, materials=materials)).json()["case_no"]
    url = f"/api/v1/cases/{case_no}/actions/"
    for action, body in (("accept", {}), ("decide", {"outcome": "grant"}),
                         ("issue", {"delivery": "window", "collector_name": "李明", "collector_id_number": PERSON_ID})):
        with django_assert_max_num_queries(BUDGETS[action]):
            assert client.post(url + action, body).status_code == 200
