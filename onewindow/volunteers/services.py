"""Every write of volunteer service: registration, teams and members, activities, check-in and out,
hours (confirmation and corrections) and the 志愿服务记录证明.

Each service runs in one transaction, locks the rows it decides on, refuses with a `core.errors`
exception that changes nothing, and audits the change in the same transaction. Times of check-in and
check-out are the server's (`clock.now()`), never the client's.
"""

import datetime
import secrets
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from onewindow.accounts.models import Role, User
from onewindow.accounts.permissions import require_staff_api
from onewindow.audit.services import audit_log
from onewindow.cases.conf import document_prefix
from onewindow.certificates.services import verify_url
from onewindow.core import clock, signing
from onewindow.core.errors import Conflict, PermissionDenied, ValidationFailed
from onewindow.core.masking import mask_id_number
from onewindow.core.mobile import mobile_ok
from onewindow.core.sequences import sequence_next
from onewindow.core.tokens import printable_token
from onewindow.core.uploads import atomic_files, check_upload
from onewindow.registry.identifiers import check_id_number
from onewindow.workdays.services import add_working_days

from . import conf
from .models import (
    Activity,
    ActivityKind,
    ActivityPhoto,
    Correction,
    Membership,
    Participation,
    RecordCertificate,
    RecordEntry,
    Team,
    Volunteer,
)

RECORD_FORMAT = "onewindow-volunteer-record/1"
CERTIFICATE_TITLE = "志愿服务记录证明"
TENTH = Decimal("0.1")


# --- helpers -----------------------------------------------------------------------------------------

def _text(value, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(_("%(field)s is required.") % {"field": label}, code="required",
                               details={field: "required"})
    if len(value) > max_length:
        raise ValidationFailed(_("%(field)s has at most %(n)d characters.") % {"field": label, "n": max_length},
                               code="too_long", details={field: "too_long"})
    return value


def birth_date(id_number: str) -> datetime.date:
    return datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def age_on(id_number: str, day: datetime.date) -> int:
    born = birth_date(id_number)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def is_minor(id_number: str, day: datetime.date) -> bool:
    """Under 18 on `day` by the birth date in a valid ID number (民法典第十七条)."""
    return check_id_number(id_number).ok and age_on(id_number, day) < conf.ADULT_AGE


def is_manager(user, team: Team) -> bool:
    return bool(getattr(user, "is_staff_member", False)) and team.managers.filter(pk=user.pk).exists()


def _require_manager(user, team: Team) -> None:
    if not is_manager(user, team):
        raise PermissionDenied(_("Only a manager of this team may do this."), code="not_team_manager")


def _round_hours(seconds: float) -> Decimal:
    """Hours to one decimal (办法: 以小时为计量单位), half up."""
    return (Decimal(max(seconds, 0)) / Decimal(3600)).quantize(TENTH, rounding=ROUND_HALF_UP)


def served_hours(activity: Activity, checked_in_at, checked_out_at) -> Decimal:
    """Actual time served within the activity: time before the start (gathering, travel) or after the end
    does not count (办法: 实际提供志愿服务的时间，不包括往返交通时间)."""
    start = max(checked_in_at, activity.starts_at)
    end = min(checked_out_at, activity.ends_at)
    return _round_hours((end - start).total_seconds())


def span_hours(activity: Activity) -> Decimal:
    return _round_hours((activity.ends_at - activity.starts_at).total_seconds())


def _parse_hours(value) -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("Enter the hours as a number, e.g. 1.5."), code="bad_hours",
                               details={"hours": "invalid"}) from None
    if not hours.is_finite() or hours < 0 or hours != hours.quantize(TENTH):
        raise ValidationFailed(_("Enter the hours as a number with at most one decimal, e.g. 1.5."),
                               code="bad_hours", details={"hours": "invalid"})
    return hours


def _check_within_span(activity: Activity, hours: Decimal) -> None:
    span = span_hours(activity)
    if hours > span:
        raise ValidationFailed(
            _("%(hours)s hours is more than the activity lasted (%(span)s hours).") % {"hours": hours, "span": span},
            code="hours_over_span", details={"hours": str(hours), "span": str(span)})


def record_deadline(activity: Activity) -> datetime.date:
    """The last day to record (confirm) the hours: N working days after the activity ends."""
    ended = timezone.localtime(activity.ends_at).date()
    return add_working_days(ended, conf.record_deadline_workdays()).date


