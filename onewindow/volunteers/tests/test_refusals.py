"""Each refusal of volunteer service by its error code: the service refuses and changes nothing, and where
a person meets it the page shows the Chinese message."""

import datetime

import pytest
from django.urls import reverse

from onewindow.core.errors import Conflict, PermissionDenied, ValidationFailed
from onewindow.volunteers import services
from onewindow.volunteers.models import Activity, Membership, Participation, RecordEntry, Team

from .conftest import make_volunteer_user, publish

pytestmark = pytest.mark.django_db
MIN = datetime.timedelta(minutes=1)


@pytest.fixture
def checked_out(activity, volunteer, volunteer_user, clock, start):
    services.activity_signup(activity=activity, volunteer=volunteer, actor=volunteer_user)
    clock.set(start)
    services.check_in(
        activity=activity, volunteer=volunteer, code=activity.checkin_code, actor=volunteer_user
    )
    clock.set(start + 60 * MIN)
    return services.check_out(
        activity=activity, volunteer=volunteer, code=activity.checkin_code, actor=volunteer_user
    )


# --- teams and members ----------------------------------------------------------------------------------------


def test_team_managers_must_be_staff_and_team_names_unique(administrator, team, volunteer_user):
    with pytest.raises(ValidationFailed) as exc:
        services.team_create(name="新队伍", unit_name="单位", actor=administrator, managers=[volunteer_user])
    assert exc.value.code == "manager_not_staff" and not Team.objects.filter(name="新队伍").exists()
    with pytest.raises(ValidationFailed) as exc:
        services.team_update(team=team, actor=administrator, managers=[volunteer_user])
    assert exc.value.code == "manager_not_staff"
    assert list(team.managers.values_list("username", flat=True)) == ["teamlead"]
    with pytest.raises(Conflict) as exc:
        services.team_create(name=team.name, unit_name="另一单位", actor=administrator)
    assert exc.value.code == "team_exists" and Team.objects.filter(name=team.name).count() == 1


def test_membership_is_applied_for_once_and_decided_once(
    team, manager, other_manager, volunteer, volunteer_user, login, refused
):
    membership = services.membership_request(team=team, volunteer=volunteer, actor=volunteer_user)
    with pytest.raises(PermissionDenied) as exc:
        services.membership_decide(membership=membership, approve=True, actor=other_manager)
    assert exc.value.code == "not_team_manager"
    page = login(volunteer_user).post(reverse("volunteers:join_team", args=[team.pk]), follow=True)
    assert refused[-1] == "already_applied" and "您已申请加入该队伍。" in page.content.decode()
    services.membership_decide(membership=membership, approve=False, actor=manager)
    with pytest.raises(Conflict) as exc:
        services.membership_decide(membership=membership, approve=True, actor=manager)
    assert exc.value.code == "already_decided"
    assert Membership.objects.get().status == Membership.Status.REFUSED


# --- publishing -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"kind": "picnic"}, "bad_kind"),
        ({"ends_at": "17:00"}, "bad_time"),
        ({"hours": 0}, "bad_span"),
        ({"hours": 25}, "bad_span"),
        ({"needed": 0}, "bad_needed"),
        ({"needed": "many"}, "bad_needed"),
    ],
)
def test_publishing_refuses_a_bad_activity(team, manager, start, change, code):
    with pytest.raises(ValidationFailed) as exc:
        publish(team, manager, start, **change)
    assert exc.value.code == code and not Activity.objects.exists()


def test_the_publish_page_refuses_a_team_the_staff_member_does_not_manage(
    other_team, manager, login, refused
):
    page = login(manager).post(
        reverse("volunteers:activity_new"),
        {
            "team": other_team.pk,
            "title": "劝导",
            "kind": "civilisation",
            "starts_at": "2030-10-22T16:00",
            "ends_at": "2030-10-22T18:00",
            "place": "路口",
            "address": "耒阳市",
            "needed": "5",
            "contact": "站",
        },
        follow=True,
    )
    assert refused[-1] == "bad_team" and "请选择您管理的队伍。" in page.content.decode()
    assert not Activity.objects.exists()


