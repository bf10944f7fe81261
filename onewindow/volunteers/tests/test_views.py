"""Who may use each page and endpoint (anonymous, wrong account, right account), what they see, and the
query counts of the key pages."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from onewindow.portal.tests.factories import PDF, PNG
from onewindow.volunteers import services
from onewindow.volunteers.models import Participation

from .conftest import make_volunteer_user, publish

pytestmark = pytest.mark.django_db
MIN = datetime.timedelta(minutes=1)


@pytest.fixture
def served(activity, volunteer, volunteer_user, clock, start, manager):
    """The volunteer served 16:00-17:30 and the manager confirmed 1.5 hours; then a certificate."""
    services.activity_signup(activity=activity, volunteer=volunteer, actor=volunteer_user)
    clock.set(start)
    services.check_in(activity=activity, volunteer=volunteer, code=activity.checkin_code, actor=volunteer_user)
    clock.set(start + 90 * MIN)
    participation = services.check_out(activity=activity, volunteer=volunteer, code=activity.checkin_code,
                                       actor=volunteer_user)
    services.hours_confirm(participation=participation, actor=manager)
    return services.certificate_issue(volunteer=volunteer, team=activity.team, actor=volunteer_user)


def test_public_pages_need_no_login_and_show_no_id_numbers(served, volunteer_user, django_assert_max_num_queries):
    client = Client()
    with django_assert_max_num_queries(8):
        page = client.get("/volunteers/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "文明交通劝导" in text and "1.5" in text  # the activity and the month's confirmed hours
    assert volunteer_user.id_number not in text
    assert client.get(reverse("volunteers:activity", args=[served.team.activities.get().pk])).status_code == 200


def test_volunteer_pages_refuse_anonymous_and_staff(manager, login):
    for name in ("volunteers:me", "volunteers:register"):
        anonymous = Client().get(reverse(name))
        assert anonymous.status_code == 302 and "/signin/" in anonymous["Location"]
        assert login(manager).get(reverse(name)).status_code == 403


def test_a_volunteer_sees_only_their_own_record_and_certificate(served, volunteer_user, login,
                                                              django_assert_max_num_queries):
    other = make_volunteer_user("13907340005", name="陈静", n=5)
    services.volunteer_register(user=other)
    mine = login(volunteer_user)
    with django_assert_max_num_queries(12):
        page = mine.get(reverse("volunteers:me"))
    text = page.content.decode()
    assert served.number in text and "4304**********" in text and volunteer_user.id_number not in text
    pdf = mine.get(reverse("volunteers:certificate_download", args=[served.token]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    stranger = login(other)
    assert served.number not in stranger.get(reverse("volunteers:me")).content.decode()
    assert stranger.get(reverse("volunteers:certificate_download", args=[served.token])).status_code == 404


def test_register_page_shows_the_guardian_fields_for_a_minor_and_refuses_without_consent(login):
    born = (datetime.date.today() - datetime.timedelta(days=15 * 366)).strftime("%Y%m%d")
    minor = make_volunteer_user("13907340006", born=born, n=6)
    client = login(minor)
    assert "监护人姓名" in client.get(reverse("volunteers:register")).content.decode()
    refused = client.post(reverse("volunteers:register"), {"guardian_name": "家长", "guardian_mobile": "13907340007"})
    assert refused.status_code == 422 and "须经监护人同意" in refused.content.decode()


def test_qr_check_in_and_out_by_the_page(activity, volunteer, volunteer_user, clock, start, login):
    url = reverse("volunteers:checkin", args=[activity.checkin_code])
    services.activity_signup(activity=activity, volunteer=volunteer, actor=volunteer_user)
    clock.set(start + MIN)
    client = login(volunteer_user)  # signed in on the day (sessions last 8 hours)
    client.post(url, {"action": "in"})
    page = client.post(url, {"action": "in"}, follow=True)  # twice: refused with the message, nothing changed
    assert "不能重复签到" in page.content.decode()
    clock.set(start + 61 * MIN)
    client.post(url, {"action": "out"})
    row = Participation.objects.get()
    assert row.checked_in_at == start + MIN and row.status == "checked_out" and str(row.hours) == "1.0"
    assert Client().get(url).status_code == 302  # anonymous: sign in first


def test_manager_pages_show_only_their_teams(activity, manager, other_manager, volunteer_user, login,
                                             django_assert_max_num_queries):
    url = reverse("volunteers:manage_activity", args=[activity.pk])
    assert Client().get(url).status_code == 302
    assert login(volunteer_user).get(url).status_code == 403  # not staff
    assert login(other_manager).get(url).status_code == 404  # staff managing another team
    assert activity.title not in login(other_manager).get(reverse("volunteers:manage")).content.decode()
    client = login(manager)
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200 and "签到二维码" in page.content.decode()


def test_manager_confirms_and_corrects_through_the_page(activity, volunteer, volunteer_user, clock, start, manager,
                                                        other_manager, login):
    services.activity_signup(activity=activity, volunteer=volunteer, actor=volunteer_user)
    clock.set(start)
    services.check_in(activity=activity, volunteer=volunteer, code=activity.checkin_code, actor=volunteer_user)
    clock.set(start + 30 * MIN)
    row = services.check_out(activity=activity, volunteer=volunteer, code=activity.checkin_code,
                             actor=volunteer_user)
    assert login(other_manager).post(reverse("volunteers:confirm", args=[row.pk])).status_code == 404
    client = login(manager)
    over = client.post(reverse("volunteers:confirm", args=[row.pk]), {"hours": "9"}, follow=True)
    assert "超过了活动时长" in over.content.decode()
    row.refresh_from_db()
    assert row.status == "checked_out"
    client.post(reverse("volunteers:confirm", args=[row.pk]), {"hours": "0.5"})
    client.post(reverse("volunteers:correct", args=[row.pk]), {"hours": "1.0", "reason": "据现场照片核对"})
    row.refresh_from_db()
    assert row.status == "confirmed" and str(row.hours) == "1.0" and row.corrections.count() == 1


def test_publish_form_errors_are_shown_not_500(team, manager, login):
    client = login(manager)
    page = client.post(reverse("volunteers:activity_new"), {"team": team.pk, "title": "x", "kind": "civilisation",
                                                           "starts_at": "not a date", "ends_at": "", "needed": "5"},
                       follow=True)
    assert page.status_code == 200 and "请填写日期和时间" in page.content.decode()
    page = client.post(reverse("volunteers:activity_new"), {"team": team.pk, "title": "雨中劝导", "kind": "civilisation",
                                                           "starts_at": "2030-10-22T16:00", "ends_at": "2030-10-22T18:00",
                                                           "place": "金阳路口", "address": "耒阳市", "needed": "10",
                                                           "contact": "救助站"})
    assert page.status_code == 302 and team.activities.filter(title="雨中劝导").exists()


def test_photo_upload_is_checked_by_content(activity, manager, login, clock, start):
    clock.set(start + datetime.timedelta(hours=3))
    client = login(manager)
    url = reverse("volunteers:record", args=[activity.pk])
    page = client.post(url, {"summary": "劝导交通", "photo": SimpleUploadedFile("现场.png", PDF)}, follow=True)
    assert "application/pdf" in page.content.decode() and activity.photos.count() == 0
    client.post(url, {"summary": "劝导交通", "feedback": "市民点赞", "photo": SimpleUploadedFile("现场.png", PNG),
                      "caption": "雨中劝导"})
    photo = activity.photos.get()
    assert Client().get(reverse("volunteers:photo", args=[photo.pk])).status_code == 200


# --- verification through the existing certificate addresses ---------------------------------------------------

def test_verify_page_and_json_at_the_existing_address(served, volunteer_user):
    page = Client().get(f"/verify/{served.token}")
    text = page.content.decode()
    assert page.status_code == 200 and served.number in text and volunteer_user.id_number not in text
    body = Client().get(f"/api/v1/verify/{served.token}").json()
    assert body["number"] == served.number and body["total_hours"] == "1.5" and body["fee"] == "免费出具"
    assert Client().get(f"/api/v1/volunteers/verify/{served.token}").json() == body
    assert Client().get("/verify/not-a-token").status_code == 404
    missing = Client().get("/api/v1/verify/not-a-token")
    assert missing.status_code == 404 and missing.json()["code"] == "certificate_not_found"


# --- API --------------------------------------------------------------------------------------------------------

def test_api_public_activities_list(activity, team, manager, start):
    publish(team, manager, start - datetime.timedelta(days=3), title="已结束的活动")
    body = Client().get("/api/v1/volunteers/activities").json()
    assert [a["title"] for a in body] == ["文明交通劝导"] and body[0]["kind_label"] and body[0]["taken"] == 0


def test_api_own_record_needs_the_volunteers_token(served, volunteer_user, manager, api):
    assert api(None).get("/api/v1/volunteers/me").status_code == 401
    assert api(manager).get("/api/v1/volunteers/me").status_code == 403
    body = api(volunteer_user).get("/api/v1/volunteers/me").json()
    assert body["confirmed_hours"] == "1.5" and body["id_number"].startswith("4304****")
    assert body["certificates"][0]["number"] == served.number


def test_openapi_documents_the_volunteer_endpoints():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/volunteers/activities", "/api/v1/volunteers/me", "/api/v1/volunteers/verify/{token}"} <= set(paths)


def test_members_page_records_a_commendation_shown_on_the_volunteers_record(team, manager, volunteer,
                                                                           volunteer_user, login):
    membership = services.membership_request(team=team, volunteer=volunteer, actor=volunteer_user)
    desk = login(manager)
    desk.post(reverse("volunteers:decide_membership", args=[membership.pk]), {"approve": "1"})
    page = desk.post(reverse("volunteers:add_entry", args=[membership.pk]),
                     {"kind": "commendation", "title": "雨中劝导优秀志愿者", "on": "bad"}, follow=True)
    assert "请填写不晚于今天的日期" in page.content.decode()
    desk.post(reverse("volunteers:add_entry", args=[membership.pk]),
              {"kind": "commendation", "title": "雨中劝导优秀志愿者", "on": datetime.date.today().isoformat()})
    assert "雨中劝导优秀志愿者" in login(volunteer_user).get(reverse("volunteers:me")).content.decode()


def test_statistics_dashboard_has_the_volunteer_section_for_its_period(served, supervisor, login):
    month = served.issued_on.strftime("%Y-%m")
    page = login(supervisor).get(reverse("stats:dashboard"), {"from": f"{month}-01", "to": served.issued_on.isoformat()})
    text = page.content.decode()
    assert "志愿服务统计（按队伍和月份）" in text and "“衡阳群众”学雷锋志愿服务队" in text and ">1.5<" in text
