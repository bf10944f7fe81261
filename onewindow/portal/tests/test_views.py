import datetime

import pytest
from django.test import Client
from django.urls import reverse

from onewindow.cases import services as cases
from onewindow.cases.models import Case, CaseState, MaterialFile
from onewindow.cases.querycode import progress_query_code
from onewindow.portal import services
from onewindow.portal.models import OneTimeCode

from .factories import PDF, PERSON_ID, PNG

pytestmark = pytest.mark.django_db


def _fill(case, user):
    version = case.item_version
    services.material_upload(case=case, actor=user, material=version.materials.get(key="application"),
                             name="申请表.pdf", content=PDF)
    services.material_upload(case=case, actor=user, material=version.materials.get(key="supporting"),
                             name="证明.png", content=PNG)
    services.material_reuse(case=case, actor=user, material=version.materials.get(key="certificate"))


@pytest.fixture
def draft(item, org_user):
    case = services.application_start(actor=org_user, item=item)
    _fill(case, org_user)
    return case


@pytest.fixture
def decided(item, org_user, chief):
    case = services.application_start(actor=org_user, item=make_other_item(item))
    services.draft_save(case=case, actor=org_user, form_data={"name": "湖南康养职业培训学校"})
    _fill(case, org_user)
    services.application_submit(case=case, actor=org_user)
    cases.case_accept(case=case, actor=chief)
    return cases.case_decide(case=case, actor=chief, outcome="grant")


def make_other_item(item):
    from .factories import make_item

    return make_item(name="民办非企业单位变更登记（二）")


def _urls(draft, decided):
    document = decided.documents.first()
    stored = MaterialFile.objects.filter(case_material__case=draft).first()
    token = decided.result_certificates[0]["token"]
    material = draft.item_version.materials.get(key="application")
    day = cases.today() + datetime.timedelta(days=1)
    while not services.workdays.is_working_day(day):
        day += datetime.timedelta(days=1)
    return [
        # name, args, method, data, owner's expected status
        ("portal:case", [decided.case_no], "get", None, 200),
        ("portal:case_edit", [draft.case_no], "get", None, 200),
        ("portal:case_edit", [draft.case_no], "post", {"form_name": "新名称", "action": "save"}, 302),
        ("portal:case_autosave", [draft.case_no], "post", {"form_name": "新名称"}, 200),
        ("portal:material_upload", [draft.case_no, material.pk], "post", "file", 302),
        ("portal:case_confirm", [draft.case_no], "get", None, 200),
        ("portal:case_receipt", [decided.case_no], "get", None, 200),
        ("portal:case_delivery", [decided.case_no], "post", {"method": "window", "slot_date": day.isoformat(),
                                                              "slot_period": "am"}, 302),
        ("portal:case_document", [decided.case_no, document.pk], "get", None, 200),
        ("portal:case_file", [draft.case_no, stored.pk], "get", None, 200),
        ("portal:certificate_download", [token], "get", None, 200),
    ]


def _call(client, name, args, method, data):
    url = reverse(name, args=args)
    if data == "file":
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = {"file": SimpleUploadedFile("表.pdf", PDF)}
    return getattr(client, method)(url, data or {})


def test_every_case_url_anonymous_other_staff_owner(draft, decided, org_user, person, clerk, login):
    urls = _urls(draft, decided)
    anonymous, other, staff, owner = Client(), login(person), login(clerk), login(org_user)
    for name, args, method, data, expected in urls:
        response = _call(anonymous, name, args, method, data)
        assert response.status_code == 302 and response["Location"].startswith("/signin/"), name
        assert _call(other, name, args, method, data).status_code == 404, name
        assert _call(staff, name, args, method, data).status_code == 403, name
        assert _call(owner, name, args, method, data).status_code == expected, name


def test_lists_are_applicant_only_and_show_own_cases(draft, org_user, person, clerk, login):
    for name in ("portal:my_cases", "portal:my_certificates", "portal:inbox"):
        url = reverse(name)
        assert Client().get(url).status_code == 302
        assert login(clerk).get(url).status_code == 403
        assert login(person).get(url).status_code == 200
    assert draft.case_no in login(org_user).get(reverse("portal:my_cases")).content.decode()
    assert draft.case_no not in login(person).get(reverse("portal:my_cases")).content.decode()


