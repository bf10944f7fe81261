"""Every write of the ratings app: ratings and default ratings, rectification of bad reviews, appeals,
complaints and reports, and urging. Each runs in a transaction, locks the row it changes, checks who
acts, and appends an audit event in the same transaction.
"""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.accounts.models import Department, Role, User
from onewindow.audit.services import audit_log
from onewindow.cases.models import Case, CaseState, CaseStep, ResultKind
from onewindow.cases.services import sequence_next
from onewindow.core import clock
from onewindow.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from onewindow.exchange.services import outbox_enqueue
from onewindow.stats.services import rollup_days
from onewindow.workdays import services as workdays

from . import conf
from .models import (
    BAD_LEVELS,
    ON_SITE_INDICATORS,
    ONLINE_INDICATORS,
    Appeal,
    Complaint,
    Level,
    Rating,
    RatingChannel,
    RatingWindow,
    Rectification,
    Urging,
)

QR_SALT = "onewindow.ratings.qr"
# Channels an applicant rates through here; phone and SMS ratings arrive from the platform.
APPLICANT_CHANNELS = (RatingChannel.PC, RatingChannel.MOBILE, RatingChannel.QR_CODE, RatingChannel.WINDOW_PAD)
ONLINE_CHANNELS = (RatingChannel.PC, RatingChannel.MOBILE)
TRACKING_PREFIX = {Complaint.Kind.COMPLAINT: "TS", Complaint.Kind.REPORT: "JB"}


def today() -> datetime.date:
    return clock.today()


# --- QR codes and the rating window ----------------------------------------------------------------------

def rating_token(case: Case) -> str:
    """A signed token naming the case: whoever holds the result notice may rate it."""
    return signing.Signer(salt=QR_SALT).sign(case.case_no).rsplit(":", 1)[1]


def rating_token_valid(case: Case, token: str) -> bool:
    try:
        return signing.Signer(salt=QR_SALT).unsign(f"{case.case_no}:{token}") == case.case_no
    except signing.BadSignature:
        return False


def rating_url(case: Case) -> str:
    """The absolute address printed as a QR code on the result notice (送达回证 / decision)."""
    from django.conf import settings

    path = reverse("ratings:rate", args=[case.case_no])
    return f"{settings.ONEWINDOW_PUBLIC_URL.rstrip('/')}{path}?t={rating_token(case)}"


def rating_window_open(*, case: Case) -> RatingWindow:
    """Open the rating period of a completed case (idempotent). Called when a case completes."""
    with transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).filter(pk=case.pk).first()
        if locked is None or locked.state != CaseState.COMPLETED or locked.completed_at is None:
            raise Conflict(_("Only a completed case can be rated."), code="case_not_completed")
        if locked.result_kind == ResultKind.WITHDRAWN:
            raise Conflict(_("A withdrawn application is not rated."), code="case_withdrawn")
        window, created = RatingWindow.objects.get_or_create(case=locked, defaults={
            "opens_at": locked.completed_at,
            "closes_at": locked.completed_at + datetime.timedelta(days=conf.rating_period_days())})
        if created:
            audit_log(action="rating.window_opened", obj=locked, changes={"closes_at": window.closes_at})
    return window


# --- ratings -----------------------------------------------------------------------------------------------

def pad_case(window) -> Case | None:
    """The case just handled at `window`: the latest step by its staff within the pad period."""
    now = clock.now()
    step = (CaseStep.objects.filter(handler__window=window, ended_at__gte=now - datetime.timedelta(minutes=conf.pad_minutes()),
                                    ended_at__lte=now).select_related("case__item_version")
            .order_by("-ended_at", "-id").first())
    return step.case if step else None


def _check_scores(scores: dict | None, channel: str) -> dict:
    allowed = ON_SITE_INDICATORS if channel == RatingChannel.WINDOW_PAD else ONLINE_INDICATORS + ON_SITE_INDICATORS
    clean = {}
    for key, value in (scores or {}).items():
        if key not in allowed or not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise ValidationFailed(_("Indicator scores are whole numbers from 1 to 5 for the listed indicators."),
                                   code="bad_scores", details={"scores": key})
        clean[key] = value
    return clean


