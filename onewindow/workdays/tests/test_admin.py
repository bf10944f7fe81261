"""Admin pages: administrators only; saves go through the services."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onewindow.audit.models import AuditEvent
from onewindow.workdays import services
from onewindow.workdays.models import NoticeYear, WarningPolicy, WorkdayOverride

from .test_calendar import NOTICE_2027

pytestmark = pytest.mark.django_db
IMPORT_URL = reverse("admin:workdays_workdayoverride_import")
PAGES = [IMPORT_URL, reverse("admin:workdays_workdayoverride_changelist"),
         reverse("admin:workdays_workdayoverride_add"), reverse("admin:workdays_warningpolicy_changelist"),
         reverse("admin:workdays_noticeyear_changelist")]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("role", ["clerk", "chief", "reviewer", "leader", "supervisor", "applicant"])
def test_other_roles_cannot_use_the_pages(request, login, url, role):
    response = login(request.getfixturevalue(role)).get(url)
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "login" in response["Location"]


def test_staff_flag_without_the_administrator_role_is_refused(login, clerk):
    clerk.is_staff = True
    clerk.save()
    client = login(clerk)
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"text": NOTICE_2027, "confirm": "1"}).status_code == 403
    assert client.get(reverse("admin:workdays_workdayoverride_changelist")).status_code == 403
    assert not NoticeYear.objects.exists()


@pytest.mark.parametrize("url", PAGES)
def test_administrator_sees_the_pages(login, administrator, url, django_assert_max_num_queries):
    client = login(administrator)
    services.override_set(day=datetime.date(2026, 6, 1), is_working=False, note="x", actor=administrator)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_import_preview_then_confirm(login, administrator):
    client = login(administrator)
    upload = SimpleUploadedFile("2027.txt", NOTICE_2027.encode("utf-8"), content_type="text/plain")
    response = client.post(IMPORT_URL, {"file": upload, "preview": "1"})
    assert response.status_code == 200
    assert response.context["diff"].confirms_year
    assert "2027-01-01" in response.content.decode()
    assert not NoticeYear.objects.exists()  # preview changes nothing
    response = client.post(IMPORT_URL, {"text": response.context["notice_text"], "confirm": "1"})
    assert response.status_code == 302
    assert NoticeYear.objects.filter(year=2027).exists()
    assert not services.is_working_day(datetime.date(2027, 1, 1))


def test_import_shows_errors_in_chinese_and_changes_nothing(login, administrator):
    client = login(administrator)
    response = client.post(IMPORT_URL, {"text": "year 2027\n2027-02-30 holiday", "confirm": "1"},
                           headers={"Accept-Language": "zh-hans"})
    assert response.status_code == 200
    assert "第 2 行" in response.content.decode()
    assert not WorkdayOverride.objects.exists()


def test_admin_add_change_delete_use_the_services(login, administrator):
    client = login(administrator)
    response = client.post(reverse("admin:workdays_workdayoverride_add"),
                           {"date": "2027-10-01", "is_working": "", "note": "国庆"})
    assert response.status_code == 302
    override = WorkdayOverride.objects.get(date=datetime.date(2027, 10, 1))
    assert override.created_by == administrator and not services.is_working_day(override.date)
    client.post(reverse("admin:workdays_workdayoverride_change", args=[override.pk]),
                {"is_working": "on", "note": "改"})
    assert services.is_working_day(override.date)
    client.post(reverse("admin:workdays_workdayoverride_delete", args=[override.pk]), {"post": "yes"})
    assert not WorkdayOverride.objects.exists()
    actions = list(AuditEvent.objects.filter(action__startswith="workdays.").values_list("action", flat=True))
    assert actions == ["workdays.override_set", "workdays.override_set", "workdays.override_deleted"]


def test_admin_refuses_far_dates(login, administrator):
    response = login(administrator).post(reverse("admin:workdays_workdayoverride_add"),
                                         {"date": "2999-10-01", "is_working": "", "note": ""},
                                         headers={"Accept-Language": "zh-hans"})
    assert response.status_code == 200
    assert "日期必须在 2000 到 2200 之间" in response.content.decode()
    assert not WorkdayOverride.objects.exists()


def test_admin_policy_change_is_audited(login, administrator):
    client = login(administrator)
    policy = WarningPolicy.objects.get(kind="case")
    response = client.post(reverse("admin:workdays_warningpolicy_change", args=[policy.pk]),
                           {"yellow_share": "0.40", "yellow_days": "4"})
    assert response.status_code == 302
    policy.refresh_from_db()
    assert (str(policy.yellow_share), policy.yellow_days) == ("0.40", 4)
    assert AuditEvent.objects.filter(action="workdays.policy_updated").exists()