# --- volunteers ----------------------------------------------------------------------------------------

def volunteer_register(*, user: User, skills: str = "", availability: str = "", guardian_name: str = "",
                       guardian_mobile: str = "", guardian_consent: bool = False) -> Volunteer:
    """A portal applicant becomes a volunteer. Name, ID number and mobile come from the account (the
    mobile was verified by SMS at portal sign-up); a minor needs the guardian's recorded consent."""
    if not user.is_authenticated or user.kind != User.Kind.APPLICANT or not user.is_active:
        raise PermissionDenied(_("Sign in with a portal account to register as a volunteer."), code="not_applicant")
    skills = _text(skills, field="skills", label=_("Skills"), max_length=200, required=False)
    availability = _text(availability, field="availability", label=_("Availability"), max_length=200,
                         required=False)
    if not user.full_name or not check_id_number(user.id_number).ok or not mobile_ok(user.mobile):
        raise ValidationFailed(_("Volunteers register with their real name, ID number and verified mobile; "
                                 "this account lacks them. Sign up as a natural person first."),
                               code="identity_incomplete")
    minor = is_minor(user.id_number, clock.today())
    fields = {"skills": skills, "availability": availability}
    if minor:
        guardian_name = _text(guardian_name, field="guardian_name", label=_("Guardian name"), max_length=50)
        guardian_mobile = (guardian_mobile or "").strip()
        if not mobile_ok(guardian_mobile):
            raise ValidationFailed(_("Enter the guardian's 11-digit mobile number."), code="bad_mobile",
                                   details={"guardian_mobile": "invalid"})
        if not guardian_consent:
            raise ValidationFailed(_("A volunteer under 18 needs the guardian's consent."),
                                   code="guardian_consent_required", details={"guardian_consent": "required"})
        fields.update(guardian_name=guardian_name, guardian_mobile=guardian_mobile,
                      guardian_consent_at=clock.now())
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        volunteer, created = Volunteer.objects.update_or_create(user=locked, defaults=fields)
        audit_log(action="volunteers.registered" if created else "volunteers.profile_updated", actor=locked,
                  obj=volunteer, changes={"minor": minor, "guardian_consent": bool(fields.get("guardian_consent_at")),
                                          "id_number": mask_id_number(locked.id_number)})
    return volunteer


# --- teams -----------------------------------------------------------------------------------------------

def team_create(*, name: str, unit_name: str, actor, organisation=None, contact: str = "", description: str = "",
                managers=()) -> Team:
    """Administrators set up a team and name its managers (staff accounts)."""
    require_staff_api(actor, Role.ADMINISTRATOR)
    name = _text(name, field="name", label=_("Team name"), max_length=100)
    unit_name = _text(unit_name, field="unit_name", label=_("Organisation or unit"), max_length=100)
    managers = list(managers)
    if any(not m.is_staff_member for m in managers):
        raise ValidationFailed(_("Team managers must be staff accounts."), code="manager_not_staff")
    with transaction.atomic():
        if Team.objects.filter(name=name).exists():
            raise Conflict(_("A team with this name exists."), code="team_exists")
        team = Team.objects.create(name=name, unit_name=unit_name, organisation=organisation,
                                   contact=_text(contact, field="contact", label=pgettext("volunteers", "Contact"), max_length=100,
                                                 required=False),
                                   description=_text(description, field="description", label=pgettext("volunteers", "Description"),
                                                     max_length=500, required=False))
        team.managers.set(managers)
        audit_log(action="volunteers.team_created", actor=actor, obj=team,
                  changes={"unit": unit_name, "managers": [m.username for m in managers]})
    return team