def _authorise_rater(case: Case, actor, channel: str, token: str) -> None:
    if channel in ONLINE_CHANNELS:
        if not (case.owner_id and getattr(actor, "pk", None) == case.owner_id):
            raise PermissionDenied(_("Only the applicant of this case can rate it."), code="not_applicant")
    elif channel == RatingChannel.QR_CODE:
        if not rating_token_valid(case, token):
            raise PermissionDenied(_("This rating link is not valid for this case."), code="bad_token")
    elif channel == RatingChannel.WINDOW_PAD:
        window = getattr(actor, "window", None) if getattr(actor, "is_staff_member", False) else None
        current = pad_case(window) if window else None
        if current is None or current.pk != case.pk:
            raise PermissionDenied(_("This pad can only rate the case just handled at its window."),
                                   code="not_pad_case")
    else:
        raise ValidationFailed(_("Ratings through this channel are not taken here."), code="bad_channel")


def _rating_payload(rating: Rating, case: Case) -> dict:
    return {
        "project_no": case.case_no, "satisfaction": rating.level, "rating_channel": rating.channel,
        "evaluate_time": rating.rated_at.isoformat(), "evaluate_text": rating.text,
        "anonymous": rating.anonymous, "evaluate_count": rating.attempt, "indicators": rating.scores,
        "evaluator": "" if rating.anonymous else rating.rater_name, "is_default": rating.channel == "default",
    }


def rating_submit(*, case: Case, actor, channel: str, level: str, scores: dict | None = None, text: str = "",
                  anonymous: bool = False, token: str = "") -> Rating:
    """Rate a case: online (owner account) and QR ratings once per case within the rating period after
    completion, pad ratings once per visit; a second rating replaces the first. A bad review opens a
    rectification in the same transaction."""
    if level not in Level.values:
        raise ValidationFailed(_("Choose one of the five levels."), code="bad_level", details={"level": "invalid"})
    if channel not in APPLICANT_CHANNELS:
        raise ValidationFailed(_("Ratings through this channel are not taken here."), code="bad_channel")
    scores = _check_scores(scores, channel)
    text = (text or "").strip()[:1000]
    with transaction.atomic():
        case = (Case.objects.select_for_update(of=("self",)).select_related("item_version", "owner")
                .filter(pk=case.pk).first())
        if case is None:
            raise NotFound(_("No such case."))
        _authorise_rater(case, actor, channel, token)
        now = clock.now()
        if channel == RatingChannel.WINDOW_PAD:
            visit = timezone.localdate(now).isoformat()
        else:
            visit = ""
            window = RatingWindow.objects.filter(case=case).first() or rating_window_open(case=case)
            if now > window.closes_at:
                raise Conflict(_("The rating period for this case ended on %(day)s.")
                               % {"day": timezone.localdate(window.closes_at)}, code="rating_closed")
        earlier = list(Rating.objects.select_for_update().filter(case=case, visit=visit).order_by("attempt"))
        if not earlier:
            attempt = 1
        elif len(earlier) == 1 and earlier[0].channel != RatingChannel.DEFAULT:
            attempt = 2
        else:
            raise Conflict(_("This case has already been rated."), code="already_rated")
        rater_name = "" if channel == RatingChannel.WINDOW_PAD else str(case.owner or case.applicant_name)
        rating = Rating.objects.create(case=case, visit=visit, attempt=attempt, level=level, channel=channel,
                                       scores=scores, text=text, anonymous=anonymous, rated_at=now,
                                       rated_on=timezone.localdate(now),
                                       rater=actor if channel in ONLINE_CHANNELS else None,
                                       rater_name=rater_name or case.applicant_name)
        if earlier:
            Rating.objects.filter(pk=earlier[0].pk).update(superseded=True)
        rollup_days({rating.rated_on, *(r.rated_on for r in earlier)})
        audit_log(action="rating.submitted", actor=actor if getattr(actor, "pk", None) else None, obj=rating,
                  changes={"case": case.case_no, "level": level, "channel": channel, "attempt": attempt,
                           "visit": visit})
        outbox_enqueue(kind="evaluation", case_no=case.case_no, payload=_rating_payload(rating, case))
        if level in BAD_LEVELS:
            _rectification_open(rating, case)
    return rating


