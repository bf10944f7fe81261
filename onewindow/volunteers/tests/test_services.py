"""The rules of volunteer service, each named after its source:
志愿服务条例 (国务院令第685号) and 志愿服务记录与证明出具办法（试行）(民政部令第67号)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from onewindow.audit.models import AuditEvent
from onewindow.core import signing
from onewindow.core.errors import Conflict, PermissionDenied, ValidationFailed
from onewindow.volunteers import services
from onewindow.volunteers.models import Correction, Participation, Volunteer

from .conftest import make_volunteer_user, publish

pytestmark = pytest.mark.django_db
MIN = datetime.timedelta(minutes=1)


def _served(activity, volunteer, user, clock, *, check_in, check_out):
    services.activity_signup(activity=activity, volunteer=volunteer, actor=user)
    clock.set(check_in)
    services.check_in(activity=activity, volunteer=volunteer, code=activity.checkin_code, actor=user)
    clock.set(check_out)
    return services.check_out(activity=activity, volunteer=volunteer, code=activity.checkin_code, actor=user)


# --- registration ---------------------------------------------------------------------------------------------

def test_registration_takes_real_name_checked_id_and_verified_mobile_tiaoli_art7(volunteer_user):
    """条例第七条: a volunteer registers identity, skills, availability and contact; the name, ID number and
    mobile come from the portal account (its mobile was verified by SMS at sign-up)."""
    volunteer = services.volunteer_register(user=volunteer_user, skills="交通劝导", availability="周末")
    assert volunteer.user.id_number == volunteer_user.id_number and volunteer.skills == "交通劝导"
    event = AuditEvent.objects.get(action="volunteers.registered")
    assert volunteer_user.id_number not in str(event.changes)  # masked in the audit trail


def test_registration_refuses_an_account_without_a_valid_id_number(db):
    user = make_volunteer_user("13907340009")
    user.id_number = "430481199001010010"  # wrong check character
    user.save()
    with pytest.raises(ValidationFailed) as exc:
        services.volunteer_register(user=user)
    assert exc.value.code == "identity_incomplete"
    assert not Volunteer.objects.exists()


def test_staff_cannot_register_as_a_volunteer(manager):
    with pytest.raises(PermissionDenied):
        services.volunteer_register(user=manager)


def test_minor_needs_guardian_consent_minfadian_art19_tiaoli_art15(db):
    """民法典第十九条 (a minor acts with the guardian's consent) and 条例第十五条 (activities fit the volunteer's
    age): a volunteer under 18 registers only with the guardian's recorded consent."""
    born = (timezone.localdate() - datetime.timedelta(days=16 * 366)).strftime("%Y%m%d")
    user = make_volunteer_user("13907340010", born=born)
    with pytest.raises(ValidationFailed) as exc:
        services.volunteer_register(user=user, guardian_name="刘父", guardian_mobile="13907340011")
    assert exc.value.code == "guardian_consent_required" and not Volunteer.objects.exists()
    with pytest.raises(ValidationFailed):
        services.volunteer_register(user=user, guardian_name="刘父", guardian_mobile="123", guardian_consent=True)
    volunteer = services.volunteer_register(user=user, guardian_name="刘父", guardian_mobile="13907340011",
                                            guardian_consent=True)
    assert volunteer.guardian_consent_at is not None and volunteer.guardian_name == "刘父"


def test_adult_needs_no_guardian(volunteer):
    assert volunteer.guardian_consent_at is None


# --- teams -----------------------------------------------------------------------------------------------------

def test_only_administrators_create_teams(manager):
    with pytest.raises(PermissionDenied):
        services.team_create(name="x", unit_name="y", actor=manager)


def test_manager_approves_members_of_their_own_team_only(team, other_manager, manager, volunteer, volunteer_user):
    membership = services.membership_request(team=team, volunteer=volunteer, actor=volunteer_user)
    with pytest.raises(PermissionDenied):
        services.membership_decide(membership=membership, approve=True, actor=other_manager)
    assert services.membership_decide(membership=membership, approve=True, actor=manager).status == "approved"
    with pytest.raises(Conflict):
        services.membership_request(team=team, volunteer=volunteer, actor=volunteer_user)


# --- activities and attendance ---------------------------------------------------------------------------------