def team_update(*, team: Team, actor, managers=None, **fields) -> Team:
    """Administrators change a team's details or its managers (audited with the changes)."""
    require_staff_api(actor, Role.ADMINISTRATOR)
    limits = {"name": 100, "unit_name": 100, "contact": 100, "description": 500}
    with transaction.atomic():
        locked = Team.objects.select_for_update().get(pk=team.pk)
        before = {name: getattr(locked, name) for name in fields}
        for name, value in fields.items():
            setattr(locked, name, _text(value, field=name, label=name, max_length=limits[name],
                                        required=name in ("name", "unit_name")))
        locked.save()
        changes = {name: [before[name], getattr(locked, name)] for name in fields if before[name] != getattr(locked, name)}
        if managers is not None:
            managers = list(managers)
            if any(not m.is_staff_member for m in managers):
                raise ValidationFailed(_("Team managers must be staff accounts."), code="manager_not_staff")
            old = sorted(locked.managers.values_list("username", flat=True))
            locked.managers.set(managers)
            changes["managers"] = [old, sorted(m.username for m in managers)]
        audit_log(action="volunteers.team_updated", actor=actor, obj=locked, changes=changes)
    return locked


def membership_request(*, team: Team, volunteer: Volunteer, actor) -> Membership:
    if actor.pk != volunteer.user_id:
        raise PermissionDenied()
    with transaction.atomic():
        membership, created = Membership.objects.select_for_update().get_or_create(team=team, volunteer=volunteer)
        if not created and membership.status != Membership.Status.REFUSED:
            raise Conflict(_("You have already applied to join this team."), code="already_applied")
        membership.status = Membership.Status.PENDING
        membership.decided_at = membership.decided_by = None
        membership.save()
        audit_log(action="volunteers.membership_requested", actor=actor, obj=membership)
    return membership


def membership_decide(*, membership: Membership, approve: bool, actor) -> Membership:
    """A team manager approves or refuses a member (recruiting is the team's choice)."""
    _require_manager(actor, membership.team)
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.status != Membership.Status.PENDING:
            raise Conflict(_("This application has already been decided."), code="already_decided")
        locked.status = Membership.Status.APPROVED if approve else Membership.Status.REFUSED
        locked.decided_at, locked.decided_by = clock.now(), actor
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        audit_log(action="volunteers.membership_decided", actor=actor, obj=locked, changes={"status": locked.status})
    return locked


# --- activities ------------------------------------------------------------------------------------------