def rating_defaults_record(*, now: datetime.datetime | None = None, batch: int = 500) -> int:
    """Record the default rating for every case whose rating period has ended without a rating; settle
    the window either way. Safe to run concurrently (rows are locked and skipped). Returns defaults made."""
    now = now or clock.now()
    made = 0
    level = conf.default_level()
    while True:
        with transaction.atomic():
            days = set()
            windows = list(RatingWindow.objects.select_for_update(skip_locked=True, of=("self",))
                           .filter(settled=False, closes_at__lt=now).select_related("case")
                           .annotate(rated=Exists(Rating.objects.filter(case=OuterRef("case_id"))))[:batch])
            if not windows:
                return made
            for window in windows:
                if not window.rated:
                    rating = Rating.objects.create(case=window.case, level=level, channel=RatingChannel.DEFAULT,
                                                   rated_at=window.closes_at,
                                                   rated_on=timezone.localdate(window.closes_at), rater_name="")
                    days.add(rating.rated_on)
                    audit_log(action="rating.defaulted", obj=rating,
                              changes={"case": window.case.case_no, "level": level})
                    outbox_enqueue(kind="evaluation", case_no=window.case.case_no,
                                   payload=_rating_payload(rating, window.case))
                    made += 1
            RatingWindow.objects.filter(pk__in=[w.pk for w in windows]).update(settled=True)
            rollup_days(days)


# --- bad-review rectification ----------------------------------------------------------------------------

def _responsible(case: Case) -> tuple[User | None, Department | None, str]:
    """谁办理、谁负责: the handler of the case's last staff step and that person's unit."""
    step = (CaseStep.objects.filter(case=case, handler__isnull=False, handler__kind=User.Kind.STAFF)
            .select_related("handler__department").order_by("-ended_at", "-id").first())
    handler = step.handler if step else None
    department = handler.department if handler else None
    unit = department.name if department else (case.item_version.handling_unit or case.item_version.implementing_body)
    return handler, department, unit


def _rectification_open(rating: Rating, case: Case) -> Rectification:
    handler, department, unit = _responsible(case)
    opened = timezone.localdate(rating.rated_at)
    rect = Rectification.objects.create(
        rating=rating, case=case, department=department, unit_name=unit[:100], handler=handler, opened_on=opened,
        visit_due=workdays.add_working_days(opened, conf.visit_days()).date,
        rectify_due=workdays.add_working_days(opened, conf.rectify_days()).date)
    audit_log(action="rectification.opened", obj=rect,
              changes={"case": case.case_no, "unit": unit, "visit_due": rect.visit_due,
                       "rectify_due": rect.rectify_due})
    return rect


def rectification_light(rect: Rectification, on: datetime.date | None = None) -> str | None:
    """The light of the next deadline: the return visit while open, then the rectification."""
    if rect.state in (Rectification.State.RECTIFIED, Rectification.State.CLOSED):
        return None
    due, limit = ((rect.visit_due, conf.visit_days()) if rect.state == Rectification.State.OPEN
                  else (rect.rectify_due, conf.rectify_days()))
    return workdays.light_for(kind="rectification", due=due, today=on or today(), limit_days=limit).value


def may_handle_rectification(user, rect: Rectification) -> bool:
    """The responsible unit's staff (or, with no unit recorded, the window staff); supervisors oversee."""
    if not getattr(user, "is_staff_member", False):
        return False
    if rect.department_id:
        return user.department_id == rect.department_id
    return user.has_role(Role.CLERK, Role.CHIEF_APPROVER)


def _lock_rect(rect: Rectification) -> Rectification:
    locked = (Rectification.objects.select_for_update(of=("self",)).select_related("rating", "case")
              .filter(pk=rect.pk).first())
    if locked is None:
        raise NotFound(_("No such rectification."))
    return locked


def _unit_only(actor, rect: Rectification) -> None:
    if not may_handle_rectification(actor, rect):
        raise PermissionDenied(_("Only the unit that handled the case can do this."), code="not_responsible_unit")


def rectification_visit(*, rectification: Rectification, actor, note: str) -> Rectification:
    """回访: record the return visit to the applicant."""
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("Record what the applicant said."), code="note_required", details={"note": "required"})
    with transaction.atomic():
        rect = _lock_rect(rectification)
        _unit_only(actor, rect)
        if rect.state != Rectification.State.OPEN:
            raise Conflict(_("The return visit has already been recorded."), code="invalid_state")
        rect.state, rect.visited_at, rect.visit_note = Rectification.State.VISITED, clock.now(), note
        rect.save(update_fields=["state", "visited_at", "visit_note"])
        audit_log(action="rectification.visited", actor=actor, obj=rect, changes={"note": note})
    return rect