def test_publish_validates_at_the_boundary(team, manager, start):
    with pytest.raises(ValidationFailed):
        publish(team, manager, start, hours=-1)
    with pytest.raises(ValidationFailed):
        publish(team, manager, start, needed=0)
    with pytest.raises(ValidationFailed):
        publish(team, manager, start, title="长" * 101)
    with pytest.raises(PermissionDenied):
        publish(team, make_volunteer_user("13907340020"), start)


def test_check_in_twice_is_refused_and_changes_nothing(activity, volunteer, volunteer_user, clock, start):
    services.activity_signup(activity=activity, volunteer=volunteer, actor=volunteer_user)
    clock.set(start - 5 * MIN)
    services.check_in(activity=activity, volunteer=volunteer, code=activity.checkin_code, actor=volunteer_user)
    clock.set(start + 10 * MIN)
    with pytest.raises(Conflict) as exc:
        services.check_in(activity=activity, volunteer=volunteer, code=activity.checkin_code, actor=volunteer_user)
    assert exc.value.code == "already_checked_in"
    assert Participation.objects.get().checked_in_at == start - 5 * MIN  # the first time stands


def test_check_out_without_check_in_is_refused(activity, volunteer, volunteer_user, clock, start):
    services.activity_signup(activity=activity, volunteer=volunteer, actor=volunteer_user)
    clock.set(start + 30 * MIN)
    with pytest.raises(Conflict) as exc:
        services.check_out(activity=activity, volunteer=volunteer, code=activity.checkin_code, actor=volunteer_user)
    assert exc.value.code == "not_checked_in"
    row = Participation.objects.get()
    assert row.status == "signed_up" and row.checked_out_at is None and row.hours is None


def test_check_in_needs_the_activity_code_and_the_server_time(activity, volunteer, volunteer_user, clock, start):
    services.activity_signup(activity=activity, volunteer=volunteer, actor=volunteer_user)
    with pytest.raises(PermissionDenied):
        services.check_in(activity=activity, volunteer=volunteer, code="forged", actor=volunteer_user)
    clock.set(start - 2 * datetime.timedelta(hours=1))
    with pytest.raises(Conflict) as exc:
        services.check_in(activity=activity, volunteer=volunteer, code=activity.checkin_code, actor=volunteer_user)
    assert exc.value.code == "checkin_not_open"
    clock.set(start + 3 * MIN)
    done = services.check_in(activity=activity, volunteer=volunteer, code=activity.checkin_code, actor=volunteer_user)
    assert done.checked_in_at == start + 3 * MIN  # the server's clock, nothing from the client


def test_overlapping_activities_for_one_person_are_refused(team, manager, activity, volunteer, volunteer_user, start):
    services.activity_signup(activity=activity, volunteer=volunteer, actor=volunteer_user)
    clash = publish(team, manager, start + datetime.timedelta(hours=1), title="重叠的活动")
    with pytest.raises(Conflict) as exc:
        services.activity_signup(activity=clash, volunteer=volunteer, actor=volunteer_user)
    assert exc.value.code == "overlapping_activity" and "文明交通劝导" in exc.value.message
    assert not Participation.objects.filter(activity=clash).exists()
    later = publish(team, manager, start + datetime.timedelta(hours=2), title="紧接着的活动")
    services.activity_signup(activity=later, volunteer=volunteer, actor=volunteer_user)  # touching is fine


def test_full_activity_and_second_sign_up_are_refused(team, manager, start, volunteer, volunteer_user):
    small = publish(team, manager, start, needed=1)
    services.activity_signup(activity=small, volunteer=volunteer, actor=volunteer_user)
    with pytest.raises(Conflict):
        services.activity_signup(activity=small, volunteer=volunteer, actor=volunteer_user)
    other = services.volunteer_register(user=make_volunteer_user("13907340002", n=2))
    with pytest.raises(Conflict) as exc:
        services.activity_signup(activity=small, volunteer=other, actor=other.user)
    assert exc.value.code == "activity_full"


def test_hours_are_actual_service_time_without_travel_banfa(activity, volunteer, volunteer_user, clock, start):
    """办法（试行）: service hours are the time actually served, in hours, travel excluded. Gathering before
    the start and a late check-out after the end do not count; one decimal."""
    done = _served(activity, volunteer, volunteer_user, clock, check_in=start - 20 * MIN,
                   check_out=start + datetime.timedelta(hours=1, minutes=44))
    assert done.hours == Decimal("1.7")
    assert services.served_hours(activity, start - 20 * MIN, start + datetime.timedelta(hours=5)) == Decimal("2.0")


