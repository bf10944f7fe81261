"""Supervision (效能监察): the working-day deadlines of rectifications and complaints after a calendar
change, and urging (督办) whoever handles a case, a rectification or a complaint."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.accounts.models import Role, User
from onewindow.audit.services import audit_log
from onewindow.cases.models import Case, CaseStep
from onewindow.core import clock
from onewindow.core.errors import NotFound, PermissionDenied, ValidationFailed
from onewindow.workdays import services as workdays

from .. import conf
from ..models import Complaint, Rectification, Urging
from .complaints import complaint_lock
from .rectifications import rectification_lock


def deadlines_refresh(*, first: datetime.date, last: datetime.date) -> int:
    """Recompute the working-day deadlines of open rectifications and complaints whose span touches the
    changed days [first, last] (derived dates, like the cases' own refresh). Returns rows changed."""
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
            subject, target = Urging.Subject.RECTIFICATION, rectification_lock(rectification)
            to_user = target.handler
        else:
            subject, target = Urging.Subject.COMPLAINT, complaint_lock(complaint)
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