def test_progress_page_needs_owner_or_proof(decided, org_user, person, login):
    url = reverse("portal:progress", args=[decided.case_no])
    document = decided.documents.first()
    doc_url = reverse("portal:progress_document", args=[decided.case_no, document.pk])
    assert Client().get(url).status_code == 302
    assert login(person).get(url).status_code == 302
    assert Client().get(doc_url).status_code == 404
    assert login(org_user).get(url).status_code == 200
    client = Client()
    response = client.post(reverse("portal:progress_query"), {"case_no": decided.case_no, "last4": "1111"})
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url)
    assert page.status_code == 200 and decided.case_no in page.content.decode()
    assert "13900001111" not in page.content.decode()
    assert client.get(doc_url)["Content-Type"] == "application/pdf"


def test_progress_query_throttled_per_case(decided):
    client = Client()
    for _attempt in range(5):
        response = client.post(reverse("portal:progress_query"), {"case_no": decided.case_no, "last4": "0000"})
        assert response.status_code == 422
    # Even the right digits are refused now, from any address.
    response = Client(REMOTE_ADDR="10.0.0.9").post(reverse("portal:progress_query"),
                                                   {"case_no": decided.case_no, "last4": "1111"})
    assert response.status_code == 422 and "15" in response.content.decode()


def test_progress_api(decided, api):
    client = api(None)
    response = client.post("/api/v1/portal/progress", {"case_no": decided.case_no, "last4": decided.contact_mobile[-4:]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "decided" and [s["name"] for s in body["steps"]] == ["受理", "决定"]
    response = client.post("/api/v1/portal/progress", {"case_no": decided.case_no, "last4": "0000"})
    assert response.status_code == 404 and response.json()["code"] == "no_match"
    for _attempt in range(5):
        client.post("/api/v1/portal/progress", {"case_no": decided.case_no, "last4": "0000"})
    assert client.post("/api/v1/portal/progress", {"case_no": decided.case_no,
                                                   "last4": decided.contact_mobile[-4:]}).status_code == 429


def test_signup_person_by_code_then_sign_in_by_password_with_throttling(code_for):
    client = Client()
    form = {"full_name": "赵晓红", "id_number": PERSON_ID, "mobile": "13800001234", "password": "long-pass-1"}
    response = client.post(reverse("portal:signup_person"), {**form, "action": "send_code"})
    assert response.status_code == 200 and 'value="赵晓红"' in response.content.decode()
    code = OneTimeCode.objects.get()
    assert code.mobile == "13800001234"
    # A wrong ID keeps the other typed values and names the field.
    response = client.post(reverse("portal:signup_person"), {**form, "id_number": PERSON_ID[:-1] + "0", "code": "1"})
    assert response.status_code == 422 and 'value="13800001234"' in response.content.decode()
    code = code_for("13800001235")
    response = client.post(reverse("portal:signup_person"), {**form, "mobile": "13800001235", "code": code})
    assert response.status_code == 302
    assert client.session.get_expiry_age() <= 1800
    signin = Client()
    for _attempt in range(5):
        assert signin.post(reverse("portal:signin"), {"mobile": "13800001235", "method": "password",
                                                      "password": "wrong-pass"}).status_code == 422
    blocked = signin.post(reverse("portal:signin"), {"mobile": "13800001235", "method": "password",
                                                     "password": "long-pass-1"})
    assert blocked.status_code == 422 and "15" in blocked.content.decode()


def test_sign_in_by_code(org_user, code_for):
    client = Client()
    response = client.post(reverse("portal:signin"), {"mobile": org_user.mobile, "action": "send_code"})
    assert response.status_code == 200 and OneTimeCode.objects.filter(purpose="login").count() == 1
    code = code_for("13800009876", "login")  # unregistered numbers still fail
    assert client.post(reverse("portal:signin"), {"mobile": "13800009876", "method": "code",
                                                  "code": code}).status_code == 422
    OneTimeCode.objects.all().delete()
    code = code_for(org_user.mobile, "login")
    response = client.post(reverse("portal:signin"), {"mobile": org_user.mobile, "method": "code", "code": code,
                                                      "next": "/my/inbox/"})
    assert response.status_code == 302 and response["Location"] == "/my/inbox/"


def test_staff_sign_in_is_refused_here(clerk):
    response = Client().post(reverse("portal:signin"), {"mobile": "clerk", "method": "password",
                                                        "password": "test-pass-123"})
    assert response.status_code == 422


@pytest.mark.parametrize("name, content, message", [
    ("notes.txt", b"just text", "PDF"),
    ("big.pdf", b"%PDF-" + b"0" * 2048, "1 MB"),
    ("empty.pdf", b"", "空"),
    ("photo.pdf", PNG, "image/png"),
])
def test_bad_uploads_are_refused_and_the_form_kept(draft, org_user, login, settings, name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.ONEWINDOW_UPLOAD_MAX_BYTES = 1024 * 1024 if name != "big.pdf" else 1024
    if name == "big.pdf":
        message = "0 MB"
    client = login(org_user)
    supporting = draft.item_version.materials.get(key="supporting")
    before = MaterialFile.objects.count()
    response = client.post(reverse("portal:case_edit", args=[draft.case_no]), {
        "form_name": "湖南康养职业培训学校", "form_registered_capital": "500000", "action": "confirm",
        f"file_{supporting.pk}": SimpleUploadedFile(name, content)})
    page = response.content.decode()
    assert response.status_code == 422
    assert message in page
    assert 'value="湖南康养职业培训学校"' in page and 'value="500000"' in page
    assert MaterialFile.objects.count() == before
    # The typed form was saved all the same.
    assert Case.objects.get(pk=draft.pk).form_data["registered_capital"] == "500000"
    # The same refusal as JSON for the upload-with-progress script.
    response = client.post(reverse("portal:material_upload", args=[draft.case_no, supporting.pk]),
                           {"file": SimpleUploadedFile(name, content)}, headers={"Accept": "application/json"})
    assert response.status_code == 422 and response.json()["code"].startswith("upload_")


def test_autosave_refuses_bad_number_with_field(draft, org_user, login):
    response = login(org_user).post(reverse("portal:case_autosave", args=[draft.case_no]),
                                    {"form_name": "x", "form_registered_capital": "abc"})
    assert response.status_code == 422
    assert list(response.json()["details"]) == ["form.registered_capital"]


def test_apply_online_end_to_end_with_receipt(item, org_user, login):
    client = login(org_user)
    assert client.get(reverse("portal:apply", args=[item.code])).status_code == 200
    response = client.post(reverse("portal:apply", args=[item.code]))
    case = Case.objects.get(owner=org_user)
    assert response["Location"] == reverse("portal:case_edit", args=[case.case_no])
    page = client.get(response["Location"]).content.decode()
    assert "湖南康养职业技能培训中心" in page  # prefilled from the register
    _fill(case, org_user)
    response = client.post(reverse("portal:case_confirm", args=[case.case_no]))
    assert response["Location"] == reverse("portal:case_receipt", args=[case.case_no])
    receipt = client.get(response["Location"]).content.decode()
    assert case.case_no in receipt and progress_query_code(case.case_no) in receipt  # issue 16: the query code
    assert Case.objects.get(pk=case.pk).state == CaseState.SUBMITTED


def test_apply_start_requires_applicant(item, clerk, login):
    url = reverse("portal:apply", args=[item.code])
    assert Client().post(url)["Location"].startswith("/signin/")
    assert login(clerk).post(url).status_code == 403


def test_finder_groups_and_searches_pinyin(item, django_assert_max_num_queries):
    client = Client()
    with django_assert_max_num_queries(4):
        page = client.get(reverse("portal:services"), {"q": "mfbg"}).content.decode()
    assert "社会组织变更" in page and item.current_version.name in page
    assert item.current_version.name not in client.get(reverse("portal:services"), {"q": "dmmm"}).content.decode()
    assert client.get(reverse("portal:home")).status_code == 200


def test_key_pages_query_budget(draft, decided, org_user, login, django_assert_max_num_queries):
    client = login(org_user)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("portal:my_cases")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("portal:case", args=[decided.case_no])).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("portal:case_edit", args=[draft.case_no])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("portal:my_certificates")).status_code == 200


def test_delivery_error_keeps_typed_values(decided, org_user, login):
    response = login(org_user).post(reverse("portal:case_delivery", args=[decided.case_no]), {
        "method": "post", "recipient": "李明", "recipient_mobile": "123", "address": "长沙市岳麓区麓山南路1号"})
    page = response.content.decode()
    assert response.status_code == 422 and 'value="长沙市岳麓区麓山南路1号"' in page


def test_correction_page_asks_only_for_the_missing_material(item, org_user, clerk, login):
    case = services.application_start(actor=org_user, item=item)
    _fill(case, org_user)
    services.application_submit(case=case, actor=org_user)
    supporting = item.current_version.materials.get(key="supporting")
    cases.case_material_record(case=case, actor=clerk, material=supporting, mode="faulty", note="缺少公章")
    cases.case_request_correction(case=case, actor=clerk)
    client = login(org_user)
    page = client.get(reverse("portal:case_edit", args=[case.case_no])).content.decode()
    assert "变更事项证明材料" in page and "缺少公章" in page and "变更登记申请表" not in page
    assert 'name="form_name"' not in page  # the form is closed; only materials are asked for
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(reverse("portal:material_upload", args=[case.case_no, supporting.pk]),
                {"file": SimpleUploadedFile("盖章证明.pdf", PDF)})
    response = client.post(reverse("portal:case_confirm", args=[case.case_no]))
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == CaseState.SUBMITTED


def test_progress_and_inbox_query_budget(decided, org_user, login, django_assert_max_num_queries):
    client = login(org_user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("portal:progress", args=[decided.case_no])).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("portal:inbox")).status_code == 200