def test_the_publish_page_refuses_an_unreadable_time(team, manager, login, refused):
    page = login(manager).post(
        reverse("volunteers:activity_new"),
        {
            "team": team.pk,
            "title": "劝导",
            "kind": "civilisation",
            "starts_at": "2030-10-22T16:00",
            "ends_at": "tomorrow",
            "needed": "5",
        },
        follow=True,
    )
    assert refused[-1] == "bad_time" and "请填写日期和时间" in page.content.decode()


# --- sign-up and withdrawal -------------------------------------------------------------------------------------


def test_sign_up_is_refused_twice_and_after_the_activity(
    activity, volunteer, volunteer_user, clock, start, login, refused
):
    services.activity_signup(activity=activity, volunteer=volunteer, actor=volunteer_user)
    with pytest.raises(Conflict) as exc:
        services.activity_signup(activity=activity, volunteer=volunteer, actor=volunteer_user)
    assert exc.value.code == "already_signed_up" and Participation.objects.count() == 1
    clock.set(start + 3 * 60 * MIN)
    page = login(volunteer_user).post(reverse("volunteers:signup", args=[activity.pk]), follow=True)
    assert refused[-1] == "activity_closed" and "该活动已停止报名。" in page.content.decode()


def test_a_cancelled_activity_is_closed_and_cannot_be_cancelled_again(
    activity, manager, volunteer, volunteer_user
):
    services.activity_cancel(activity=activity, reason="暴雨红色预警", actor=manager)
    with pytest.raises(Conflict) as exc:
        services.activity_signup(activity=activity, volunteer=volunteer, actor=volunteer_user)
    assert exc.value.code == "activity_closed"
    with pytest.raises(Conflict) as exc:
        services.activity_cancel(activity=activity, reason="再次取消", actor=manager)
    assert exc.value.code == "not_cancellable"


def test_a_started_activity_cannot_be_cancelled(activity, manager, clock, start):
    clock.set(start)
    with pytest.raises(Conflict) as exc:
        services.activity_cancel(activity=activity, reason="来不及了", actor=manager)
    assert exc.value.code == "not_cancellable" and Activity.objects.get().status == Activity.Status.PUBLISHED


def test_withdrawal_after_check_in_is_refused_on_the_page(
    activity, volunteer, volunteer_user, clock, start, login, refused
):
    row = services.activity_signup(activity=activity, volunteer=volunteer, actor=volunteer_user)
    clock.set(start)
    services.check_in(
        activity=activity, volunteer=volunteer, code=activity.checkin_code, actor=volunteer_user
    )
    page = login(volunteer_user).post(reverse("volunteers:withdraw", args=[row.pk]), follow=True)
    assert refused[-1] == "not_withdrawable" and "只能退出尚未签到的报名。" in page.content.decode()
    row.refresh_from_db()
    assert row.status == Participation.Status.CHECKED_IN


def test_the_manager_adds_only_a_registered_volunteer(activity, manager, login, refused):
    make_volunteer_user("13907340030", n=30)  # a portal account that never registered as a volunteer
    page = login(manager).post(
        reverse("volunteers:add_volunteer", args=[activity.pk]), {"mobile": "13907340030"}, follow=True
    )
    assert refused[-1] == "no_volunteer" and "没有使用该手机号码的注册志愿者。" in page.content.decode()
    assert not Participation.objects.exists()


# --- check-in and check-out -------------------------------------------------------------------------------------


def test_check_in_needs_the_activitys_own_code_and_a_sign_up(
    activity, team, manager, start, volunteer, volunteer_user, clock
):
    other = publish(team, manager, start + datetime.timedelta(days=1))
    clock.set(start)
    with pytest.raises(PermissionDenied) as exc:
        services.check_in(
            activity=activity, volunteer=volunteer, code=other.checkin_code, actor=volunteer_user
        )
    assert exc.value.code == "bad_checkin_code"
    with pytest.raises(Conflict) as exc:
        services.check_in(
            activity=activity, volunteer=volunteer, code=activity.checkin_code, actor=volunteer_user
        )
    assert exc.value.code == "not_signed_up" and not Participation.objects.exists()


