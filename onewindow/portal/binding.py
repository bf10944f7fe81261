"""Organisation account binding (组织账号绑定): who may act for an organisation online.

A handler who signs up for an organisation gives its credit code and an authorisation letter; nothing in
that proves the letter is real, and a credit code is public. So the new account starts unbound: it can apply
only for a new organisation, sees only public data and cannot take records from the register (免提交).
It becomes bound when window staff have checked the letter (approve, or refuse with a reason), or when an
account already bound to the same organisation approves it. Every decision is audited."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.accounts.models import Role, User
from onewindow.audit.services import audit_log
from onewindow.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

from .models import ApplicantProfile, Binding, BindingMethod

REVIEWER_ROLES = (Role.CLERK, Role.CHIEF_APPROVER)
REASON_MAX = ApplicantProfile._meta.get_field("binding_reason").max_length


def may_review(user, profile: ApplicantProfile) -> str | None:
    """How `user` may decide on `profile`'s binding (a BindingMethod), or None when they may not."""
    if getattr(user, "is_staff_member", False) and user.has_role(*REVIEWER_ROLES):
        return BindingMethod.STAFF
    holder = getattr(user, "portal_profile", None) if getattr(user, "pk", None) else None
    if holder is not None and holder.pk != profile.pk and holder.represents(profile.credit_code):
        return BindingMethod.HOLDER
    return None


def pending_for(user) -> QuerySet[ApplicantProfile]:
    """The binding requests `user` may decide: all of them for window staff, those for their own
    organisation for a bound organisation account."""
    pending = (ApplicantProfile.objects.filter(kind=ApplicantProfile.Kind.ORGANISATION, binding=Binding.PENDING)
               .select_related("user").order_by("created_at", "pk"))
    if getattr(user, "is_staff_member", False) and user.has_role(*REVIEWER_ROLES):
        return pending
    holder = getattr(user, "portal_profile", None) if getattr(user, "pk", None) else None
    if holder is None or holder.binding != Binding.BOUND:
        return pending.none()
    return pending.filter(credit_code=holder.credit_code).exclude(pk=holder.pk)


def binding_review(*, profile: ApplicantProfile, actor: User, approve: bool, reason: str = "") -> ApplicantProfile:
    """Approve or refuse an organisation account's binding; a refusal states its reason, which the
    applicant sees. Only a pending request can be decided."""
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationFailed(_("Give the reason for the refusal; the applicant will see it."),
                               code="reason_required", details={"reason": "required"})
    if len(reason) > REASON_MAX or "\x00" in reason:
        raise ValidationFailed(_("The reason is too long (at most %(n)d characters).") % {"n": REASON_MAX},
                               code="reason_too_long", details={"reason": "too_long"})
    with transaction.atomic():
        locked = ApplicantProfile.objects.select_for_update().filter(
            pk=profile.pk, kind=ApplicantProfile.Kind.ORGANISATION).first()
        if locked is None:
            raise NotFound(_("No such binding request."))
        method = may_review(actor, locked)
        if method is None:
            raise PermissionDenied(code="binding_not_reviewer")
        if locked.binding != Binding.PENDING:
            raise Conflict(_("This request has already been decided."), code="binding_decided",
                           details={"binding": locked.binding})
        now = timezone.now()
        locked.binding = Binding.BOUND if approve else Binding.REFUSED
        locked.binding_method, locked.binding_reason, locked.binding_reviewed_by = method, reason, actor
        locked.bound_at = now if approve else None
        locked.save(update_fields=["binding", "binding_method", "binding_reason", "binding_reviewed_by",
                                   "bound_at"])
        audit_log(action="portal.binding_approved" if approve else "portal.binding_refused", actor=actor,
                  obj=locked.user, changes={"credit_code": locked.credit_code, "method": method, "reason": reason,
                                            "authorisation": locked.authorisation_sha256})
    return locked
