import datetime

import pytest
from django.test import Client
from django.utils import timezone

from onewindow.demo.volunteers import demo_volunteers_setup

from .stamps import stamps

pytestmark = pytest.mark.django_db


def test_demo_has_the_articles_team_activity_hours_and_a_verifiable_certificate(administrator):
    certificate = demo_volunteers_setup(password="demo-pass-123")
    again = demo_volunteers_setup(password="demo-pass-123")
    assert again.pk == certificate.pk  # idempotent
    activity = certificate.team.activities.get()
    assert (
        activity.place == "五里牌街道金阳路口至金桥路口" and activity.starts_at.hour == 16 - 8
    )  # 4 pm in UTC+8
    assert "绵绵细雨" in activity.summary and "张阿姨" in activity.feedback
    rows = list(activity.participations.order_by("id"))
    assert len(rows) == 4 and all(
        r.status == "confirmed" and r.checked_in_at and r.checked_out_at for r in rows
    )
    assert [str(r.hours) for r in rows] == ["1.8", "1.9", "1.9", "2.0"]
    assert certificate.team.unit_name == "耒阳市民政局救助管理站"
    assert Client().get(f"/api/v1/verify/{certificate.token}").json()["total_hours"] == "1.8"


def test_the_volunteer_story_is_stamped_from_two_days_before_to_the_morning_after(administrator):
    before = stamps()
    certificate = demo_volunteers_setup(password="demo-pass-123")
    day = timezone.localtime(certificate.team.activities.get().starts_at).date()
    first = timezone.make_aware(datetime.datetime.combine(day - datetime.timedelta(days=2), datetime.time(0)))
    last = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=2), datetime.time(0)))
    written = stamps() - before
    assert {
        "volunteers.Participation.signed_up_at",
        "volunteers.RecordCertificate.created_at",
        "audit.AuditEvent.at",
    } <= {name for name, _value in written}
    outside = sorted({name for name, value in written if not first <= value < last})
    assert not outside, outside