def test_check_in_closes_when_the_activity_ends(
    activity, volunteer, volunteer_user, clock, start, login, refused
):
    services.activity_signup(activity=activity, volunteer=volunteer, actor=volunteer_user)
    clock.set(activity.ends_at)
    url = reverse("volunteers:checkin", args=[activity.checkin_code])
    page = login(volunteer_user).post(url, {"action": "in"}, follow=True)
    assert refused[-1] == "checkin_closed" and "活动已结束，签到已关闭。" in page.content.decode()
    assert Participation.objects.get().status == Participation.Status.SIGNED_UP


def test_the_check_in_page_refuses_an_unknown_action(
    activity, volunteer, volunteer_user, clock, start, login, refused
):
    services.activity_signup(activity=activity, volunteer=volunteer, actor=volunteer_user)
    clock.set(start)
    page = login(volunteer_user).post(
        reverse("volunteers:checkin", args=[activity.checkin_code]), {"action": "teleport"}, follow=True
    )
    assert refused[-1] == "bad_action" and "未知操作。" in page.content.decode()
    assert Participation.objects.get().status == Participation.Status.SIGNED_UP


def test_check_out_is_refused_twice(activity, volunteer, volunteer_user, start, checked_out):
    with pytest.raises(Conflict) as exc:
        services.check_out(
            activity=activity, volunteer=volunteer, code=activity.checkin_code, actor=volunteer_user
        )
    assert exc.value.code == "already_checked_out"
    checked_out.refresh_from_db()
    assert checked_out.checked_out_at == start + 60 * MIN


def test_check_out_closes_after_the_grace_hours(activity, volunteer, volunteer_user, clock, start, settings):
    settings.VOLUNTEER_CHECKOUT_GRACE_HOURS = 2
    services.activity_signup(activity=activity, volunteer=volunteer, actor=volunteer_user)
    clock.set(start)
    services.check_in(
        activity=activity, volunteer=volunteer, code=activity.checkin_code, actor=volunteer_user
    )
    clock.set(activity.ends_at + datetime.timedelta(hours=2))
    clock.set(clock.value + MIN)
    with pytest.raises(Conflict) as exc:
        services.check_out(
            activity=activity, volunteer=volunteer, code=activity.checkin_code, actor=volunteer_user
        )
    assert exc.value.code == "checkout_closed"
    assert Participation.objects.get().status == Participation.Status.CHECKED_IN


# --- hours, corrections and the record ---------------------------------------------------------------------------


def test_hours_are_confirmed_once_and_only_after_check_out(
    activity, volunteer, volunteer_user, manager, clock, start
):
    row = services.activity_signup(activity=activity, volunteer=volunteer, actor=volunteer_user)
    with pytest.raises(Conflict) as exc:
        services.hours_confirm(participation=row, actor=manager)
    assert exc.value.code == "not_checked_out"
    clock.set(start)
    services.check_in(
        activity=activity, volunteer=volunteer, code=activity.checkin_code, actor=volunteer_user
    )
    clock.set(start + 60 * MIN)
    services.check_out(
        activity=activity, volunteer=volunteer, code=activity.checkin_code, actor=volunteer_user
    )
    services.hours_confirm(participation=row, actor=manager)
    with pytest.raises(Conflict) as exc:
        services.hours_confirm(participation=row, actor=manager, hours="2")
    assert exc.value.code == "already_confirmed"
    row.refresh_from_db()
    assert str(row.hours) == "1.0"


