"""Organisation account binding (组织账号绑定): who may act for an organisation online.

A handler who signs up for an organisation gives its credit code and an authorisation letter; nothing in
that proves the letter is real, and a credit code is public. So the new account starts unbound: it can apply
only for a new organisation, sees only public data and cannot take records from the register (免提交).
It becomes bound when window staff have checked the letter (approve, or refuse with a reason), when an
account already bound to the same organisation approves it, or when the legal representative proves it: the
handler gives the representative's ID number and mobile, which must equal what the register recorded from the
registration or change form, and enters the SMS code sent to that recorded mobile. A second account for an
organisation that already has a bound one needs that account's approval or staff review. Every decision is
audited."""

import hmac

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from onewindow.accounts.models import Role, User
from onewindow.audit.services import audit_log
from onewindow.core import clock, ratelimit
from onewindow.core.errors import Conflict, NotFound, PermissionDenied, RateLimited, ValidationFailed
from onewindow.core.masking import mask_mobile
from onewindow.registry.models import Organisation

from . import services
from .models import ApplicantProfile, Binding, BindingMethod, OneTimeCode

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
        now = clock.now()
        locked.binding = Binding.BOUND if approve else Binding.REFUSED
        locked.binding_method, locked.binding_reason, locked.binding_reviewed_by = method, reason, actor
        locked.bound_at = now if approve else None
        locked.save(update_fields=["binding", "binding_method", "binding_reason", "binding_reviewed_by",
                                   "bound_at"])
        audit_log(action="portal.binding_approved" if approve else "portal.binding_refused", actor=actor,
                  obj=locked.user, changes={"credit_code": locked.credit_code, "method": method, "reason": reason,
                                            "authorisation": locked.authorisation_sha256})
    return locked


# --- proof by the legal representative ------------------------------------------------------------------

def _representative_mobile(profile: ApplicantProfile, *, id_number: str, mobile: str) -> str:
    """The recorded mobile of the organisation's legal representative when `id_number` and `mobile` are the
    ones the register holds. One refusal for every mismatch (which of the two, or nothing recorded) so the
    form tells an attacker nothing about the register."""
    recorded = (Organisation.objects.filter(credit_code=profile.credit_code, status=Organisation.Status.REGISTERED)
                .values_list("legal_representative_id_number", "legal_representative_mobile").first()) or ("", "")
    id_ok = hmac.compare_digest(recorded[0].encode(), (id_number or "").strip().upper().encode())
    mobile_ok = hmac.compare_digest(recorded[1].encode(), (mobile or "").strip().encode())
    if not (all(recorded) and id_ok and mobile_ok):
        raise ValidationFailed(_("The ID number and mobile do not match what the register holds for the "
                                 "organisation's legal representative."), code="representative_mismatch",
                               details={"representative": "mismatch"})
    return recorded[1]


def _check_bindable(profile: ApplicantProfile, actor: User) -> None:
    if profile.kind != ApplicantProfile.Kind.ORGANISATION or profile.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(code="binding_not_own")
    if profile.binding != Binding.PENDING:
        raise Conflict(_("This account's binding has already been decided."), code="binding_decided",
                       details={"binding": profile.binding})
    if (ApplicantProfile.objects.filter(credit_code=profile.credit_code, binding=Binding.BOUND)
            .exclude(pk=profile.pk).exists()):
        raise Conflict(_("The organisation already has a bound account: ask it to approve you, or wait for the "
                         "window staff's review."), code="organisation_has_account")


def _count_attempt(profile: ApplicantProfile) -> None:
    """Every attempt counts, matched or not, before anything is checked."""
    if not ratelimit.hit("binding.account", str(profile.pk)):
        raise RateLimited(_("Too many attempts to bind this account; please try again in an hour."))


def representative_code_send(*, profile: ApplicantProfile, actor: User, id_number: str, mobile: str) -> str:
    """Send a binding code to the legal representative's recorded mobile when the given ID number and mobile
    are the recorded ones; returns the masked number. Throttled per account (and per number by code_send)."""
    _check_bindable(profile, actor)
    _count_attempt(profile)
    recorded = _representative_mobile(profile, id_number=id_number, mobile=mobile)
    services.code_send(mobile=recorded, purpose=OneTimeCode.Purpose.BINDING)
    return mask_mobile(recorded)


def binding_by_representative(*, profile: ApplicantProfile, actor: User, id_number: str, mobile: str,
                              code: str) -> ApplicantProfile:
    """Bind the account once the code sent to the representative's recorded mobile is entered (audited)."""
    _check_bindable(profile, actor)
    _count_attempt(profile)
    recorded = _representative_mobile(profile, id_number=id_number, mobile=mobile)
    services.code_check(mobile=recorded, purpose=OneTimeCode.Purpose.BINDING, code=code)  # keeps failed counts
    with transaction.atomic():
        # The organisation's row first: two handlers proving the same representative at once queue here, and
        # the second then finds the first bound.
        Organisation.objects.select_for_update().filter(credit_code=profile.credit_code).first()
        locked = ApplicantProfile.objects.select_for_update().get(pk=profile.pk)
        _check_bindable(locked, actor)  # re-checked under the locks: a concurrent approval or second account
        locked.binding, locked.binding_method = Binding.BOUND, BindingMethod.REPRESENTATIVE
        locked.binding_reason, locked.binding_reviewed_by, locked.bound_at = "", None, clock.now()
        locked.save(update_fields=["binding", "binding_method", "binding_reason", "binding_reviewed_by",
                                   "bound_at"])
        audit_log(action="portal.binding_approved", actor=actor, obj=locked.user,
                  changes={"credit_code": locked.credit_code, "method": BindingMethod.REPRESENTATIVE,
                           "mobile": mask_mobile(recorded)})
    return locked
