"""Complaints and reports (投诉、举报): intake with a tracking number, assignment, reply, the complainant's
satisfaction and escalation when overdue."""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.accounts.models import Department, Role, User
from onewindow.audit.services import audit_log
from onewindow.cases.models import Case
from onewindow.core import clock
from onewindow.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from onewindow.core.mobile import mobile_ok
from onewindow.core.sequences import sequence_next
from onewindow.workdays import services as workdays

from .. import conf
from ..models import Complaint, Level
from .base import today

TRACKING_PREFIX = {Complaint.Kind.COMPLAINT: "TS", Complaint.Kind.REPORT: "JB"}


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
    if person_mobile and not mobile_ok(person_mobile):
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


def complaint_lock(complaint: Complaint) -> Complaint:
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
        c = complaint_lock(complaint)
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
        c = complaint_lock(complaint)
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
        c = complaint_lock(complaint)
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
