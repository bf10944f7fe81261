"""免提交 (reuse of the department's own records instead of an upload), and who may act for an
organisation. One rule for the window, the portal and the API: a material is taken from the register only
for a case filed in a registered organisation's name, and only when the person recording it is staff (who
checked the handler at the window), a platform client (whose users the provincial platform verified), or an
applicant whose account is bound to that organisation (see `portal.models.ApplicantProfile.represents`)."""

from onewindow.accounts.models import User
from onewindow.registry.models import Organisation

from .models import IdType


def represents(user, credit_code: str) -> bool:
    """True when `user` is an applicant account bound to the organisation with `credit_code`. The profile
    is read through its reverse relation so `cases` does not import the portal app."""
    profile = getattr(user, "portal_profile", None)
    return profile is not None and profile.represents(credit_code)


def may_act_for(user, credit_code: str) -> bool:
    if getattr(user, "is_staff_member", False) or getattr(user, "kind", None) == User.Kind.PLATFORM:
        return True
    return represents(user, credit_code)


def reuse_source(case, actor) -> Organisation | None:
    """The registered organisation whose records may stand in for uploads on `case`, or None."""
    if case.id_type != IdType.USCC or not may_act_for(actor, case.id_number):
        return None
    return Organisation.objects.filter(credit_code=case.id_number, status=Organisation.Status.REGISTERED).first()


def reuse_allowed(case, actor) -> bool:
    """May `actor` record a material of `case` as taken from department records? Window staff may for any
    case in an organisation's name (they see the original and the department's files, which can hold an
    organisation this register does not); anyone else only from a registered organisation they act for."""
    if getattr(actor, "is_staff_member", False):
        return case.id_type == IdType.USCC
    return reuse_source(case, actor) is not None