def rectification_record(*, rectification: Rectification, actor, outcome: str, note: str) -> Rectification:
    """Record the outcome: fixed at once, fixed by the deadline, or explained (no legal basis).
    A named bad review needs its return visit first (100% return visits)."""
    note = (note or "").strip()
    if outcome not in Rectification.Outcome.values:
        raise ValidationFailed(_("Choose an outcome."), code="bad_outcome", details={"outcome": "invalid"})
    if not note:
        raise ValidationFailed(_("Describe what was done."), code="note_required", details={"note": "required"})
    with transaction.atomic():
        rect = _lock_rect(rectification)
        _unit_only(actor, rect)
        allowed = {Rectification.State.VISITED} | ({Rectification.State.OPEN} if rect.rating.anonymous else set())
        if rect.state not in allowed:
            raise Conflict(_("Record the return visit before the outcome."), code="invalid_state",
                           details={"state": rect.state})
        rect.state, rect.outcome, rect.outcome_note = Rectification.State.RECTIFIED, outcome, note
        rect.rectified_at = clock.now()
        rect.save(update_fields=["state", "outcome", "outcome_note", "rectified_at"])
        audit_log(action="rectification.recorded", actor=actor, obj=rect, changes={"outcome": outcome, "note": note})
    return rect


def rectification_rate_fix(*, rectification: Rectification, actor, level: str, token: str = "") -> Rectification:
    """The applicant rates the fix (case owner account or the case's QR token); closes the rectification."""
    if level not in Level.values:
        raise ValidationFailed(_("Choose one of the five levels."), code="bad_level")
    with transaction.atomic():
        rect = _lock_rect(rectification)
        case = rect.case
        own = case.owner_id and getattr(actor, "pk", None) == case.owner_id
        if not (own or (token and rating_token_valid(case, token))):
            raise PermissionDenied(_("Only the applicant of this case can rate it."), code="not_applicant")
        if rect.state != Rectification.State.RECTIFIED:
            raise Conflict(_("There is no rectification to rate yet."), code="invalid_state")
        rect.state, rect.fix_level, rect.fix_rated_at = Rectification.State.CLOSED, level, clock.now()
        rect.save(update_fields=["state", "fix_level", "fix_rated_at"])
        audit_log(action="rectification.fix_rated", actor=actor if own else None, obj=rect, changes={"level": level})
    return rect


def appeal_file(*, rectification: Rectification, actor, reason: str) -> Appeal:
    """申诉复核: the responsible unit contests the rating as mistaken or malicious."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reasons."), code="reason_required", details={"reason": "required"})
    with transaction.atomic():
        rect = _lock_rect(rectification)
        _unit_only(actor, rect)
        if rect.rating.excluded:
            raise Conflict(_("This rating is already excluded."), code="already_excluded")
        if rect.appeals.filter(state=Appeal.State.PENDING).exists():
            raise Conflict(_("An appeal is already pending."), code="appeal_pending")
        appeal = Appeal.objects.create(rectification=rect, reason=reason, filed_by=actor)
        audit_log(action="rating.appeal_filed", actor=actor, obj=appeal,
                  changes={"case": rect.case.case_no, "reason": reason})
    return appeal


def appeal_decide(*, appeal: Appeal, actor, uphold: bool, note: str) -> Appeal:
    """A supervisor decides. Upheld: the rating stays on record, marked excluded from the figures."""
    if not (getattr(actor, "is_staff_member", False) and actor.has_role(Role.SUPERVISOR)):
        raise PermissionDenied(_("Only a supervisor decides appeals."), code="not_supervisor")
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("Give the reasons."), code="reason_required", details={"note": "required"})
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().filter(pk=appeal.pk).first()
        if locked is None:
            raise NotFound(_("No such appeal."))
        if locked.state != Appeal.State.PENDING:
            raise Conflict(_("This appeal has already been decided."), code="invalid_state")
        rect = _lock_rect(locked.rectification)
        locked.state = Appeal.State.UPHELD if uphold else Appeal.State.REJECTED
        locked.decided_by, locked.decided_at, locked.decision_note = actor, clock.now(), note
        locked.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        if uphold:
            rating = Rating.objects.select_for_update().get(pk=rect.rating_id)
            rating.excluded, rating.excluded_reason = True, note
            rating.save(update_fields=["excluded", "excluded_reason"])
            Rectification.objects.filter(pk=rect.pk).update(state=Rectification.State.CLOSED)
            rollup_days({rating.rated_on})
            audit_log(action="rating.excluded", actor=actor, obj=rating,
                      changes={"case": rect.case.case_no, "reason": note, "appeal": locked.pk})
        audit_log(action="rating.appeal_decided", actor=actor, obj=locked,
                  changes={"state": locked.state, "note": note})
    return locked


# --- complaints and reports --------------------------------------------------------------------------------

def _mobile_ok(value: str) -> bool:
    return len(value) == 11 and value.isdigit() and value.startswith("1")


def query_code_hash(tracking_no: str, code: str) -> str:
    """Keyed hash of an anonymous report's query code: a copied table does not reveal the codes."""
    return hmac.new(settings.SECRET_KEY.encode(), f"complaint:{tracking_no}:{code}".encode(),
                    hashlib.sha256).hexdigest()


