"""Appeals (申诉复核): the responsible unit contests a rating; a supervisor upholds (the rating is excluded
from the figures) or rejects."""

from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.accounts.models import Role
from onewindow.audit.services import audit_log
from onewindow.core import clock
from onewindow.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

from ..models import Appeal, Rating, Rectification
from .base import ratings_changed_on_commit
from .rectifications import rectification_lock, responsible_unit_required


def appeal_file(*, rectification: Rectification, actor, reason: str) -> Appeal:
    """申诉复核: the responsible unit contests the rating as mistaken or malicious."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reasons."), code="reason_required", details={"reason": "required"})
    with transaction.atomic():
        rect = rectification_lock(rectification)
        responsible_unit_required(actor, rect)
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
        rect = rectification_lock(locked.rectification)
        locked.state = Appeal.State.UPHELD if uphold else Appeal.State.REJECTED
        locked.decided_by, locked.decided_at, locked.decision_note = actor, clock.now(), note
        locked.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        if uphold:
            rating = Rating.objects.select_for_update().get(pk=rect.rating_id)
            rating.excluded, rating.excluded_reason = True, note
            rating.save(update_fields=["excluded", "excluded_reason"])
            Rectification.objects.filter(pk=rect.pk).update(state=Rectification.State.CLOSED)
            ratings_changed_on_commit({rating.rated_on})
            audit_log(action="rating.excluded", actor=actor, obj=rating,
                      changes={"case": rect.case.case_no, "reason": note, "appeal": locked.pk})
        audit_log(action="rating.appeal_decided", actor=actor, obj=locked,
                  changes={"state": locked.state, "note": note})
    return locked
