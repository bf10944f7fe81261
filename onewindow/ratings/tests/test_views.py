"""Every page: anonymous, wrong role, right role; the pad, the rating page and the board at work."""

import pytest
from django.urls import reverse

from onewindow.hall.pad import pad_code_issue
from onewindow.ratings import services
from onewindow.ratings.models import Complaint, Rating, Rectification, Urging


def _login_redirect(response):
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_rate_page_owner_token_and_others(client, login, complete, applicant, other_applicant):
    case = complete(owner=applicant)
    url = reverse("ratings:rate", args=[case.case_no])
    assert _login_redirect(client.get(url))
    assert login(other_applicant).get(url).status_code == 403
    assert client.get(url, {"t": "forged"}).status_code == 403
    owner = login(applicant)
    page = owner.get(url)
    assert page.status_code == 200 and case.case_no in page.content.decode()
    bad = owner.post(url, {"level": "best"})
    assert bad.status_code == 200 and "五个等级" in bad.content.decode()
    assert owner.post(url, {"level": "satisfied", "score_overall": "5", "text": "好"}).status_code == 302
    rating = Rating.objects.get(case=case)
    assert (rating.channel, rating.scores, rating.rater) == ("pc", {"overall": 5}, applicant)
    token = services.rating_token(case)
    assert client.get(url, {"t": token}).status_code == 200
    assert client.post(url, {"level": "very_satisfied", "t": token}).status_code == 302
    assert Rating.objects.get(case=case, attempt=2).channel == "qr_code"


def test_rate_page_lets_the_applicant_rate_the_fix(login, complete, applicant, chief):
    case = complete(owner=applicant)
    rating = services.rating_submit(case=case, actor=applicant, channel="pc", level="dissatisfied")
    services.rectification_visit(rectification=rating.rectification, actor=chief, note="回访")
    services.rectification_record(rectification=rating.rectification, actor=chief, outcome="fixed_at_once", note="已改")
    owner = login(applicant)
    url = reverse("ratings:rate", args=[case.case_no])
    assert "已改" in owner.get(url).content.decode()
    owner.post(url, {"do": "rate_fix", "level": "satisfied"})
    assert Rectification.objects.get(pk=rating.rectification.pk).fix_level == "satisfied"


def test_pad_is_a_paired_kiosk_that_shows_the_case_just_handled(client, login, complete, chief):
    """Issue 17: the pad shows no staff navigation, cannot reach the workbench and is paired once by a code."""
    url = reverse("ratings:pad")
    body = client.get(url).content.decode()
    assert "配对码" in body and "/workbench/" not in body and "退出" not in body
    assert "配对码错误" in client.post(url, {"do": "pair", "code": "000000"}, follow=True).content.decode()
    pad = login(chief)  # even a tablet left signed in as staff is signed out by pairing
    code = pad_code_issue(actor=chief)
    assert pad.post(url, {"do": "pair", "code": code}).status_code == 302
    assert "_auth_user_id" not in pad.session and pad.get("/workbench/").status_code == 302
    assert "配对码错误" in client.post(url, {"do": "pair", "code": code}, follow=True).content.decode()  # once
    case = complete()
    page = pad.get(url).content.decode()
    assert case.case_no in page and "/workbench/" not in page and "退出" not in page
    assert pad.post(url, {"case_no": case.case_no, "level": "very_satisfied"}).status_code == 302
    assert Rating.objects.get(case=case).channel == "window_pad"
    assert case.case_no not in pad.get(url).content.decode()  # rated: the pad waits for the next case


def test_complaint_intake_is_open_and_keeps_input_on_error(client, applicant, login):
    url = reverse("ratings:complaint_new")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"kind": "complaint", "subject": "等候太久", "content": "", "anonymous": "on"})
    body = bad.content.decode()
    assert bad.status_code == 200 and "等候太久" in body and "只有举报可以匿名" in body
    ok = client.post(url, {"kind": "report", "subject": "收礼", "content": "经过", "anonymous": "on", "category": "conduct"})
    report = Complaint.objects.get()
    assert report.tracking_no in ok.content.decode() and report.source == "portal" and report.anonymous
    login(applicant).post(url, {"kind": "complaint", "subject": "慢", "content": "慢", "person_name": "赵晓红",
                                "person_mobile": "13800000000"})
    assert Complaint.objects.get(kind="complaint").submitted_by == applicant