def activity_publish(*, team: Team, title: str, kind: str, starts_at: datetime.datetime,
                     ends_at: datetime.datetime, place: str, address: str, needed, contact: str,
                     requirements: str = "", actor) -> Activity:
    _require_manager(actor, team)
    title = _text(title, field="title", label=pgettext("volunteers", "Title"), max_length=100)
    if kind not in ActivityKind.values:
        raise ValidationFailed(_("Choose the kind of activity."), code="bad_kind", details={"kind": "invalid"})
    if not isinstance(starts_at, datetime.datetime) or not isinstance(ends_at, datetime.datetime):
        raise ValidationFailed(_("Enter the start and end time."), code="bad_time", details={"starts_at": "invalid"})
    if ends_at <= starts_at:
        raise ValidationFailed(_("The activity must end after it starts."), code="bad_span",
                               details={"ends_at": "before_start"})
    if ends_at - starts_at > datetime.timedelta(hours=24):
        raise ValidationFailed(_("An activity lasts at most 24 hours; publish longer service day by day."),
                               code="bad_span", details={"ends_at": "too_long"})
    try:
        needed = int(needed)
    except (TypeError, ValueError):
        needed = 0
    if not 1 <= needed <= 999:
        raise ValidationFailed(_("The number of volunteers needed is between 1 and 999."), code="bad_needed",
                               details={"needed": "invalid"})
    with transaction.atomic():
        activity = Activity.objects.create(
            team=team, title=title, kind=kind, starts_at=starts_at, ends_at=ends_at,
            place=_text(place, field="place", label=_("Place"), max_length=100),
            address=_text(address, field="address", label=_("Street address"), max_length=200), needed=needed,
            requirements=_text(requirements, field="requirements", label=_("Requirements"), max_length=500,
                               required=False),
            contact=_text(contact, field="contact", label=pgettext("volunteers", "Contact"), max_length=100),
            checkin_code=secrets.token_urlsafe(16), created_by=actor)
        audit_log(action="volunteers.activity_published", actor=actor, obj=activity,
                  changes={"team": team.name, "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()})
    return activity


def _overlapping(volunteer: Volunteer, activity: Activity):
    return (Participation.objects.filter(volunteer=volunteer, starts_at__lt=activity.ends_at,
                                         ends_at__gt=activity.starts_at)
            .exclude(activity=activity).exclude(status=Participation.Status.WITHDRAWN)
            .select_related("activity").first())


def activity_signup(*, activity: Activity, volunteer: Volunteer, actor) -> Participation:
    """The volunteer signs up, or a team manager adds them. Refused: a full or finished activity, a second
    sign-up, and an activity overlapping another of the same person."""
    if actor.pk != volunteer.user_id:
        _require_manager(actor, activity.team)
    with transaction.atomic():
        Volunteer.objects.select_for_update().get(pk=volunteer.pk)  # one person's sign-ups queue
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        if locked.status != Activity.Status.PUBLISHED or locked.ends_at <= clock.now():
            raise Conflict(_("This activity is no longer open for sign-up."), code="activity_closed")
        existing = Participation.objects.filter(activity=locked, volunteer=volunteer).first()
        if existing is not None and existing.status != Participation.Status.WITHDRAWN:
            raise Conflict(_("You have already signed up for this activity."), code="already_signed_up")
        clash = _overlapping(volunteer, locked)
        if clash is not None:
            raise Conflict(_("This activity overlaps “%(title)s” (%(when)s), which you have signed up for.")
                           % {"title": clash.activity.title,
                              "when": timezone.localtime(clash.starts_at).strftime("%Y-%m-%d %H:%M")},
                           code="overlapping_activity")
        taken = (Participation.objects.filter(activity=locked).exclude(status=Participation.Status.WITHDRAWN)
                 .count())
        if taken >= locked.needed:
            raise Conflict(_("All %(n)d places of this activity are taken.") % {"n": locked.needed},
                           code="activity_full")
        added_by = None if actor.pk == volunteer.user_id else actor
        if existing is None:
            participation = Participation.objects.create(activity=locked, volunteer=volunteer, added_by=added_by,
                                                         starts_at=locked.starts_at, ends_at=locked.ends_at)
        else:
            participation = existing
            participation.status, participation.added_by = Participation.Status.SIGNED_UP, added_by
            participation.save(update_fields=["status", "added_by"])
        audit_log(action="volunteers.signed_up", actor=actor, obj=participation,
                  changes={"activity": locked.pk, "added_by_manager": added_by is not None})
    return participation


def signup_withdraw(*, participation: Participation, actor) -> Participation:
    """The volunteer withdraws before checking in (the place is freed)."""
    if actor.pk != participation.volunteer.user_id:
        raise PermissionDenied()
    with transaction.atomic():
        locked = Participation.objects.select_for_update().get(pk=participation.pk)
        if locked.status != Participation.Status.SIGNED_UP:
            raise Conflict(_("Only a sign-up without check-in can be withdrawn."), code="not_withdrawable")
        locked.status = Participation.Status.WITHDRAWN
        locked.save(update_fields=["status"])
        audit_log(action="volunteers.withdrawn", actor=actor, obj=locked)
    return locked


def activity_cancel(*, activity: Activity, reason: str, actor) -> Activity:
    """A team manager cancels an activity before it starts; sign-ups are withdrawn with it."""
    _require_manager(actor, activity.team)
    reason = _text(reason, field="reason", label=_("Reason"), max_length=200)
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        if locked.status != Activity.Status.PUBLISHED or locked.starts_at <= clock.now():
            raise Conflict(_("Only a published activity that has not started can be cancelled."),
                           code="not_cancellable")
        locked.status = Activity.Status.CANCELLED
        locked.save(update_fields=["status"])
        withdrawn = (Participation.objects.filter(activity=locked, status=Participation.Status.SIGNED_UP)
                     .update(status=Participation.Status.WITHDRAWN))
        audit_log(action="volunteers.activity_cancelled", actor=actor, obj=locked,
                  changes={"reason": reason, "sign_ups_withdrawn": withdrawn})
    return locked


def _own_participation(activity: Activity, volunteer: Volunteer, code: str) -> Participation:
    if not code or not secrets.compare_digest(code, activity.checkin_code):
        raise PermissionDenied(_("This check-in code does not belong to the activity; scan the code at the place."),
                               code="bad_checkin_code")
    participation = (Participation.objects.select_for_update()
                     .filter(activity=activity, volunteer=volunteer).exclude(status=Participation.Status.WITHDRAWN)
                     .first())
    if participation is None:
        raise Conflict(_("Sign up for the activity before checking in."), code="not_signed_up")
    return participation


def check_in(*, activity: Activity, volunteer: Volunteer, code: str, actor) -> Participation:
    """Check in by the activity's QR code, at the server's time."""
    if actor.pk != volunteer.user_id:
        raise PermissionDenied()
    now = clock.now()
    with transaction.atomic():
        Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        participation = _own_participation(activity, volunteer, code)
        if participation.status != Participation.Status.SIGNED_UP:
            raise Conflict(_("You have already checked in at %(time)s.")
                           % {"time": timezone.localtime(participation.checked_in_at).strftime("%H:%M")},
                           code="already_checked_in")
        if now < activity.starts_at - datetime.timedelta(minutes=conf.checkin_early_minutes()):
            raise Conflict(_("Check-in opens %(n)d minutes before the activity starts.")
                           % {"n": conf.checkin_early_minutes()}, code="checkin_not_open")
        if now >= activity.ends_at:
            raise Conflict(_("The activity has ended; check-in is closed."), code="checkin_closed")
        elsewhere = (Participation.objects.filter(volunteer=volunteer, status=Participation.Status.CHECKED_IN)
                     .exclude(pk=participation.pk).select_related("activity").first())
        if elsewhere is not None:
            raise Conflict(_("You are still checked in at “%(title)s”; check out there first.")
                           % {"title": elsewhere.activity.title}, code="overlapping_activity")
        participation.status, participation.checked_in_at = Participation.Status.CHECKED_IN, now
        participation.save(update_fields=["status", "checked_in_at"])
        audit_log(action="volunteers.checked_in", actor=actor, obj=participation, changes={"at": now.isoformat()})
    return participation


def check_out(*, activity: Activity, volunteer: Volunteer, code: str, actor) -> Participation:
    """Check out by the same QR code, at the server's time; the hours served are computed for the manager."""
    if actor.pk != volunteer.user_id:
        raise PermissionDenied()
    now = clock.now()
    with transaction.atomic():
        participation = _own_participation(activity, volunteer, code)
        if participation.status == Participation.Status.SIGNED_UP:
            raise Conflict(_("You have not checked in, so you cannot check out."), code="not_checked_in")
        if participation.status != Participation.Status.CHECKED_IN:
            raise Conflict(_("You have already checked out."), code="already_checked_out")
        if now > activity.ends_at + datetime.timedelta(hours=conf.checkout_grace_hours()):
            raise Conflict(_("Check-out closed %(n)d hours after the activity ended; ask the team manager to "
                             "record your time.") % {"n": conf.checkout_grace_hours()}, code="checkout_closed")
        participation.status, participation.checked_out_at = Participation.Status.CHECKED_OUT, now
        participation.hours = served_hours(activity, participation.checked_in_at, now)
        participation.save(update_fields=["status", "checked_out_at", "hours"])
        audit_log(action="volunteers.checked_out", actor=actor, obj=participation,
                  changes={"at": now.isoformat(), "hours": str(participation.hours)})
    return participation


def hours_confirm(*, participation: Participation, actor, hours=None, late_reason: str = "") -> Participation:
    """A team manager confirms the hours of a checked-out volunteer (the computed hours unless given).
    After the recording deadline a reason for the delay is required and kept."""
    activity = participation.activity
    _require_manager(actor, activity.team)
    late_reason = _text(late_reason, field="late_reason", label=_("Reason for late recording"), max_length=200,
                        required=False)
    with transaction.atomic():
        locked = Participation.objects.select_for_update().select_related("activity").get(pk=participation.pk)
        if locked.status == Participation.Status.CONFIRMED:
            raise Conflict(_("These hours are already confirmed; change them by a correction with a reason."),
                           code="already_confirmed")
        if locked.status != Participation.Status.CHECKED_OUT:
            raise Conflict(_("Only the hours of a volunteer who checked in and out can be confirmed."),
                           code="not_checked_out")
        value = locked.hours if hours in (None, "") else _parse_hours(hours)
        _check_within_span(activity, value)
        deadline = record_deadline(activity)
        if clock.today() > deadline and not late_reason:
            raise ValidationFailed(_("The recording deadline (%(date)s) has passed; give the reason for the delay.")
                                   % {"date": deadline.isoformat()}, code="late_reason_required",
                                   details={"late_reason": "required"})
        before = str(locked.hours)
        locked.hours, locked.status = value, Participation.Status.CONFIRMED
        locked.confirmed_at, locked.confirmed_by, locked.late_reason = clock.now(), actor, late_reason
        locked.save(update_fields=["hours", "status", "confirmed_at", "confirmed_by", "late_reason"])
        audit_log(action="volunteers.hours_confirmed", actor=actor, obj=locked,
                  changes={"computed": before, "confirmed": str(value), "late_reason": late_reason})
    return locked


def _version(p: Participation) -> dict:
    return {"checked_in_at": p.checked_in_at.isoformat() if p.checked_in_at else None,
            "checked_out_at": p.checked_out_at.isoformat() if p.checked_out_at else None,
            "hours": None if p.hours is None else str(p.hours), "status": p.status}


def participation_correct(*, participation: Participation, reason: str, actor, checked_in_at=None,
                          checked_out_at=None, hours=None) -> Correction:
    """A team manager corrects a check-in or check-out time or the hours, with a reason; the versions
    before and after are both kept (Correction) and audited."""
    activity = participation.activity
    _require_manager(actor, activity.team)
    reason = _text(reason, field="reason", label=_("Reason"), max_length=200)
    with transaction.atomic():
        locked = Participation.objects.select_for_update().get(pk=participation.pk)
        if locked.status in (Participation.Status.SIGNED_UP, Participation.Status.WITHDRAWN) and not checked_in_at:
            raise Conflict(_("Record at least the check-in time of a volunteer who did not check in."),
                           code="not_checked_in")
        before = _version(locked)
        new_in = checked_in_at or locked.checked_in_at
        new_out = checked_out_at or locked.checked_out_at
        if new_out is not None and new_out <= new_in:
            raise ValidationFailed(_("The check-out time must be after the check-in time."), code="bad_time",
                                   details={"checked_out_at": "before_check_in"})
        if new_in >= activity.ends_at or (new_out is not None and new_out <= activity.starts_at):
            raise ValidationFailed(_("The times must fall within the activity."), code="bad_time",
                                   details={"checked_in_at": "outside"})
        if hours not in (None, ""):
            value = _parse_hours(hours)
        elif new_out is not None:
            value = served_hours(activity, new_in, new_out)
        else:
            value = None
        if value is not None:
            _check_within_span(activity, value)
        locked.checked_in_at, locked.checked_out_at, locked.hours = new_in, new_out, value
        if locked.status in (Participation.Status.SIGNED_UP, Participation.Status.WITHDRAWN):
            locked.status = Participation.Status.CHECKED_IN
        if locked.status == Participation.Status.CHECKED_IN and new_out is not None:
            locked.status = Participation.Status.CHECKED_OUT
        after = _version(locked)
        if after == before:
            raise ValidationFailed(_("The correction changes nothing."), code="no_change")
        locked.save(update_fields=["checked_in_at", "checked_out_at", "hours", "status"])
        correction = Correction.objects.create(participation=locked, before=before, after=after, reason=reason,
                                               actor=actor)
        audit_log(action="volunteers.corrected", actor=actor, obj=locked,
                  changes={"before": before, "after": after, "reason": reason})
    return correction


def activity_record(*, activity: Activity, summary: str, feedback: str, actor) -> Activity:
    """After the activity: what was done and the public's feedback."""
    _require_manager(actor, activity.team)
    summary = _text(summary, field="summary", label=_("What was done"), max_length=2000)
    feedback = _text(feedback, field="feedback", label=_("The public's feedback"), max_length=2000, required=False)
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        if locked.ends_at > clock.now():
            raise Conflict(_("The record is written after the activity ends."), code="not_ended")
        locked.summary, locked.feedback, locked.recorded_at = summary, feedback, clock.now()
        locked.save(update_fields=["summary", "feedback", "recorded_at"])
        audit_log(action="volunteers.activity_recorded", actor=actor, obj=locked)
    return locked


def activity_photo_add(*, activity: Activity, name: str, content: bytes, caption: str, actor) -> ActivityPhoto:
    """A photo of the activity (JPEG or PNG, checked by content, size and name)."""
    _require_manager(actor, activity.team)
    caption = _text(caption, field="caption", label=_("Caption"), max_length=100, required=False)
    checked = check_upload(name=name, content=content)
    if checked.content_type not in ("image/jpeg", "image/png"):
        raise ValidationFailed(_("A photo must be a JPEG or PNG image."), code="upload_type_refused")
    with atomic_files(), transaction.atomic():
        photo = ActivityPhoto(activity=activity, caption=caption, sha256=checked.sha256)
        photo.image.save(checked.stored_name, ContentFile(checked.content), save=False)
        photo.save()
        audit_log(action="volunteers.photo_added", actor=actor, obj=photo, changes={"sha256": checked.sha256})
    return photo


def entry_add(*, team: Team, volunteer: Volunteer, kind: str, title: str, on: datetime.date, actor) -> RecordEntry:
    """A team manager records a training or a commendation of a member of the team."""
    _require_manager(actor, team)
    if kind not in RecordEntry.Kind.values:
        raise ValidationFailed(_("Choose training or commendation."), code="bad_kind", details={"kind": "invalid"})
    title = _text(title, field="title", label=_("Content"), max_length=100)
    if not isinstance(on, datetime.date) or on > clock.today():
        raise ValidationFailed(_("Enter a date that is not in the future."), code="bad_date", details={"on": "invalid"})
    if not Membership.objects.filter(team=team, volunteer=volunteer, status=Membership.Status.APPROVED).exists():
        raise Conflict(_("Only members of the team can be recorded."), code="not_member")
    with transaction.atomic():
        entry = RecordEntry.objects.create(team=team, volunteer=volunteer, kind=kind, title=title, on=on,
                                           recorded_by=actor)
        audit_log(action="volunteers.entry_recorded", actor=actor, obj=entry, changes={"kind": kind, "title": title})
    return entry


# --- certificates ----------------------------------------------------------------------------------------

def _certificate_number(on: datetime.date) -> str:
    """The department's document number series, as on case notices: 湘民志证字〔2026〕0001号."""
    seq = sequence_next(f"doc:volunteer_certificate:{on.year}")
    return f"{document_prefix()}{conf.certificate_words()}字〔{on.year}〕{seq:04d}号"


def _printed_kind(activity: Activity) -> str:
    """The kind of service in Chinese, whatever the language of the request: it is printed data."""
    with translation.override("zh-hans"):
        return str(activity.get_kind_display())


def certificate_issue(*, volunteer: Volunteer, team: Team, actor) -> RecordCertificate:
    """Issue a 志愿服务记录证明, free of charge, from the confirmed records of `team` (who records,
    certifies). The volunteer asks for it themselves, or a team manager issues it for them."""
    if actor.pk != volunteer.user_id:
        _require_manager(actor, team)
    with transaction.atomic():
        Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        rows = list(Participation.objects.filter(volunteer=volunteer, activity__team=team,
                                                 status=Participation.Status.CONFIRMED)
                    .select_related("activity").order_by("starts_at"))
        if not rows:
            raise Conflict(_("There are no confirmed service hours with this team to certify."),
                           code="no_confirmed_hours")
        total = sum((p.hours for p in rows), Decimal("0.0"))
        today = clock.today()
        token = printable_token()
        user = volunteer.user
        payload = {
            "format": RECORD_FORMAT,
            "title": CERTIFICATE_TITLE,
            "number": _certificate_number(today),
            "volunteer": {"name": user.full_name, "id_type": "居民身份证", "id_number": mask_id_number(user.id_number)},
            "records": [[timezone.localtime(p.starts_at).date().isoformat(), p.activity.title, p.activity.place,
                         _printed_kind(p.activity), str(p.hours)] for p in rows],
            "total_hours": str(total),
            "team": team.name,
            "issuer": team.unit_name,
            "issuer_contact": team.contact,
            "department": settings.ONEWINDOW_DEPARTMENT_NAME,
            "issued_on": today.isoformat(),
            "fee": "免费出具",
            "verify_url": verify_url(token),
        }
        signature, key_id = signing.sign(payload)
        certificate = RecordCertificate.objects.create(
            number=payload["number"], token=token, volunteer=volunteer, team=team, total_hours=total, printed=payload,
            signature=signature, key_id=key_id, issued_on=today, issued_by=actor)
        audit_log(action="volunteers.certificate_issued", actor=actor, obj=certificate,
                  changes={"number": certificate.number, "total_hours": str(total), "records": len(rows)})
    return certificate