# --- confirmation and corrections ------------------------------------------------------------------------------

def test_manager_confirms_hours_audited_and_hours_over_the_span_are_refused(
        activity, volunteer, volunteer_user, clock, start, manager, other_manager):
    done = _served(activity, volunteer, volunteer_user, clock, check_in=start, check_out=start + 90 * MIN)
    with pytest.raises(PermissionDenied):
        services.hours_confirm(participation=done, actor=other_manager)  # a manager of another team
    with pytest.raises(ValidationFailed) as exc:
        services.hours_confirm(participation=done, actor=manager, hours="2.5")
    assert exc.value.code == "hours_over_span"
    assert Participation.objects.get().status == "checked_out"
    confirmed = services.hours_confirm(participation=done, actor=manager)
    assert confirmed.hours == Decimal("1.5") and confirmed.confirmed_by == manager
    assert AuditEvent.objects.filter(action="volunteers.hours_confirmed", object_id=str(done.pk)).exists()
    with pytest.raises(Conflict):
        services.hours_confirm(participation=confirmed, actor=manager)


def test_recording_after_the_deadline_needs_a_reason_banfa(activity, volunteer, volunteer_user, clock, start, manager):
    """办法（试行）第三条 (及时): hours are recorded within the deadline after the activity (20 working days by
    default, VOLUNTEER_RECORD_DEADLINE_WORKDAYS); later, the reason for the delay is required and kept."""
    done = _served(activity, volunteer, volunteer_user, clock, check_in=start, check_out=start + 60 * MIN)
    deadline = services.record_deadline(activity)
    assert deadline > timezone.localdate() + datetime.timedelta(days=20)  # 20 working days are 4 weeks or more
    clock.set(timezone.make_aware(datetime.datetime.combine(deadline + datetime.timedelta(days=1),
                                                            datetime.time(10))))
    with pytest.raises(ValidationFailed) as exc:
        services.hours_confirm(participation=done, actor=manager)
    assert exc.value.code == "late_reason_required"
    confirmed = services.hours_confirm(participation=done, actor=manager, late_reason="签到表迟交")
    assert confirmed.late_reason == "签到表迟交"


def test_correction_keeps_both_versions_with_its_reason(activity, volunteer, volunteer_user, clock, start, manager):
    done = _served(activity, volunteer, volunteer_user, clock, check_in=start, check_out=start + 60 * MIN)
    services.hours_confirm(participation=done, actor=manager)
    with pytest.raises(ValidationFailed):
        services.participation_correct(participation=done, actor=manager, reason="", hours="1.5")
    with pytest.raises(ValidationFailed) as exc:
        services.participation_correct(participation=done, actor=manager, reason="核对", hours="3")
    assert exc.value.code == "hours_over_span" and not Correction.objects.exists()
    correction = services.participation_correct(participation=done, actor=manager, reason="忘记签退，据现场记录更正",
                                                checked_out_at=start + 120 * MIN)
    assert correction.before["hours"] == "1.0" and correction.after["hours"] == "2.0"
    row = Participation.objects.get()
    assert row.hours == Decimal("2.0") and row.status == "confirmed"
    event = AuditEvent.objects.get(action="volunteers.corrected")
    assert event.changes["before"]["hours"] == "1.0" and event.changes["reason"] == "忘记签退，据现场记录更正"


def test_manager_records_a_volunteer_who_could_not_scan(activity, volunteer, volunteer_user, start, manager):
    services.activity_signup(activity=activity, volunteer=volunteer, actor=manager)
    row = Participation.objects.get()
    services.participation_correct(participation=row, actor=manager, reason="手机没电，据纸质签到表",
                                   checked_in_at=start, checked_out_at=start + 45 * MIN)
    row.refresh_from_db()
    assert row.status == "checked_out" and row.hours == Decimal("0.8") and row.added_by == manager


# --- certificates -----------------------------------------------------------------------------------------------