@pytest.mark.parametrize("hours", ["about two", "-1", "1.25", "NaN"])
def test_hours_are_a_number_with_one_decimal(checked_out, manager, hours):
    with pytest.raises(ValidationFailed) as exc:
        services.hours_confirm(participation=checked_out, actor=manager, hours=hours)
    assert exc.value.code == "bad_hours"
    checked_out.refresh_from_db()
    assert checked_out.status == Participation.Status.CHECKED_OUT


def test_a_correction_keeps_the_times_in_order_and_within_the_activity(checked_out, manager, start):
    with pytest.raises(ValidationFailed) as exc:
        services.participation_correct(
            participation=checked_out, reason="核对", actor=manager, checked_out_at=start - MIN
        )
    assert exc.value.code == "bad_time" and exc.value.details == {"checked_out_at": "before_check_in"}
    with pytest.raises(ValidationFailed) as exc:
        services.participation_correct(
            participation=checked_out,
            reason="核对",
            actor=manager,
            checked_in_at=start + datetime.timedelta(hours=3),
            checked_out_at=start + datetime.timedelta(hours=4),
        )
    assert exc.value.code == "bad_time" and exc.value.details == {"checked_in_at": "outside"}
    assert not checked_out.corrections.exists()


def test_the_record_is_written_after_the_activity_ends(activity, manager, clock, start):
    clock.set(start + 60 * MIN)
    with pytest.raises(Conflict) as exc:
        services.activity_record(activity=activity, summary="劝导交通", feedback="", actor=manager)
    assert exc.value.code == "not_ended"
    assert Activity.objects.get().recorded_at is None


def test_an_entry_needs_a_kind_a_past_date_and_a_member(
    team, manager, volunteer, volunteer_user, login, refused
):
    today = datetime.date.today()
    with pytest.raises(Conflict) as exc:
        services.entry_add(
            team=team, volunteer=volunteer, kind="training", title="培训", on=today, actor=manager
        )
    assert exc.value.code == "not_member"
    membership = services.membership_request(team=team, volunteer=volunteer, actor=volunteer_user)
    services.membership_decide(membership=membership, approve=True, actor=manager)
    with pytest.raises(ValidationFailed) as exc:
        services.entry_add(team=team, volunteer=volunteer, kind="medal", title="x", on=today, actor=manager)
    assert exc.value.code == "bad_kind"
    with pytest.raises(ValidationFailed) as exc:
        services.entry_add(
            team=team,
            volunteer=volunteer,
            kind="training",
            title="培训",
            on=today + datetime.timedelta(days=1),
            actor=manager,
        )
    assert exc.value.code == "bad_date"
    page = login(manager).post(
        reverse("volunteers:add_entry", args=[membership.pk]),
        {"kind": "training", "title": "培训", "on": "31/12"},
        follow=True,
    )
    assert refused[-1] == "bad_date" and "请填写不晚于今天的日期。" in page.content.decode()
    assert not RecordEntry.objects.exists()


# --- the volunteer --------------------------------------------------------------------------------------------------


def test_a_minors_guardian_needs_a_valid_mobile(db):
    born = (datetime.date.today() - datetime.timedelta(days=16 * 366)).strftime("%Y%m%d")
    user = make_volunteer_user("13907340031", born=born, n=31)
    with pytest.raises(ValidationFailed) as exc:
        services.volunteer_register(
            user=user, guardian_name="刘父", guardian_mobile="0734123", guardian_consent=True
        )
    assert exc.value.code == "bad_mobile" and exc.value.details == {"guardian_mobile": "invalid"}


def test_a_certificate_needs_confirmed_hours(checked_out, volunteer, volunteer_user, team):
    with pytest.raises(Conflict) as exc:
        services.certificate_issue(volunteer=volunteer, team=team, actor=volunteer_user)
    assert exc.value.code == "no_confirmed_hours" and not volunteer.certificates.exists()


def test_the_api_record_is_for_registered_volunteers(volunteer_user, api):
    response = api(volunteer_user).get("/api/v1/volunteers/me")
    assert response.status_code == 403 and response.json()["code"] == "not_volunteer"