def complaint_create(*, kind: str, source: str, subject: str, content: str, actor=None,
                     category: str = Complaint.Category.OTHER, case_no: str = "", anonymous: bool = False,
                     person_name: str = "", person_mobile: str = "") -> Complaint:
    """投诉 / 举报 intake with a tracking number. Reports may be anonymous; complaints need a contact."""
    errors = {}
    subject, content = (subject or "").strip(), (content or "").strip()
    person_name, person_mobile = (person_name or "").strip(), (person_mobile or "").strip()
    if kind not in Complaint.Kind.values:
        errors["kind"] = _("Choose complaint or report.")
    if category not in Complaint.Category.values:
        errors["category"] = _("Choose a category.")
    if not subject:
        errors["subject"] = _("Enter a subject.")
    if not content:
        errors["content"] = _("Describe what happened.")
    if anonymous and kind == Complaint.Kind.COMPLAINT:
        errors["anonymous"] = _("Only reports can be anonymous; a complaint needs a contact for the reply.")
    if not anonymous and not person_name:
        errors["person_name"] = _("Enter your name.")
    if person_mobile and not _mobile_ok(person_mobile):
        errors["person_mobile"] = _("Enter an 11-digit mobile number.")
    if not anonymous and not person_mobile:
        errors["person_mobile"] = _("Enter an 11-digit mobile number.")
    case = None
    if case_no.strip():
        case = Case.objects.filter(case_no=case_no.strip()).first()
        if case is None:
            errors["case_no"] = _("No case has this number.")
    if source not in Complaint.Source.values:
        errors["source"] = _("Unknown source.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), details=errors)
    if source == Complaint.Source.WINDOW and not getattr(actor, "is_staff_member", False):
        raise PermissionDenied(_("Window intake is for staff."), code="not_staff")
    with transaction.atomic():
        day = today()
        prefix = f"{TRACKING_PREFIX[kind]}{day:%Y%m%d}"
        tracking = f"{prefix}{sequence_next(f'complaint:{prefix}'):04d}"
        # Without a mobile the reporter proves the report with a random code, shown once on the success page.
        code = f"{secrets.randbelow(10**6):06d}" if not person_mobile else ""
        complaint = Complaint.objects.create(
            kind=kind, tracking_no=tracking, source=source, category=category, subject=subject[:200],
            content=content, case=case, anonymous=anonymous, person_name=person_name[:50],
            person_mobile=person_mobile, created_at=clock.now(),
            submitted_by=actor if getattr(actor, "kind", None) == User.Kind.APPLICANT else None,
            due_on=workdays.add_working_days(day, conf.complaint_days()).date,
            query_code_hash=query_code_hash(tracking, code) if code else "")
        complaint.query_code = code  # not stored: the caller shows it once
        # Identity is not written to the audit trail: the trail is readable beyond the supervisor role.
        audit_log(action=f"{kind}.received", actor=actor if getattr(actor, "pk", None) else None, obj=complaint,
                  changes={"source": source, "category": category, "anonymous": anonymous,
                           "case": case.case_no if case else ""})
    return complaint


def identity_visible(user, complaint: Complaint) -> bool:
    """An anonymous reporter's identity is for the supervisor role only."""
    if complaint.anonymous:
        return getattr(user, "is_staff_member", False) and user.has_role(Role.SUPERVISOR)
    return getattr(user, "is_staff_member", False)


def may_handle_complaint(user, complaint: Complaint) -> bool:
    if not getattr(user, "is_staff_member", False):
        return False
    if user.has_role(Role.SUPERVISOR):
        return True
    return complaint.assignee_id == user.pk or (complaint.department_id is not None
                                                and complaint.department_id == user.department_id)


def _lock_complaint(complaint: Complaint) -> Complaint:
    locked = Complaint.objects.select_for_update().filter(pk=complaint.pk).first()
    if locked is None:
        raise NotFound(_("No such complaint."))
    return locked


def complaint_assign(*, complaint: Complaint, actor, department: Department, assignee: User | None = None) -> Complaint:
    """A supervisor assigns the complaint to a unit (and optionally a person in it)."""
    if not (getattr(actor, "is_staff_member", False) and actor.has_role(Role.SUPERVISOR)):
        raise PermissionDenied(_("Only a supervisor assigns complaints."), code="not_supervisor")
    if assignee is not None and (not assignee.is_staff_member or assignee.department_id != department.pk):
        raise ValidationFailed(_("The assignee must be staff of the chosen unit."), code="bad_assignee",
                               details={"assignee": "invalid"})
    with transaction.atomic():
        c = _lock_complaint(complaint)
        if c.state not in (Complaint.State.RECEIVED, Complaint.State.ASSIGNED):
            raise Conflict(_("This complaint has already been answered."), code="invalid_state")
        before = [c.department_id, c.assignee_id]
        c.state, c.department, c.assignee = Complaint.State.ASSIGNED, department, assignee
        c.save(update_fields=["state", "department", "assignee"])
        audit_log(action=f"{c.kind}.assigned", actor=actor, obj=c,
                  changes={"department": [before[0], department.pk],
                           "assignee": [before[1], assignee.pk if assignee else None]})
    return c


def complaint_reply(*, complaint: Complaint, actor, reply: str) -> Complaint:
    reply = (reply or "").strip()
    if not reply:
        raise ValidationFailed(_("Write the reply."), code="reply_required", details={"reply": "required"})
    with transaction.atomic():
        c = _lock_complaint(complaint)
        if not may_handle_complaint(actor, c):
            raise PermissionDenied(_("Only the assigned unit or a supervisor can reply."), code="not_assigned")
        if c.state != Complaint.State.ASSIGNED:
            raise Conflict(_("Only an assigned, unanswered complaint can be replied to."), code="invalid_state")
        c.state, c.reply, c.replied_at = Complaint.State.REPLIED, reply, clock.now()
        c.save(update_fields=["state", "reply", "replied_at"])
        audit_log(action=f"{c.kind}.replied", actor=actor, obj=c, changes={"reply": reply})
    return c


def complaint_rate_reply(*, complaint: Complaint, actor, level: str) -> Complaint:
    """The complainant's satisfaction with the reply (the account that filed it); closes the complaint."""
    if level not in Level.values:
        raise ValidationFailed(_("Choose one of the five levels."), code="bad_level")
    with transaction.atomic():
        c = _lock_complaint(complaint)
        if not (c.submitted_by_id and getattr(actor, "pk", None) == c.submitted_by_id):
            raise PermissionDenied(_("Only the person who filed it can rate the reply."), code="not_submitter")
        if c.state != Complaint.State.REPLIED:
            raise Conflict(_("There is no reply to rate yet."), code="invalid_state")
        c.state, c.reply_level = Complaint.State.CLOSED, level
        c.save(update_fields=["state", "reply_level"])
        audit_log(action=f"{c.kind}.reply_rated", actor=actor, obj=c, changes={"level": level})
    return c


def complaints_escalate_overdue(*, on: datetime.date | None = None) -> int:
    """Mark unanswered complaints past their due date as escalated (they head the supervisor's board)."""
    on = on or today()
    count = 0
    with transaction.atomic():
        overdue = list(Complaint.objects.select_for_update(skip_locked=True)
                       .filter(state__in=[Complaint.State.RECEIVED, Complaint.State.ASSIGNED], due_on__lt=on,
                               escalated_at__isnull=True))
        now = clock.now()
        for c in overdue:
            c.escalated_at = now
            c.save(update_fields=["escalated_at"])
            audit_log(action=f"{c.kind}.escalated", obj=c, changes={"due_on": c.due_on})
            count += 1
    return count


# --- calendar changes ---------------------------------------------------------------------------------

def deadlines_recompute(*, first: datetime.date, last: datetime.date) -> int:
    """Recompute the working-day deadlines of open rectifications and complaints whose span touches the
    changed days [first, last] (derived dates, like the cases' own recompute). Returns rows changed."""
    changed = 0
    with transaction.atomic():
        rects = list(Rectification.objects.select_for_update()
                     .filter(state__in=[Rectification.State.OPEN, Rectification.State.VISITED], opened_on__lte=last,
                             rectify_due__gte=first))
        for rect in rects:
            rect.visit_due = workdays.add_working_days(rect.opened_on, conf.visit_days()).date
            rect.rectify_due = workdays.add_working_days(rect.opened_on, conf.rectify_days()).date
        Rectification.objects.bulk_update(rects, ["visit_due", "rectify_due"])
        complaints = list(Complaint.objects.select_for_update()
                          .filter(state__in=[Complaint.State.RECEIVED, Complaint.State.ASSIGNED],
                                  created_at__date__lte=last, due_on__gte=first))
        for c in complaints:
            c.due_on = workdays.add_working_days(timezone.localdate(c.created_at), conf.complaint_days()).date
        Complaint.objects.bulk_update(complaints, ["due_on"])
        changed = len(rects) + len(complaints)
    return changed


# --- urging (督办) ---------------------------------------------------------------------------------------

def _case_handler(case: Case) -> User | None:
    step = (CaseStep.objects.filter(case=case, handler__kind=User.Kind.STAFF).select_related("handler")
            .order_by("-ended_at", "-id").first())
    return step.handler if step else case.filed_by


def urge(*, actor, message: str, case: Case | None = None, rectification: Rectification | None = None,
         complaint: Complaint | None = None) -> Urging:
    """督办: a supervisor sends a message to whoever handles the case, rectification or complaint."""
    if not (getattr(actor, "is_staff_member", False) and actor.has_role(Role.SUPERVISOR)):
        raise PermissionDenied(_("Only a supervisor can urge."), code="not_supervisor")
    message = (message or "").strip()
    if not message:
        raise ValidationFailed(_("Write the message."), code="message_required", details={"message": "required"})
    if [case, rectification, complaint].count(None) != 2:
        raise ValidationFailed(_("Urge one case, rectification or complaint."), code="bad_subject")
    with transaction.atomic():
        if case is not None:
            subject, target = Urging.Subject.CASE, Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
            to_user = _case_handler(target)
        elif rectification is not None:
            subject, target = Urging.Subject.RECTIFICATION, _lock_rect(rectification)
            to_user = target.handler
        else:
            subject, target = Urging.Subject.COMPLAINT, _lock_complaint(complaint)
            to_user = target.assignee
        if to_user is None:
            raise ValidationFailed(_("Nobody handles this yet; assign it first."), code="no_handler")
        urging = Urging.objects.create(subject=subject, case=case, rectification=rectification,
                                       complaint=complaint, to_user=to_user, message=message, created_by=actor)
        audit_log(action="supervision.urged", actor=actor, obj=urging,
                  changes={"subject": subject, "target": str(target), "to": to_user.pk, "message": message})
    return urging


def urging_acknowledge(*, urging: Urging, actor) -> Urging:
    with transaction.atomic():
        locked = Urging.objects.select_for_update().filter(pk=urging.pk).first()
        if locked is None:
            raise NotFound(_("Not found."))
        if locked.to_user_id != getattr(actor, "pk", None):
            raise PermissionDenied()
        if locked.acknowledged_at is None:
            locked.acknowledged_at = clock.now()
            locked.save(update_fields=["acknowledged_at"])
            audit_log(action="supervision.acknowledged", actor=actor, obj=locked)
    return locked