def test_certificate_is_free_signed_numbered_and_matches_confirmed_hours_tiaoli_art19(
        team, manager, activity, volunteer, volunteer_user, clock, start, other_manager):
    """条例第十九条 and 办法（试行）第三条: the 志愿服务记录证明 is issued from the records, truthfully and free of
    charge; it names the volunteer (masked ID), the service, the hours and the issuer, in the department's
    number series, and its signature checks with the public key."""
    with pytest.raises(Conflict):
        services.certificate_issue(volunteer=volunteer, team=team, actor=volunteer_user)  # nothing confirmed yet
    done = _served(activity, volunteer, volunteer_user, clock, check_in=start, check_out=start + 75 * MIN)
    services.hours_confirm(participation=done, actor=manager)
    with pytest.raises(PermissionDenied):
        services.certificate_issue(volunteer=volunteer, team=team, actor=other_manager)
    certificate = services.certificate_issue(volunteer=volunteer, team=team, actor=volunteer_user)
    p = certificate.printed
    assert p["fee"] == "免费出具" and p["total_hours"] == "1.3" == str(certificate.total_hours)
    assert p["records"] == [[start.date().isoformat(), "文明交通劝导", "金阳路口", "文明劝导与交通劝导", "1.3"]]
    assert p["volunteer"]["id_number"] == "4304**********" + volunteer_user.id_number[-4:]
    assert p["issuer"] == "耒阳市民政局救助管理站"
    assert p["number"] == f"湘民志证字〔{timezone.localdate().year}〕0001号"
    assert p["verify_url"].endswith(f"/verify/{certificate.token}")
    assert signing.signature_valid(p, certificate.signature, signing.signing_key().public_key())
    assert AuditEvent.objects.filter(action="volunteers.certificate_issued").count() == 1
    second = services.certificate_issue(volunteer=volunteer, team=team, actor=manager)
    assert second.printed["number"].endswith("0002号")


# --- withdrawal, cancellation, training and commendations ------------------------------------------------------

def test_withdrawal_frees_the_place_and_is_refused_after_check_in(team, manager, start, volunteer, volunteer_user,
                                                                  clock):
    small = publish(team, manager, start, needed=1)
    row = services.activity_signup(activity=small, volunteer=volunteer, actor=volunteer_user)
    services.signup_withdraw(participation=row, actor=volunteer_user)
    other = services.volunteer_register(user=make_volunteer_user("13907340002", n=2))
    taken = services.activity_signup(activity=small, volunteer=other, actor=other.user)  # the freed place
    clock.set(start)
    services.check_in(activity=small, volunteer=other, code=small.checkin_code, actor=other.user)
    with pytest.raises(Conflict):
        services.signup_withdraw(participation=taken, actor=other.user)
    with pytest.raises(PermissionDenied):
        services.signup_withdraw(participation=taken, actor=volunteer_user)  # not theirs


def test_cancelling_withdraws_sign_ups_and_needs_a_reason(activity, volunteer, volunteer_user, manager, clock, start):
    services.activity_signup(activity=activity, volunteer=volunteer, actor=volunteer_user)
    with pytest.raises(ValidationFailed):
        services.activity_cancel(activity=activity, reason=" ", actor=manager)
    services.activity_cancel(activity=activity, reason="暴雨红色预警", actor=manager)
    assert Participation.objects.get().status == "withdrawn"
    with pytest.raises(Conflict):
        services.activity_signup(activity=activity, volunteer=volunteer, actor=volunteer_user)


def test_training_and_commendations_are_recorded_for_members_banfa_art4(team, manager, other_manager, volunteer,
                                                                        volunteer_user):
    """办法（试行）第四条: the record includes training and commendations."""
    today = timezone.localdate()
    with pytest.raises(Conflict):
        services.entry_add(team=team, volunteer=volunteer, kind="training", title="交通劝导培训", on=today,
                           actor=manager)  # not a member yet
    membership = services.membership_request(team=team, volunteer=volunteer, actor=volunteer_user)
    services.membership_decide(membership=membership, approve=True, actor=manager)
    with pytest.raises(PermissionDenied):
        services.entry_add(team=team, volunteer=volunteer, kind="training", title="x", on=today, actor=other_manager)
    with pytest.raises(ValidationFailed):
        services.entry_add(team=team, volunteer=volunteer, kind="training", title="x",
                           on=today + datetime.timedelta(days=1), actor=manager)
    entry = services.entry_add(team=team, volunteer=volunteer, kind="commendation", title="优秀志愿者", on=today,
                               actor=manager)
    assert entry.get_kind_display() and AuditEvent.objects.filter(action="volunteers.entry_recorded").exists()
