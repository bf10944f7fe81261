"""Rectification of bad reviews (差评整改): opened with the bad review, a return visit, the outcome, and the
applicant's rating of the fix."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.accounts.models import Department, Role, User
from onewindow.audit.services import audit_log
from onewindow.cases.models import Case, CaseStep
from onewindow.core import clock
from onewindow.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from onewindow.workdays import services as workdays

from .. import conf
from ..models import Level, Rating, Rectification
from .base import rating_token_valid, today


def _responsible(case: Case) -> tuple[User | None, Department | None, str]:
    """谁办理、谁负责: the handler of the case's last staff step and that person's unit."""
    step = (CaseStep.objects.filter(case=case, handler__isnull=False, handler__kind=User.Kind.STAFF)
            .select_related("handler__department").order_by("-ended_at", "-id").first())
    handler = step.handler if step else None
    department = handler.department if handler else None
    unit = department.name if department else (case.item_version.handling_unit or case.item_version.implementing_body)
    return handler, department, unit


def rectification_open(rating: Rating, case: Case) -> Rectification:
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


def rectification_lock(rect: Rectification) -> Rectification:
    locked = (Rectification.objects.select_for_update(of=("self",)).select_related("rating", "case")
              .filter(pk=rect.pk).first())
    if locked is None:
        raise NotFound(_("No such rectification."))
    return locked


def responsible_unit_required(actor, rect: Rectification) -> None:
    if not may_handle_rectification(actor, rect):
        raise PermissionDenied(_("Only the unit that handled the case can do this."), code="not_responsible_unit")


def rectification_visit(*, rectification: Rectification, actor, note: str) -> Rectification:
    """回访: record the return visit to the applicant."""
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("Record what the applicant said."), code="note_required", details={"note": "required"})
    with transaction.atomic():
        rect = rectification_lock(rectification)
        responsible_unit_required(actor, rect)
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
        rect = rectification_lock(rectification)
        responsible_unit_required(actor, rect)
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
        rect = rectification_lock(rectification)
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
