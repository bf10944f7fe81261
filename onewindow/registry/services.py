"""Every write to the register: establishment with credit-code allocation, changes, charters,
deregistration, charity and fundraising status, import, and credit-code overrides.

Each service locks the organisation row, writes a new `OrganisationVersion` (what changed, which
case, who) and an audit event in the same transaction. The certificate consequences of a case are
applied by `effects.case_grant_apply`, which calls these.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from onewindow.accounts.models import Role
from onewindow.accounts.permissions import require_staff_api
from onewindow.audit.services import audit_log, field_changes
from onewindow.core import clock
from onewindow.core.errors import Conflict, ValidationFailed
from onewindow.core.sequences import sequence_next

from .identifiers import USCC_ALPHABET, CheckResult, check_uscc, org_code_check_char, uscc_check_char
from .importer import validate_rows
from .models import (
    KIND_DIGIT,
    CharterVersion,
    Organisation,
    OrganisationVersion,
    UsccOverride,
)
from .validation import REPRESENTATIVE_CONTACT, clean_items, clean_representative_contact

ORG_CODE_SEQUENCE = "organisation_code"
ORG_CODE_PREFIX = "MJ"  # 民间组织: the prefix civil-affairs authorities use for organisation codes
FUNDRAISING_MIN_YEARS = 1  # 慈善法 Art. 22: registered for at least one year


# --- credit codes -----------------------------------------------------------------------------

def uscc_accept(code: str) -> CheckResult:
    """`check_uscc`, or ok when an administrator has recorded an audited override for this code."""
    result = check_uscc(code)
    if result.ok:
        return result
    if UsccOverride.objects.filter(code=(code or "").strip().upper()).exists():
        return CheckResult(True, gettext("The check character fails, but an administrator has confirmed this "
                                         "code as real."))
    return result


def uscc_override_record(*, code: str, reason: str, actor) -> UsccOverride:
    """Accept a real credit code that fails its check character. Administrators only, audited."""
    require_staff_api(actor, Role.ADMINISTRATOR)
    code = (code or "").strip().upper()
    reason = (reason or "").strip()
    if len(code) != 18:
        raise ValidationFailed(_("A unified social credit code has 18 characters."), code="uscc_length")
    if not reason:
        raise ValidationFailed(_("Give the reason (e.g. where the code was confirmed)."), code="reason_required")
    check = check_uscc(code)
    if check.ok:
        raise ValidationFailed(_("This code passes the check; no override is needed."), code="override_needless")
    # Only a wrong check character can be a real code's quirk; a forbidden character never is.
    if check.position not in (17, 18) or any(ch not in USCC_ALPHABET for ch in code):
        raise ValidationFailed(check.message, code="override_not_check_character")
    try:
        with transaction.atomic():
            override = UsccOverride.objects.create(code=code, reason=reason, created_by=actor)
            audit_log(action="registry.uscc_override_recorded", actor=actor, obj=override,
                      changes={"code": code, "reason": reason, "check": check.message})
    except IntegrityError as exc:
        raise Conflict(_("An override for this code is already recorded."), code="override_exists") from exc
    return override


def credit_code_allocate(*, kind: str) -> str:
    """Allocate a new credit code: 5 + kind digit + area code + organisation code (8 + GB 11714 check)
    + GB 32100 check, numbered from the series `organisation_code` (`core.sequences`: a number is never
    reused, and may be lost if the caller's transaction rolls back); an organisation code already in the
    register (e.g. imported) is skipped."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("credit_code_allocate runs inside the caller's transaction")
    while True:
        body = f"{ORG_CODE_PREFIX}{sequence_next(ORG_CODE_SEQUENCE):06d}"
        # The organisation code must be free under every kind digit, not only this kind's (unique index).
        candidates = {digit: _credit_code(digit, body) for digit in (*KIND_DIGIT.values(), "9")}
        if not Organisation.objects.filter(credit_code__in=candidates.values()).exists():
            break
    return candidates[KIND_DIGIT[kind]]


def _credit_code(kind_digit: str, body: str) -> str:
    first17 = f"5{kind_digit}{settings.ONEWINDOW_AREA_CODE}{body}{org_code_check_char(body)}"
    return first17 + uscc_check_char(first17)


# --- registered items -------------------------------------------------------------------------

def name_taken(name: str, *, exclude_pk=None) -> bool:
    """Whether a registered organisation (other than `exclude_pk`) has this name."""
    qs = Organisation.objects.filter(name=name, status=Organisation.Status.REGISTERED)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def _append_version(organisation: Organisation, *, action: str, case_no: str, actor,
                    today: datetime.date) -> OrganisationVersion:
    last = organisation.versions.select_for_update().order_by("-number").first()
    if last is not None and last.valid_to is None:
        last.valid_to = today
        last.save(update_fields=["valid_to"])
    return OrganisationVersion.objects.create(
        organisation=organisation, number=(last.number + 1) if last else 1, action=action,
        data=organisation.snapshot(), valid_from=today, case_no=case_no,
        actor=actor if getattr(actor, "pk", None) else None)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _lock(organisation: Organisation) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def _require_registered(organisation: Organisation):
    if organisation.status != Organisation.Status.REGISTERED:
        raise Conflict(_("The organisation is no longer registered."), code="not_registered")


def organisation_establish(*, kind: str, data: dict, case_no: str, actor,
                           charter: str = "") -> Organisation:
    """Register a new organisation with a newly allocated credit code (成立/设立登记)."""
    items = clean_items(kind=kind, data=data, required=True)
    contact = clean_representative_contact(data)
    today = clock.today()
    with transaction.atomic():
        credit_code = credit_code_allocate(kind=kind)  # also queues concurrent establishments
        if name_taken(items["name"]):
            raise Conflict(_("A registered organisation already has this name."), code="name_taken")
        organisation = Organisation.objects.create(
            kind=kind, credit_code=credit_code, established_on=today,
            registration_authority=settings.ONEWINDOW_DEPARTMENT_NAME, **items, **contact)
        _append_version(organisation, action=OrganisationVersion.Action.ESTABLISH, case_no=case_no, actor=actor,
                        today=today)
        if charter.strip():
            CharterVersion.objects.create(organisation=organisation, number=1, text=charter.strip(),
                                          approved_on=today, case_no=case_no,
                                          actor=actor if getattr(actor, "pk", None) else None)
        audit_log(action="registry.organisation_established", actor=actor, obj=organisation,
                  changes={"credit_code": organisation.credit_code, "kind": kind, "case_no": case_no,
                           "items": organisation.registered_items(), "representative_contact": bool(contact)})
    return organisation


def organisation_change(*, organisation: Organisation, data: dict, case_no: str,
                        actor) -> tuple[Organisation, dict]:
    """变更登记: apply the items that were filled in and differ; returns (organisation, changes)."""
    today = clock.today()
    with transaction.atomic():
        locked = _lock(organisation)
        _require_registered(locked)
        items = clean_items(kind=locked.kind, data=data, required=False)
        contact = clean_representative_contact(data)
        before = locked.registered_items()
        contact_before = [getattr(locked, key) for key in REPRESENTATIVE_CONTACT]
        for key, value in items.items():
            setattr(locked, key, value)
        changes = field_changes(before, locked.registered_items())
        if not contact and "legal_representative" in changes:
            contact = dict.fromkeys(REPRESENTATIVE_CONTACT, "")  # the old contact was the previous person's
        for key, value in contact.items():
            setattr(locked, key, value)
        contact_changed = contact_before != [getattr(locked, key) for key in REPRESENTATIVE_CONTACT]
        if not changes and not contact_changed:
            raise ValidationFailed(_("The application changes none of the registered items."), code="no_change")
        if "name" in changes and name_taken(locked.name, exclude_pk=locked.pk):
            raise Conflict(_("A registered organisation already has this name."), code="name_taken")
        locked.save()
        _append_version(locked, action=OrganisationVersion.Action.CHANGE, case_no=case_no, actor=actor,
                        today=today)
        audit_log(action="registry.organisation_changed", actor=actor, obj=locked,
                  changes={"items": changes, "case_no": case_no, "representative_contact": contact_changed})
    return locked, changes


def organisation_charter_approve(*, organisation: Organisation, text: str, case_no: str,
                                 actor) -> CharterVersion:
    """修改章程核准: store the approved charter text as the new charter version."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("The charter text is required."), code="charter_required")
    today = clock.today()
    with transaction.atomic():
        locked = _lock(organisation)
        _require_registered(locked)
        last = locked.charters.order_by("-number").first()
        charter = CharterVersion.objects.create(
            organisation=locked, number=(last.number + 1) if last else 1, text=text, approved_on=today,
            case_no=case_no, actor=actor if getattr(actor, "pk", None) else None)
        audit_log(action="registry.charter_approved", actor=actor, obj=locked,
                  changes={"charter_version": charter.number, "case_no": case_no})
    return charter


def organisation_deregister(*, organisation: Organisation, reason: str, case_no: str, actor) -> Organisation:
    """注销登记: close the organisation (its certificates are revoked by the caller)."""
    today = clock.today()
    with transaction.atomic():
        locked = _lock(organisation)
        _require_registered(locked)
        locked.status = Organisation.Status.DEREGISTERED
        locked.deregistered_on = today
        locked.save(update_fields=["status", "deregistered_on", "updated_at"])
        _append_version(locked, action=OrganisationVersion.Action.DEREGISTER, case_no=case_no, actor=actor,
                        today=today)
        audit_log(action="registry.organisation_deregistered", actor=actor, obj=locked,
                  changes={"reason": reason, "case_no": case_no})
    return locked


def organisation_charity_recognise(*, organisation: Organisation, case_no: str, actor) -> Organisation:
    """慈善组织认定."""
    today = clock.today()
    with transaction.atomic():
        locked = _lock(organisation)
        _require_registered(locked)
        if locked.charity_recognised_on:
            raise Conflict(_("The organisation is already recognised as a charity."), code="already_charity")
        locked.charity_recognised_on = today
        locked.save(update_fields=["charity_recognised_on", "updated_at"])
        _append_version(locked, action=OrganisationVersion.Action.CHARITY, case_no=case_no, actor=actor,
                        today=today)
        audit_log(action="registry.charity_recognised", actor=actor, obj=locked, changes={"case_no": case_no})
    return locked


def organisation_fundraising_qualify(*, organisation: Organisation, case_no: str, actor) -> Organisation:
    """公开募捐资格: only a recognised charity may hold it."""
    today = clock.today()
    with transaction.atomic():
        locked = _lock(organisation)
        _require_registered(locked)
        if not locked.charity_recognised_on:
            raise Conflict(_("Only a recognised charity can be qualified for public fundraising."),
                           code="not_charity")
        if locked.fundraising_qualified_on:
            raise Conflict(_("The organisation already holds the public fundraising qualification."),
                           code="already_fundraising")
        if locked.established_on and locked.established_on > _years_before(today, FUNDRAISING_MIN_YEARS):
            raise Conflict(_("Public fundraising needs at least one year since registration (Charity Law)."),
                           code="registered_too_recently")
        locked.fundraising_qualified_on = today
        locked.save(update_fields=["fundraising_qualified_on", "updated_at"])
        _append_version(locked, action=OrganisationVersion.Action.FUNDRAISING, case_no=case_no, actor=actor,
                        today=today)
        audit_log(action="registry.fundraising_qualified", actor=actor, obj=locked, changes={"case_no": case_no})
    return locked


def organisations_import(*, rows: list[dict], actor) -> list[Organisation]:
    """Load an existing register (rows already parsed by `importer`). All or nothing: every bad row is
    reported in `details` and nothing is written if any row is wrong. Administrators only."""
    require_staff_api(actor, Role.ADMINISTRATOR)
    with transaction.atomic():
        valid, errors = validate_rows(rows)
        if errors:
            raise ValidationFailed(_("%(n)d rows are wrong; nothing was imported.") % {"n": len(errors)},
                                   code="import_rows", details={"rows": errors})
        try:
            created = Organisation.objects.bulk_create([Organisation(**row) for row in valid])
        except IntegrityError as exc:  # a concurrent import took a code between validation and insert
            raise Conflict(_("The register changed during the import; try again."), code="import_race") from exc
        actor_or_none = actor if getattr(actor, "pk", None) else None
        OrganisationVersion.objects.bulk_create([OrganisationVersion(
            organisation=o, number=1, action=OrganisationVersion.Action.IMPORT, data=o.snapshot(),
            valid_from=o.established_on or clock.today(), actor=actor_or_none) for o in created])
        audit_log(action="registry.imported", actor=actor, object_type="registry.organisation",
                  object_repr=f"{len(created)} organisations",
                  changes={"count": len(created), "codes": [o.credit_code for o in created]})
    return created