def test_admin_lists_portal_records_read_only(decided, administrator, login):
    client = login(administrator)
    for model in ("applicantprofile", "notification", "deliverychoice"):
        assert client.get(f"/admin/portal/{model}/").status_code == 200
    assert client.get("/admin/portal/notification/add/").status_code == 403


def test_offline_item_cannot_be_started(org_user, login):
    from .factories import make_item

    item = make_item(online=False)
    response = login(org_user).post(reverse("portal:apply", args=[item.code]))
    assert response.status_code == 422 and not Case.objects.exists()


def test_replacement_reason_shows_translated_labels_and_posts_the_value(item, org_user, login):
    from onewindow.catalog.models import FormField

    # As in the reference catalog's 补（换）发 items (bulk_create: published versions refuse save()).
    FormField.objects.bulk_create([FormField(version=item.current_version, order=3, key="reason", label="补（换）发原因",
                                             type=FormField.Type.CHOICE, required=True, choices=["lost", "damaged"])])
    case = services.application_start(actor=org_user, item=item)
    client = login(org_user)
    page = client.get(reverse("portal:case_edit", args=[case.case_no])).content.decode()
    assert '<option value="lost">遗失补发</option>' in page and '<option value="damaged">损坏换发</option>' in page
    client.post(reverse("portal:case_edit", args=[case.case_no]), {"form_name": "新名称", "form_reason": "damaged",
                                                                   "action": "save"})
    assert Case.objects.get(pk=case.pk).form_data["reason"] == "damaged"  # the register reads the value
    page = client.get(reverse("portal:case_edit", args=[case.case_no])).content.decode()
    assert '<option value="damaged" selected>损坏换发</option>' in page
    confirm = client.get(reverse("portal:case_confirm", args=[case.case_no])).content.decode()
    assert "损坏换发" in confirm and ">damaged<" not in confirm


def test_home_links_booking_and_online_ticket_of_the_hall(db):
    """Issue 18: the portal home offers 预约 and online 取号 when in the hall."""
    body = Client().get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("hall:book")}"' in body and f'href="{reverse("hall:take")}"' in body
    assert "预约到大厅办理" in body and "已在大厅？在线取号" in body