def test_complaint_pages_and_anonymous_identity(client, login, applicant, other_applicant, supervisor, chief, unit):
    report = services.complaint_create(kind="report", source="portal", subject="收礼", content="经过", anonymous=True,
                                       person_name="知情人甲", person_mobile="13700000000")
    own = services.complaint_create(kind="complaint", source="portal", subject="慢", content="慢", actor=applicant,
                                    person_name="赵晓红", person_mobile="13800000000")
    assert _login_redirect(client.get(reverse("ratings:complaints")))
    assert login(applicant).get(reverse("ratings:complaints")).status_code == 403
    assert login(chief).get(reverse("ratings:complaint", args=[report.tracking_no])).status_code == 404
    sup = login(supervisor)
    assert "知情人甲" in sup.get(reverse("ratings:complaint", args=[report.tracking_no])).content.decode()
    sup.post(reverse("ratings:complaint", args=[report.tracking_no]),
             {"do": "assign", "department": unit.pk, "assignee": chief.pk})
    handler = login(chief)
    page = handler.get(reverse("ratings:complaint", args=[report.tracking_no])).content.decode()
    assert "知情人甲" not in page and "13700000000" not in page
    assert report.tracking_no in handler.get(reverse("ratings:complaints")).content.decode()
    handler.post(reverse("ratings:complaint", args=[report.tracking_no]), {"do": "reply", "reply": "已查处"})
    assert Complaint.objects.get(pk=report.pk).state == "replied"
    assert login(other_applicant).get(reverse("ratings:complaint", args=[own.tracking_no])).status_code == 404
    assert login(applicant).get(reverse("ratings:complaint", args=[own.tracking_no])).status_code == 200


def test_rectification_pages(client, login, complete, applicant, chief, supervisor, other_unit_staff):
    case = complete(owner=applicant)
    rating = services.rating_submit(case=case, actor=applicant, channel="pc", level="dissatisfied")
    detail = reverse("ratings:rectification", args=[rating.rectification.pk])
    for url in (reverse("ratings:rectifications"), detail):
        assert _login_redirect(client.get(url))
        assert login(applicant).get(url).status_code == 403
    assert login(other_unit_staff).get(detail).status_code == 404
    assert case.case_no not in login(other_unit_staff).get(reverse("ratings:rectifications")).content.decode()
    unit = login(chief)
    assert case.case_no in unit.get(reverse("ratings:rectifications")).content.decode()
    unit.post(detail, {"do": "visit", "note": "已回访"})
    unit.post(detail, {"do": "appeal", "reason": "恶意差评"})
    sup = login(supervisor)
    assert case.case_no in sup.get(reverse("ratings:rectifications")).content.decode()
    sup.post(detail, {"do": "uphold", "note": "属实"})
    assert Rating.objects.get(pk=rating.pk).excluded


def test_board_for_supervisors_only_with_a_query_budget(client, login, complete, chief, supervisor,
                                                        django_assert_max_num_queries, item):
    from onewindow.cases import services as case_services
    from onewindow.cases.tests.factories import make_case

    url = reverse("ratings:board")
    assert _login_redirect(client.get(url))
    assert login(chief).get(url).status_code == 403
    for _i in range(3):  # open cases past their on-the-spot due date are red
        case = case_services.case_accept(case=make_case(item, chief), actor=chief)
    from onewindow.cases.models import Case

    Case.objects.update(promised_due="2026-01-05")
    sup = login(supervisor)
    with django_assert_max_num_queries(25):
        page = sup.get(url)
    assert page.status_code == 200 and case.case_no in page.content.decode()
    assert login(chief).post(reverse("ratings:urge"), {"subject": "case", "ref": case.case_no,
                                                       "message": "快"}).status_code == 403
    assert sup.post(reverse("ratings:urge"), {"subject": "case", "ref": case.case_no, "message": "请今日办结"}).status_code == 302
    urging = Urging.objects.get()
    assert urging.to_user == chief
    inbox = login(chief)
    assert "请今日办结" in inbox.get(reverse("ratings:inbox")).content.decode()
    inbox.post(reverse("ratings:inbox"), {"urging": urging.pk})
    assert Urging.objects.get().acknowledged_at is not None


@pytest.mark.parametrize("name", ["ratings:inbox", "ratings:complaints", "ratings:rectifications"])
def test_staff_pages_refuse_applicants(name, client, login, applicant):
    assert _login_redirect(client.get(reverse(name)))
    assert login(applicant).get(reverse(name)).status_code == 403


def test_admin_is_read_only(db, client):
    from onewindow.accounts.models import User

    admin_user = User.objects.create_superuser("root", password="x-123456789", kind=User.Kind.STAFF)
    client.force_login(admin_user)
    for name in ("rating", "rectification", "appeal", "complaint", "urging"):
        assert client.get(f"/admin/ratings/{name}/").status_code == 200
        assert client.get(f"/admin/ratings/{name}/add/").status_code == 403
