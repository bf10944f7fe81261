"""Correcting an accepted case's form data (更正) before the decision.

A window clerk or chief approver holding accept or decide authority on the item may correct what the applicant typed
(a misspelt name, a wrong amount) once the case is accepted and until it is decided, with a reason. The
corrected data passes the same checks as at intake (required fields, choices, what the register can hold,
the registration rules), the change is kept as a history row with the fields before and after, and audited
(ID numbers and mobiles masked in the audit trail). After the decision nothing can be corrected."""

from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.accounts.models import User
from onewindow.audit.services import audit_log
from onewindow.core.errors import Conflict, ValidationFailed
from onewindow.core.masking import mask_by_key

from . import services
from .actions import ACTIONS
from .models import Case, CaseFormCorrection

# Who may correct, and in which states (accepted, not yet decided): the declaration of `form_correct`.
ACTION = "form_correct"
REASON_MAX = CaseFormCorrection._meta.get_field("reason").max_length
VALUE_MAX = 2000  # as the portal's form keeps a typed value


def case_form_correct(*, case: Case, actor: User, form_data: dict, reason: str) -> CaseFormCorrection:
    """Correct fields of the case's form (only those given; the item version's fields only)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("Give the reason for the correction."), code="reason_required", details={"reason": "required"}
        )
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            _("The reason is too long (at most %(n)d characters).") % {"n": REASON_MAX},
            code="reason_too_long",
            details={"reason": "too_long"},
        )
    with transaction.atomic():
        locked, _state, _same = services._begin(case, actor, ACTION)  # authority, role, state
        version = locked.item_version
        keys = [f.key for f in version.form_fields.all()]
        unknown = sorted(str(k) for k in form_data if k not in keys)
        if unknown:
            raise ValidationFailed(
                _("The item's form has no such field."),
                code="unknown_field",
                details={f"form.{k}": "unknown" for k in unknown},
            )
        current = dict(locked.form_data or {})
        given = {key: str(value if value is not None else "").strip() for key, value in form_data.items()}
        too_long = [key for key, value in given.items() if len(value) > VALUE_MAX]
        if too_long:
            raise ValidationFailed(
                _("Please correct the marked fields."),
                code="value_too_long",
                details={f"form.{k}": "too_long" for k in too_long},
            )
        changed = sorted(key for key, value in given.items() if value != str(current.get(key, "") or ""))
        if not changed:
            raise ValidationFailed(_("The correction changes nothing."), code="no_change")
        corrected = current | {key: given[key] for key in changed}
        errors = services.validate_form_data(version, corrected) | services.register_errors(
            version, corrected, locked.organisation
        )
        if errors:
            raise ValidationFailed(
                _("Please correct the marked fields."), code="registration_rules", details=errors
            )
        if not Case.objects.filter(pk=locked.pk, state=locked.state).update(form_data=corrected):
            raise Conflict(_("Another user changed this case first."), code="state_changed")
        before = {key: current.get(key, "") for key in changed}
        after = {key: corrected[key] for key in changed}
        row = CaseFormCorrection.objects.create(
            case=locked, actor=actor, reason=reason, before=before, after=after, state=locked.state
        )
        audit_log(
            action=f"case.{ACTIONS[ACTION].event}",
            actor=actor,
            obj=locked,
            changes={
                "reason": reason,
                "fields": {k: [mask_by_key(k, str(before[k])), mask_by_key(k, after[k])] for k in changed},
            },
        )
    case.form_data = corrected
    return row
