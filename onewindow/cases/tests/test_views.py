"""The workbench: who may use each page, the query budgets, intake in one screen, actions on the case page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onewindow.audit.models import AuditEvent
from onewindow.cases import services
from onewindow.cases.models import Case, CaseState

from .factories import ORG_CODE, PERSON_ID, make_case, make_item, mark

PDF = b"%PDF-1.7\n" + b"0" * 64


def intake_post(item, **extra):
    version = item.current_version
    data = {"item": item.pk, "kind": "organisation", "name": "湖南某某职业培训中心", "id_type": "uscc",
            "id_number": ORG_CODE, "contact_name": "李明", "contact_mobile": "13900001111", "channel": "window",
            "form_name": "湖南康养职业培训学校", "do": "accept"}
    for material in version.materials.all():
        data[f"mode_{material.pk}"] = "reused" if material.reusable_as else "paper"
        data[f"original_{material.pk}"] = "on"
    data.update(extra)
    return data


class TestPermissions:
    @pytest.mark.parametrize("name", ["cases:queue", "cases:intake"])
    def test_anonymous_is_sent_to_login(self, client, db, name):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/" in response.url

    def test_applicant_is_refused(self, login, applicant):
        client = login(applicant)
        assert client.get(reverse("cases:queue")).status_code == 403
        assert client.get(reverse("cases:intake")).status_code == 403

    def test_reviewer_sees_queue_but_not_intake(self, login, reviewer):
        client = login(reviewer)
        assert client.get(reverse("cases:queue")).status_code == 200
        assert client.get(reverse("cases:intake")).status_code == 403

    def test_case_of_another_item_is_invisible(self, login, chief, make_staff, today):
        from onewindow.accounts.models import AuthorityGrant, Role

        case = make_case(make_item(grants={AuthorityGrant.Action.ACCEPT: [Role.CHIEF_APPROVER]}), chief)
        clerk = make_staff("clerk", Role.CLERK)
        client = login(clerk)
        assert client.get(reverse("cases:case", args=[case.case_no])).status_code == 404
        assert client.post(reverse("cases:act", args=[case.case_no, "accept"])).status_code == 404
        assert Case.objects.get(pk=case.pk).state == CaseState.SUBMITTED

    def test_clerk_cannot_decide_from_the_page(self, login, clerk, today):
        case = services.case_accept(case=make_case(make_item(), clerk), actor=clerk)
        client = login(clerk)
        page = client.get(reverse("cases:case", args=[case.case_no]))
        assert "/act/decide/" not in page.content.decode()
        response = client.post(reverse("cases:act", args=[case.case_no, "decide"]), {"outcome": "grant"})
        assert response.status_code == 403
        assert Case.objects.get(pk=case.pk).state == CaseState.ACCEPTED


class TestQueryBudgets:
    def count(self, client, url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def test_queue_is_flat(self, login, clerk, today):
        item = make_item()
        client = login(clerk)
        done = reverse("cases:queue") + "?tab=done&light=green&q=湖南"
        services.case_accept(case=make_case(item, clerk), actor=clerk)  # with a due date, so lights are computed
        few, few_done = self.count(client, reverse("cases:queue")), self.count(client, done)
        for _ in range(6):
            services.case_accept(case=make_case(make_item(), clerk), actor=clerk)
        assert self.count(client, reverse("cases:queue")) == few
        assert self.count(client, done) == few_done
        assert few <= 12

    def test_case_page_is_flat(self, login, chief, today):
        client = login(chief)
        small = services.case_accept(case=make_case(make_item(), chief), actor=chief)
        big = make_case(make_item(), chief)
        services.case_material_upload(case=big, actor=chief, material=big.item_version.materials.first(),
                                      name="a.pdf", content=PDF)
        services.case_material_upload(case=big, actor=chief, material=big.item_version.materials.last(),
                                      name="b.pdf", content=PDF)
        mark(big, chief, "resolution")
        big = services.case_accept_with_deficiency(case=big, actor=chief, supplement_due=today.value,
                                                   commitment_signed=True)
        big = services.case_decide(case=big, actor=chief, outcome="grant")
        client.get(reverse("cases:queue"))  # warm the per-process calendar cache
        first = self.count(client, reverse("cases:case", args=[small.case_no]))
        assert self.count(client, reverse("cases:case", args=[big.case_no])) == first
        assert first <= 16


class TestIntake:
    def test_accept_in_one_screen(self, login, clerk, today):
        item = make_item()
        response = login(clerk).post(reverse("cases:intake"), intake_post(item))
        case = Case.objects.get()
        assert response.status_code == 302 and response.url == reverse("cases:case", args=[case.case_no])
        assert case.state == CaseState.ACCEPTED and case.filed_by == clerk
        assert {m.mode for m in case.materials.all()} == {"paper", "reused"}
        recorded = AuditEvent.objects.get(action="case.materials_recorded")  # one event for the whole batch
        assert len(recorded.changes["materials"]) == case.materials.count()

    def test_replacement_reason_shows_labels_and_posts_the_value(self, login, clerk, today):
        from onewindow.catalog.models import FormField

        item = make_item()
        FormField.objects.filter(version=item.current_version, key="business_scope").update(  # published: no save()
            key="reason", label="补（换）发原因", choices=["lost", "damaged"])
        page = login(clerk).get(reverse("cases:intake"), {"item": item.pk}).content.decode()
        assert '<option value="lost">遗失补发</option>' in page and '<option value="damaged">损坏换发</option>' in page
        response = login(clerk).post(reverse("cases:intake"), intake_post(item, form_reason="damaged"))
        case = Case.objects.get()
        assert response.status_code == 302 and case.form_data["reason"] == "damaged"
        assert "损坏换发" in login(clerk).get(reverse("cases:case", args=[case.case_no])).content.decode()

    def test_chief_accepts_and_decides_on_the_spot(self, login, chief, today):
        item = make_item()
        login(chief).post(reverse("cases:intake"), intake_post(item, do="accept_decide"))
        case = Case.objects.get()
        assert case.state == CaseState.DECIDED and case.outcome == "grant"
        assert [s.name for s in case.steps.all()] == ["受理", "决定"]

    def test_the_buttons_are_the_declared_intake_actions_the_services_allow(self, login, chief, clerk, today):
        """Issue 13: the buttons come from the actions' declaration. Accept-and-grant is offered on on-site
        items only and accept-with-deficiency only where the item allows 容缺: before, both were offered
        everywhere and refused on submit (`wrong_route`, `deficiency_not_allowed`)."""
        def buttons(user, item):
            page = login(user).get(reverse("cases:intake"), {"item": item.pk}).content.decode()
            return re.findall(r'<button type="submit" name="do" value="([a-z_]+)"[^>]* accesskey="([a-z])"', page)

        on_site = make_item()
        assert buttons(chief, on_site) == [("accept", "a"), ("accept_with_deficiency", "d"),
                                           ("request_correction", "c"), ("reject", "r"), ("accept_decide", "g")]
        assert "accept_decide" not in dict(buttons(clerk, on_site))
        strict = make_item(route="back_office", allows_deficiency=False)
        assert dict(buttons(chief, strict)) == {"accept": "a", "request_correction": "c", "reject": "r"}

    def test_the_case_page_and_the_api_accept_and_grant_a_submitted_on_site_case(self, login, api, chief, today):
        """Accept-and-grant is a declared action: a case filed online is accepted and granted on the spot
        from its page, and through its API endpoint."""
        paged, posted = make_case(make_item(), chief), make_case(make_item(), chief)
        page = login(chief).get(reverse("cases:case", args=[paged.case_no])).content.decode()
        assert "/act/accept_decide/" in page
        login(chief).post(reverse("cases:act", args=[paged.case_no, "accept_decide"]), {"opinion": "材料齐全"})
        response = api(chief).post(f"/api/v1/cases/{posted.case_no}/actions/accept_decide", {"opinion": "同意"})
        assert response.status_code == 200 and response.json()["state"] == CaseState.DECIDED
        for case in (paged, posted):
            case.refresh_from_db()
            assert case.outcome == "grant" and [s.name for s in case.steps.all()] == ["受理", "决定"]

    def test_clerk_cannot_decide_on_the_spot(self, login, clerk, today):
        item = make_item()
        response = login(clerk).post(reverse("cases:intake"), intake_post(item, do="accept_decide"))
        assert response.status_code == 422 and Case.objects.count() == 0

    def test_nothing_typed_is_lost_on_error(self, login, clerk, today):
        item = make_item()
        material = item.current_version.materials.get(key="application")
        post = intake_post(item, id_number=ORG_CODE[:-1] + "0", contact_mobile="139",
                           **{f"note_{material.pk}": "缺签字", "agent_name": "王代办"})
        response = login(clerk).post(reverse("cases:intake"), post)
        assert response.status_code == 422 and Case.objects.count() == 0
        html = response.content.decode()
        for typed in ("湖南某某职业培训中心", "湖南康养职业培训学校", "缺签字", "王代办", ORG_CODE[:-1] + "0", "139"):
            assert typed in html

    def test_upload_and_correction_in_one_screen(self, login, clerk, today):
        from django.core.files.uploadedfile import SimpleUploadedFile

        item = make_item()
        version = item.current_version
        application, resolution = version.materials.get(key="application"), version.materials.get(key="resolution")
        post = intake_post(item, do="request_correction", **{
            f"mode_{application.pk}": "pending", f"file_{application.pk}": SimpleUploadedFile("申请表.pdf", PDF),
            f"mode_{resolution.pk}": "missing", f"note_{resolution.pk}": "未提供理事会决议"})
        response = login(clerk).post(reverse("cases:intake"), post)
        assert response.status_code == 302
        case = Case.objects.get()
        assert case.state == CaseState.CORRECTION
        assert case.materials.get(material=application).files.get().content_type == "application/pdf"

    def test_prefill_from_earlier_case(self, login, clerk, today):
        item = make_item()
        make_case(item, clerk, name="湖南某某职业培训中心", contact_name="老联系人")
        page = login(clerk).get(reverse("cases:intake"), {"item": item.pk, "find": ORG_CODE})
        assert "老联系人" in page.content.decode()


class TestCasePage:
    def test_masked_and_actions(self, login, clerk, today):
        case = make_case(make_item(), clerk, kind="person", name="赵晓红", id_type="resident_id", id_number=PERSON_ID)
        html = login(clerk).get(reverse("cases:case", args=[case.case_no])).content.decode()
        assert PERSON_ID not in html and "4301**********6545" in html
        assert "/act/accept/" in html and "/act/decide/" not in html

    def test_conflict_shows_current_state_and_keeps_input(self, login, clerk, today):
        case = make_case(make_item(), clerk)
        client = login(clerk)
        stale = Case.objects.get(pk=case.pk)
        services.case_accept(case=stale, actor=clerk)  # another clerk was faster
        response = client.post(reverse("cases:act", args=[case.case_no, "reject"]), {"reason": "我写的理由"})
        assert response.status_code == 409
        html = response.content.decode()
        assert "我写的理由" in html and "已受理" in html

    def test_action_and_document_download(self, login, clerk, today):
        case = make_case(make_item(), clerk)
        client = login(clerk)
        response = client.post(reverse("cases:act", args=[case.case_no, "accept"]), {"opinion": "材料齐全"})
        assert response.status_code == 302
        document = Case.objects.get(pk=case.pk).documents.get()
        pdf = client.get(reverse("cases:document", args=[case.case_no, document.pk]))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        document.refresh_from_db()
        assert document.pdf  # cached for reprints

    def test_material_upload_from_the_page(self, login, clerk, today):
        from django.core.files.uploadedfile import SimpleUploadedFile

        case = make_case(make_item(), clerk, complete_materials=False)
        material = case.item_version.materials.first()
        client = login(clerk)
        url = reverse("cases:material", args=[case.case_no, material.pk])
        refused = client.post(url, {f"file_{material.pk}": SimpleUploadedFile("x.png", PDF)})
        assert refused.status_code == 422
        assert client.post(url, {f"file_{material.pk}": SimpleUploadedFile("x.pdf", PDF)}).status_code == 302
        stored = case.materials.get(material=material).files.get()
        download = client.get(reverse("cases:file", args=[case.case_no, stored.pk]))
        assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_case_page_warns_after_the_art32_window(login, clerk, today):
    import datetime

    case = make_case(make_item(), clerk)
    today.set(datetime.date(2026, 4, 2))
    html = login(clerk).get(reverse("cases:case", args=[case.case_no])).content.decode()
    assert "第三十二条" in html and "/act/request_correction/" not in html and "/act/accept/" in html


CASE_URLS = [("cases:case", "get", []), ("cases:act", "post", ["accept"]), ("cases:material", "post", ["MAT"]),
             ("cases:document", "get", ["DOC"]), ("cases:file", "get", ["FILE"])]


@pytest.fixture
def full_case(clerk, today):
    from onewindow.accounts.models import AuthorityGrant, Role

    item = make_item(grants={AuthorityGrant.Action.ACCEPT: [Role.CLERK], AuthorityGrant.Action.ISSUE: [Role.CLERK]})
    case = make_case(item, clerk, complete_materials=False)
    material = case.item_version.materials.first()
    stored = services.case_material_upload(case=case, actor=clerk, material=material, name="a.pdf", content=PDF)
    mark(case, clerk, "resolution")
    case = services.case_request_correction(case=case, actor=clerk)
    ids = {"MAT": material.pk, "DOC": case.documents.get().pk, "FILE": stored.pk}
    return case, ids


@pytest.mark.parametrize(("name", "method", "args"), CASE_URLS, ids=[u[0] for u in CASE_URLS])
def test_case_urls_refuse_outsiders(name, method, args, full_case, client, login, applicant, make_staff):
    from onewindow.accounts.models import Role

    case, ids = full_case
    url = reverse(name, args=[case.case_no, *[ids.get(a, a) for a in args]])
    anonymous = getattr(client, method)(url)
    assert anonymous.status_code == 302 and "/accounts/" in anonymous.url
    assert getattr(login(applicant), method)(url).status_code == 403
    outsider = make_staff("outsider", Role.DECISION_MAKER)  # staff, but no authority on this item
    assert getattr(login(outsider), method)(url).status_code in (403, 404)
    assert Case.objects.get(pk=case.pk).state == CaseState.CORRECTION


def test_prefill_from_the_register(login, clerk, today):
    from onewindow.registry.models import Organisation

    item = make_item()
    Organisation.objects.create(kind="private_non_enterprise", credit_code=ORG_CODE, name="湖南某某职业培训中心",
                                legal_representative="王强", registration_authority="湖南省民政厅")
    page = login(clerk).get(reverse("cases:intake"), {"item": item.pk, "find": ORG_CODE.lower()})
    html = page.content.decode()
    assert "湖南某某职业培训中心" in html and "王强" in html
    assert 'value="reused" selected' in html  # the certificate is taken from the register (免提交)


def test_my_queue_holds_what_i_can_act_on(login, clerk, reviewer, chief, today):
    item = make_item(route="back_office")
    waiting = make_case(item, clerk)
    accepted = services.case_accept(case=make_case(item, clerk), actor=clerk)
    clerk_queue = login(clerk).get(reverse("cases:queue")).content.decode()
    reviewer_queue = login(reviewer).get(reverse("cases:queue")).content.decode()
    assert waiting.case_no in clerk_queue  # to accept
    assert f'<a href="{reverse("cases:case", args=[waiting.case_no])}">' in clerk_queue
    assert "<td>已收件</td>" in clerk_queue and f'<option value="{item.pk}" >' in clerk_queue  # labels, item filter
    assert accepted.case_no in reviewer_queue and waiting.case_no not in reviewer_queue  # to review


def test_reviewer_proposes_refusal_from_the_page(login, chief, reviewer, leader, today):
    case = services.case_accept(case=make_case(make_item(route="back_office"), chief), actor=chief)
    client = login(reviewer)
    page = client.get(reverse("cases:case", args=[case.case_no])).content.decode()
    assert "/act/review/" in page and "/act/propose_refusal/" in page
    refused = client.post(reverse("cases:act", args=[case.case_no, "propose_refusal"]), {"reason": ""})
    assert refused.status_code == 422
    done = client.post(reverse("cases:act", args=[case.case_no, "propose_refusal"]), {"reason": "名称不规范"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.REVIEWED and case.steps.last().opinion == "拟不予许可：名称不规范"
    assert "/act/forward/" not in client.get(reverse("cases:case", args=[case.case_no])).content.decode()  # 签发 first
    services.case_sign_off(case=case, actor=leader, opinion="同意")
    assert "/act/forward/" in client.get(reverse("cases:case", args=[case.case_no])).content.decode()
