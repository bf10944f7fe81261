"""Every write to a case. One function per declared action (`actions.ACTIONS`), `case_<action>`, all built
the same way: atomic → lock the row → what the declaration says: authority for the item (授权清单), state
(`actions.TRANSITIONS`), guards (`_begin`) → the service's checks of its inputs → conditional update →
handling step (GB/T 39046 Table 7) → audit event of the action's `CaseEvent` → side effects on commit.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.accounts.models import AuthorityGrant, User
from onewindow.accounts.services import may_act
from onewindow.audit.services import audit_log
from onewindow.catalog.models import Channel, ItemVersion, LimitUnit, Material, RegistryAction
from onewindow.core import clock
from onewindow.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from onewindow.core.masking import mask_id_number
from onewindow.core.mobile import mobile_ok
from onewindow.core.sequences import sequence_next
from onewindow.core.uploads import atomic_files, check_upload, store
from onewindow.registry.identifiers import check_id_number
from onewindow.registry.services import uscc_accept
from onewindow.workdays import services as workdays

from . import conf, notices
from .actions import ACTIONS, MATERIALS_AUTHORITY, PREVIOUS, STEP_ACTIONS, STEP_NAMES, next_state
from .art32 import correction_notified, correction_window_passed, deemed_accepted_now
from .art32 import pauses as _pauses
from .models import (
    GUIDE_COLUMNS,
    OPEN_STATES,
    ApplicantKind,
    Case,
    CaseDocument,
    CaseFormCorrection,
    CaseMaterial,
    CasePause,
    CaseState,
    CaseStep,
    Delivery,
    IdType,
    MaterialFile,
    Outcome,
    ResultKind,
)
from .reuse import may_act_for, reuse_allowed
from .routes import ROUTES
from .signals import case_acted, case_transitioned

DOCUMENT_WORDS = {
    CaseDocument.Kind.ACCEPTANCE: "受", CaseDocument.Kind.NON_ACCEPTANCE: "不受",
    CaseDocument.Kind.CORRECTION: "补", CaseDocument.Kind.DEFICIENCY: "容", CaseDocument.Kind.GRANT: "许",
    CaseDocument.Kind.REFUSAL: "不许", CaseDocument.Kind.DELIVERY: "送",
    CaseDocument.Kind.EXTENSION: "延", CaseDocument.Kind.SPECIAL_PROCEDURE: "特",
    CaseDocument.Kind.TERMINATION: "终",
}
# Names printed on the 特别程序告知书 (data, so in Chinese).
PAUSE_NAMES = {
    CasePause.Kind.HEARING: "听证", CasePause.Kind.TENDER: "招标", CasePause.Kind.AUCTION: "拍卖",
    CasePause.Kind.TESTING: "检验", CasePause.Kind.INSPECTION: "检测", CasePause.Kind.QUARANTINE: "检疫",
    CasePause.Kind.APPRAISAL: "鉴定", CasePause.Kind.EXPERT_REVIEW: "专家评审", CasePause.Kind.PUBLIC_NOTICE: "公示",
    CasePause.Kind.SITE_CHECK: "实地核查", CasePause.Kind.SUSPENSION: "中止",
}
ART45_BASIS = "《中华人民共和国行政许可法》第四十五条"
# Art. 44: a granted licence is delivered within 10 (working) days of the decision.
DELIVERY_DAYS = 10


# --- plumbing ----------------------------------------------------------------------------------------------

def case_number_next(*, item_code: str, on: datetime.date) -> str:
    fmt = conf.case_no_format()
    # Numbers that render alike apart from the sequence share one counter.
    key = "case:" + fmt.format(item_code=item_code, date=on, seq=0)
    return fmt.format(item_code=item_code, date=on, seq=sequence_next(key))


def _document_number(kind: str, on: datetime.date) -> str:
    seq = sequence_next(f"doc:{kind}:{on.year}")
    return f"{conf.document_prefix()}{DOCUMENT_WORDS[kind]}字〔{on.year}〕{seq:04d}号"


def today() -> datetime.date:
    """The local date every case rule uses (one seam for tests)."""
    return clock.today()


def _lock(case: Case) -> Case:
    try:
        return (Case.objects.select_for_update(of=("self",)).select_related("item_version", "item")
                .defer(*GUIDE_COLUMNS).get(pk=case.pk))
    except Case.DoesNotExist:
        raise NotFound(_("No such case.")) from None


def _authorise(actor: User, case: Case, action: str) -> None:
    """Authority for a declared action, or for recording materials (`action="materials"`)."""
    declared = ACTIONS.get(action)
    applicant = declared.applicant if declared else action == "materials"
    if applicant and case.owner_id and case.owner_id == getattr(actor, "pk", None):
        return
    lines = declared.authority if declared else MATERIALS_AUTHORITY
    if not any(may_act(actor, case.item, grant) for grant in lines) or (declared and not declared.held_by(actor)):
        raise PermissionDenied(_("You do not hold the authority for this action on this item."),
                               code="no_authority", details={"action": action})


def _target(case: Case, action: str) -> str:
    target = next_state(case.state, action)
    if target is None and ACTIONS[action].state_refusal:
        raise ACTIONS[action].state_refusal(case)
    if target is None:
        raise Conflict(_("The case is now “%(state)s”; this action is not possible.")
                       % {"state": CaseState(case.state).label}, code="invalid_state",
                       details={"state": case.state, "action": action})
    return target


def _save(case: Case, from_state: str, fields: list[str]) -> None:
    """Conditional update: only if the state is still what we locked (defence against a bypassed lock)."""
    values = {name: getattr(case, name) for name in {"state", *fields}}
    if not Case.objects.filter(pk=case.pk, state=from_state).update(**values):
        current = Case.objects.filter(pk=case.pk).values_list("state", flat=True).first()
        raise Conflict(_("Another user changed this case first."), code="state_changed",
                       details={"state": current})


def _step(case: Case, actor: User, code: str, from_state: str, opinion: str = "",
          action: str | None = None) -> CaseStep:
    now = clock.now()
    handler_name = str(actor)[:50] if actor else "系统"  # no actor: a rule acted (e.g. an expired 容缺 deadline)
    return CaseStep.objects.create(
        case=case, code=code, name=STEP_NAMES[code], action=action or STEP_ACTIONS.get(code, CaseStep.Action.PASS),
        handler=actor if getattr(actor, "pk", None) else None, handler_name=handler_name,
        unit=case.item_version.implementing_body, opinion=opinion, from_state=from_state, to_state=case.state,
        started_at=now, ended_at=now)


def _finish(case: Case, actor: User, action: str, from_state: str, changes: dict | None = None,
            step: CaseStep | None = None) -> None:
    """Audit, report and announce the event the action emits."""
    event = ACTIONS[action].event
    audit_log(action=f"case.{event}", actor=actor, obj=case,
              changes={"state": [from_state, case.state], **(changes or {})})
    case_acted.send(sender=Case, case=case, action=event, from_state=from_state, to_state=case.state, step=step,
                    actor=actor)  # e.g. the exchange's outbox rows, in this transaction
    transaction.on_commit(lambda: case_transitioned.send(sender=Case, case=case, action=event,
                                                         from_state=from_state, to_state=case.state))


def _document(case: Case, actor: User, kind: str, extra: dict | None = None) -> CaseDocument:
    day = today()
    data = {
        "department": case.item_version.implementing_body, "case_no": case.case_no,
        "item_name": case.item_version.name, "applicant_name": case.applicant_name,
        "id_number_masked": mask_id_number(case.id_number), "date": day.isoformat(),
        "promised_due": case.promised_due.isoformat() if case.promised_due else None,
        "due_provisional": case.due_provisional,
        "progress_url": conf.public_progress_url(case.case_no), **notices.details(case, kind), **(extra or {}),
    }
    return CaseDocument.objects.create(case=case, kind=kind, number=_document_number(kind, day), data=data,
                                       created_by=actor if getattr(actor, "pk", None) else None)


def _missing(case: Case) -> list[CaseMaterial]:
    """Required materials not present (pending, missing or faulty)."""
    return [m for m in case.materials.select_related("material") if m.material.required and not m.is_present]


def _pauses_changed(case: Case) -> None:
    getattr(case, "_prefetched_objects_cache", {}).pop("pauses", None)


def _due(case: Case, limit: int, unit: str):
    paused = _pauses(case, correction=False)
    if case.deemed_accepted:  # the clock runs from receipt, less the correction waits
        paused += _pauses(case, correction=True)
    return workdays.clock_due(start=case.accepted_on, limit=limit, unit=unit, paused=paused,
                              extension=case.extension_days)


def deadlines_compute(case: Case) -> None:
    """Set due dates (from acceptance, pauses and extension) and the paused working days (no save)."""
    day = today()
    case.paused_days = sum(workdays.count_working_days(a, b or day).days for a, b in _pauses(case, correction=True)
                           + _pauses(case, correction=False))
    if not case.accepted_on:
        return
    version = case.item_version
    promised = _due(case, version.promised_limit, version.promised_limit_unit)
    statutory = _due(case, version.statutory_limit, version.statutory_limit_unit)
    case.promised_due, case.statutory_due = promised.date, statutory.date
    case.due_provisional = bool(promised.provisional or statutory.provisional)


# --- creation and materials ----------------------------------------------------------------------------------

@dataclass
class Applicant:
    kind: str
    name: str
    id_type: str
    id_number: str
    contact_name: str
    contact_mobile: str
    address: str = ""
    legal_representative: str = ""
    agent_name: str = ""
    agent_id_number: str = ""
    agent_mobile: str = ""


def validate_applicant(applicant: Applicant) -> dict[str, str]:
    """Field → Chinese message for every problem (empty when valid)."""
    errors: dict[str, str] = {}
    if applicant.kind not in ApplicantKind.values:
        errors["kind"] = _("Choose whether the applicant is a person or an organisation.")
    if not applicant.name.strip():
        errors["name"] = _("Enter the applicant's name.")
    if applicant.id_type not in IdType.values:
        errors["id_type"] = _("Choose an ID type.")
    elif applicant.id_type == IdType.RESIDENT_ID:
        result = check_id_number(applicant.id_number)
        if not result.ok:
            errors["id_number"] = result.message
    elif applicant.id_type == IdType.USCC:
        result = uscc_accept(applicant.id_number)  # the check, or an administrator's recorded override
        if not result.ok:
            errors["id_number"] = result.message
    elif not applicant.id_number.strip():
        errors["id_number"] = _("Enter the ID number.")
    if applicant.kind == ApplicantKind.ORGANISATION and applicant.id_type != IdType.USCC:
        errors.setdefault("id_type", _("An organisation is identified by its unified social credit code."))
    if not applicant.contact_name.strip():
        errors["contact_name"] = _("Enter the contact's name.")
    if not mobile_ok(applicant.contact_mobile):
        errors["contact_mobile"] = _("Enter an 11-digit mobile number starting with 1.")
    if applicant.agent_name or applicant.agent_id_number:
        result = check_id_number(applicant.agent_id_number)
        if not result.ok:
            errors["agent_id_number"] = result.message
        if not applicant.agent_name.strip():
            errors["agent_name"] = _("Enter the agent's name.")
        if applicant.agent_mobile and not mobile_ok(applicant.agent_mobile):
            errors["agent_mobile"] = _("Enter an 11-digit mobile number starting with 1.")
    return errors


def validate_form_data(version: ItemVersion, data: dict) -> dict[str, str]:
    errors = {}
    for field in version.form_fields.all():
        value = data.get(field.key)
        if field.required and (value is None or str(value).strip() == ""):
            errors[f"form.{field.key}"] = _("“%(label)s” is required.") % {"label": field.label}
        elif field.choices and value not in (None, "") and value not in field.choices:
            errors[f"form.{field.key}"] = _("“%(label)s” must be one of the listed choices.") % {"label": field.label}
    return errors


def register_errors(version: ItemVersion, data: dict, organisation=None) -> dict[str, str]:
    """Rules of the registration regulations checked at intake and again at decision: values the register's
    columns can hold, the statutory (or configured) minimum funds, with the article in the message, and a name
    already in the register."""
    from onewindow.registry.services import name_taken
    from onewindow.registry.validation import clean_representative_contact, column_errors, funds_error

    action = version.registry_action
    if action not in (RegistryAction.ESTABLISH, RegistryAction.CHANGE):
        return {}
    # What the register's columns cannot hold, and a malformed representative's contact, are refused here at
    # intake, not first at the decision.
    errors = column_errors(data)
    if errors:  # name the fields as the item's form does (read only when something is refused)
        errors = column_errors(data, {f.key: f.label for f in version.form_fields.all()})
    errors = {f"form.{key}": message for key, message in errors.items()}
    try:
        clean_representative_contact(data)
    except ValidationFailed as exc:
        errors |= {f"form.{key}": message for key, message in exc.details.items()}
    if errors:
        return errors
    kinds = list(version.org_kinds or [])
    kind = (organisation.kind if organisation is not None and action == RegistryAction.CHANGE
            else data.get("org_kind") or (kinds[0] if len(kinds) == 1 else ""))
    if action == RegistryAction.CHANGE and organisation is not None:
        data = organisation.registered_items() | {k: v for k, v in data.items() if str(v or "").strip()}
    funds = funds_error(kind=kind, data=data, configured=version.minimum_funds, basis=version.minimum_funds_basis)
    if funds:
        errors["form.registered_capital"] = funds
    name = str(data.get("name") or "").strip()
    own = organisation.pk if organisation is not None and action == RegistryAction.CHANGE else None
    if name and name_taken(name, exclude_pk=own):
        errors["form.name"] = _("“%(name)s” is already the name of a registered organisation.") % {"name": name}
    return errors


def case_create(*, actor: User, item, applicant: Applicant, form_data: dict | None = None,
                channel: str = Channel.WINDOW, organisation=None, submit: bool = True) -> Case:
    """File an application under the item's published version; staff file for the applicant (帮代办)."""
    version = item.current_version
    if not item.is_active or version is None or version.status != ItemVersion.Status.PUBLISHED:
        raise ValidationFailed(_("This item has no published version and cannot take applications."),
                               code="item_not_published")
    is_staff = getattr(actor, "is_staff_member", False)
    if is_staff:
        if not may_act(actor, item, AuthorityGrant.Action.ACCEPT):
            raise PermissionDenied(_("You do not hold the authority for this action on this item."),
                                   code="no_authority", details={"action": "create"})
    elif getattr(actor, "kind", None) not in (User.Kind.APPLICANT, User.Kind.PLATFORM):
        raise PermissionDenied()  # applicants apply for themselves; platforms pass on online applications
    elif channel == Channel.WINDOW:
        raise ValidationFailed(_("Applicants apply online; window cases are filed by staff."), code="bad_channel")
    if channel not in Channel.values:
        raise ValidationFailed(_("Unknown channel."), code="bad_channel")
    form_data = form_data or {}
    # A draft may be incomplete; the form is checked in full when it is submitted.
    errors = validate_applicant(applicant) | (validate_form_data(version, form_data) if submit else {})
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), details=errors)
    if organisation is None and applicant.id_type == IdType.USCC:
        from onewindow.registry.models import Organisation

        organisation = Organisation.objects.filter(credit_code=applicant.id_number.upper()).first()
    if organisation is not None and not may_act_for(actor, organisation.credit_code):
        raise PermissionDenied(_("This account is not yet bound to the organisation; it can apply only for a "
                                 "new organisation until staff or the organisation's account approve it."),
                               code="organisation_not_bound", details={"applicant.id_number": "not_bound"})
    with transaction.atomic():
        day = today()
        case = Case.objects.create(
            case_no=case_number_next(item_code=item.code, on=day), item=item, item_version=version,
            channel=channel, applicant_kind=applicant.kind, applicant_name=applicant.name.strip(),
            id_type=applicant.id_type, id_number=applicant.id_number.strip().upper(), address=applicant.address,
            legal_representative=applicant.legal_representative, contact_name=applicant.contact_name,
            contact_mobile=applicant.contact_mobile, agent_name=applicant.agent_name,
            agent_id_number=applicant.agent_id_number.upper(), agent_mobile=applicant.agent_mobile,
            filed_by=actor if is_staff else None, owner=None if is_staff else actor,
            organisation=organisation, form_data=form_data)
        CaseMaterial.objects.bulk_create([CaseMaterial(case=case, material=m) for m in version.materials.all()])
        audit_log(action="case.created", actor=actor, obj=case,
                  changes={"item": item.code, "applicant": case.applicant_name, "channel": channel,
                           "id_number": mask_id_number(case.id_number), "assisted": is_staff})
        if submit:
            case = case_submit(case=case, actor=actor)
    return case


@dataclass
class MaterialReceipt:
    """How one material was received at the window (anything but an upload)."""
    material: Material
    mode: str
    original_seen: bool = False
    copies: int = 0
    reused_ref: str = ""
    note: str = ""


def _receipt_check(receipt: MaterialReceipt, *, case: Case, actor: User) -> None:
    material, mode = receipt.material, receipt.mode
    if mode not in CaseMaterial.Mode.values or mode == CaseMaterial.Mode.FILE:
        raise ValidationFailed(_("Choose how the material was received."), code="bad_material_mode",
                               details={"material": material.key})
    if mode in (CaseMaterial.Mode.MISSING, CaseMaterial.Mode.FAULTY) and not receipt.note.strip():
        raise ValidationFailed(_("Say what is missing or wrong with “%(name)s”.") % {"name": material.name},
                               code="material_note_required", details={"material": material.key})
    if mode == CaseMaterial.Mode.REUSED and (not material.reusable_as or not reuse_allowed(case, actor)):
        raise ValidationFailed(_("“%(name)s” cannot be taken from department records.") % {"name": material.name},
                               code="material_not_reusable", details={"material": material.key})
    if receipt.copies < 0:
        raise ValidationFailed(_("The number of copies cannot be negative."), code="bad_copies",
                               details={"material": material.key})


RECEIPT_FIELDS = ["mode", "original_seen", "copies", "reused_ref", "note", "updated_at"]


def case_materials_record(*, case: Case, actor: User, receipts: list[MaterialReceipt]) -> list[CaseMaterial]:
    """Record how materials were received (the clerk checks them all at once): one lock, one authority
    check, one bulk update and one audit event listing each material and its mode change. Any refused
    receipt refuses them all."""
    with transaction.atomic():
        case = _lock(case)
        _authorise(actor, case, "materials")
        _material_editable(case)
        rows = {row.material_id: row for row in case.materials.filter(material__in=[r.material for r in receipts])}
        now, changed, changes = clock.now(), [], []
        for receipt in receipts:
            row = rows.get(receipt.material.pk)
            if row is None:
                raise ValidationFailed(_("This material is not on the item's list."), code="material_not_listed",
                                       details={"material": receipt.material.key})
            if row in changed:
                raise ValidationFailed(_("“%(name)s” is listed twice.") % {"name": receipt.material.name},
                                       code="material_twice", details={"material": receipt.material.key})
            _receipt_check(receipt, case=case, actor=actor)
            changes.append({"material": receipt.material.key, "mode": [row.mode, receipt.mode]})
            row.mode, row.original_seen, row.copies = receipt.mode, receipt.original_seen, receipt.copies
            row.reused_ref, row.note, row.updated_at = receipt.reused_ref, receipt.note.strip(), now
            changed.append(row)
        if changed:
            CaseMaterial.objects.bulk_update(changed, RECEIPT_FIELDS)
            audit_log(action="case.materials_recorded", actor=actor, obj=case, changes={"materials": changes})
    return changed


def case_material_record(*, case: Case, actor: User, material: Material, mode: str, original_seen: bool = False,
                         copies: int = 0, reused_ref: str = "", note: str = "") -> CaseMaterial:
    """Record how one material was received: paper seen, reused from the register, missing or faulty."""
    receipt = MaterialReceipt(material=material, mode=mode, original_seen=original_seen, copies=copies,
                              reused_ref=reused_ref, note=note)
    return case_materials_record(case=case, actor=actor, receipts=[receipt])[0]


def case_material_upload(*, case: Case, actor: User, material: Material, name: str, content: bytes) -> MaterialFile:
    """Store an uploaded file for a material after checking its content type, size and hash."""
    checked = check_upload(name=name, content=content)
    with atomic_files():
        case = _lock(case)
        _authorise(actor, case, "materials")
        _material_editable(case)
        row = _material_row(case, material)
        stored = MaterialFile(case_material=row, original_name=name[:200], content_type=checked.content_type,
                              size=len(content), sha256=checked.sha256,
                              uploaded_by=actor if getattr(actor, "pk", None) else None)
        store(stored.file, checked.stored_name, content)
        stored.save()
        row.mode, row.note = CaseMaterial.Mode.FILE, ""
        row.save(update_fields=["mode", "note", "updated_at"])
        audit_log(action="case.material_uploaded", actor=actor, obj=case,
                  changes={"material": material.key, "sha256": checked.sha256, "type": checked.content_type,
                           "size": len(content)})
    return stored


def _material_editable(case: Case) -> None:
    if case.state in (CaseState.DRAFT, CaseState.SUBMITTED, CaseState.CORRECTION):
        return
    if case.deficiency_pending and case.state != CaseState.COMPLETED:
        return
    raise Conflict(_("Materials can no longer be changed on this case."), code="materials_closed",
                   details={"state": case.state})


def _material_row(case: Case, material: Material) -> CaseMaterial:
    row = case.materials.filter(material=material).first()
    if row is None:
        raise NotFound(_("This material is not on the item's list."), code="material_not_listed")
    return row


# --- the state machine ------------------------------------------------------------------------------------

def _begin(case: Case, actor: User, action: str) -> tuple[Case, str, str]:
    """Lock the case, then check what the action's declaration says: authority, state, guards."""
    case = _lock(case)
    _authorise(actor, case, action)
    target = _target(case, action)
    for guard in ACTIONS[action].all_guards:
        if not guard.holds(case):
            raise guard.refusal(case)
    return case, case.state, target


def case_act(*, case: Case, actor: User, action: str, **inputs) -> Case | CaseFormCorrection:
    """Run the declared `action` (`actions.ACTIONS`) through its service, `case_<action>` (or its declared
    `service`), with its inputs; the answer is the service's: the case, or the row the action records."""
    if action not in ACTIONS:
        raise NotFound(_("No such action."), code="action_not_found")
    service = ACTIONS[action].service
    return (import_string(service) if service else globals()[f"case_{action}"])(case=case, actor=actor, **inputs)


def case_submit(*, case: Case, actor: User) -> Case:
    with transaction.atomic():
        case, before, case.state = _begin(case, actor, "submit")
        errors = validate_form_data(case.item_version, case.form_data)
        if errors:
            raise ValidationFailed(_("Please correct the marked fields."), details=errors)
        errors = register_errors(case.item_version, case.form_data, case.organisation)
        if errors:
            raise ValidationFailed(_("Please correct the marked fields."), code="registration_rules", details=errors)
        case.submitted_at = clock.now()
        case.received_on = today()
        _save(case, before, ["submitted_at", "received_on"])
        _finish(case, actor, "submit", before)
    return case


def _close_correction(case: Case, day: datetime.date) -> None:
    case.pauses.filter(kind=CasePause.Kind.CORRECTION, ended_on=None).update(ended_on=day)
    _pauses_changed(case)


def _start_clock(case: Case, day: datetime.date) -> None:
    case.accepted_at = clock.now()
    if correction_window_passed(case, day):
        # Art. 32: no correction notice within 5 working days, so acceptance dates from receipt.
        case.deemed_accepted, case.accepted_on = True, case.received_on
    else:
        case.accepted_on = day
    deadlines_compute(case)


DUE_FIELDS = ["promised_due", "statutory_due", "due_provisional", "paused_days"]
CLOCK_FIELDS = ["accepted_at", "accepted_on", "deemed_accepted", *DUE_FIELDS]


def case_accept(*, case: Case, actor: User, opinion: str = "") -> Case:
    """受理: every required material present; a numbered 受理通知书 with the promised due date. Once the
    Art. 32 window has passed without a correction notice the application is accepted whatever is missing."""
    with transaction.atomic():
        case, before, case.state = _begin(case, actor, "accept")
        missing = _missing(case)
        if missing and not (before == CaseState.SUBMITTED and not correction_notified(case)
                            and correction_window_passed(case)):
            raise ValidationFailed(_("Required materials are missing: %(names)s. Request a correction or accept "
                                     "with deficiency.") % {"names": "、".join(m.material.name for m in missing)},
                                   code="materials_missing", details={"materials": [m.material.key for m in missing]})
        _accept(case, actor, before, "accept", opinion)
    return case


def _accept(case: Case, actor: User | None, before: str, code: str, opinion: str = "") -> None:
    _start_clock(case, today())
    _save(case, before, CLOCK_FIELDS)
    step = _step(case, actor, code, before, opinion)
    # A deemed acceptance prints the receipt date as the date of acceptance, marked 视为受理 (Art. 32).
    _document(case, actor, CaseDocument.Kind.ACCEPTANCE,
              {"deemed": case.deemed_accepted, "accepted_on": case.accepted_on.isoformat(),
               "received_on": case.received_on.isoformat() if case.received_on else None})
    _finish(case, actor, "accept", before, {"promised_due": case.promised_due, "deemed": case.deemed_accepted},
            step=step)


def deemed_acceptances_apply(*, actor: User | None = None) -> list[str]:
    """Daily (行政许可法 Art. 32(4)): accept, from the day of receipt, every application whose fifth working
    day after receipt has ended with no correction notice and no decision on acceptance. Runs as the
    system, like `deficiencies_expire`; each case still goes through the locked, audited path."""
    day = today()
    numbers = []
    # Five working days are at least five calendar days: a cheap filter before the exact rule.
    candidates = (Case.objects.filter(state=CaseState.SUBMITTED, received_on__lt=day - datetime.timedelta(days=5))
                  .exclude(pauses__kind=CasePause.Kind.CORRECTION).values_list("pk", flat=True))
    for pk in list(candidates):
        with transaction.atomic():
            locked = _lock(Case(pk=pk))
            if not deemed_accepted_now(locked, day):
                continue
            before, locked.state = locked.state, CaseState.ACCEPTED
            _accept(locked, actor, before, "deemed_accept",
                    "逾期未告知补正，自收到申请材料之日起即为受理（《中华人民共和国行政许可法》第三十二条）")
            numbers.append(locked.case_no)
    return numbers


def supplement_latest(case: Case, day: datetime.date) -> workdays.DateAnswer:
    """The latest 容缺 supplement deadline: the item's maximum in working days (default 10), never beyond
    the case's own time limit (on-the-spot items: their statutory limit)."""
    version = case.item_version
    latest = workdays.add_working_days(day, version.deficiency_max_days)
    bound = case.statutory_due if version.promised_limit_unit == LimitUnit.ON_THE_SPOT else case.promised_due
    if bound and bound < latest.date:
        return workdays.DateAnswer(bound, case.due_provisional)
    return latest


def case_accept_with_deficiency(*, case: Case, actor: User, supplement_due: datetime.date | None,
                                commitment_signed: bool, bad_credit: bool = False, opinion: str = "") -> Case:
    """容缺受理: only secondary materials missing, signed commitment, eligible applicant, deadline within the
    item's maximum (None: the maximum). Nothing of the case takes effect until the last material is in."""
    with transaction.atomic():
        case, before, case.state = _begin(case, actor, "accept_with_deficiency")
        missing = _missing(case)
        if not missing:
            raise ValidationFailed(_("Nothing is missing: accept the case normally."), code="nothing_missing")
        core = [m for m in missing if not m.material.secondary]
        if core:
            raise ValidationFailed(_("Core materials are missing and cannot be supplied later: %(names)s.")
                                   % {"names": "、".join(m.material.name for m in core)},
                                   code="core_materials_missing", details={"materials": [m.material.key for m in core]})
        if bad_credit:
            raise ValidationFailed(_("Applicants with a bad credit record cannot be accepted with deficiency."),
                                   code="deficiency_not_eligible")
        if not commitment_signed:
            raise ValidationFailed(_("The applicant's signed commitment is required."), code="commitment_required")
        day = today()
        _start_clock(case, day)
        latest = supplement_latest(case, day)
        supplement_due = supplement_due or latest.date
        if supplement_due < day or supplement_due > latest.date:
            raise ValidationFailed(_("The supplement deadline must be between today and %(latest)s.")
                                   % {"latest": latest.date}, code="bad_supplement_due",
                                   details={"latest": latest.date.isoformat()})
        case.deficiency_pending, case.supplement_due, case.commitment_signed = True, supplement_due, True
        _save(case, before, CLOCK_FIELDS + ["deficiency_pending", "supplement_due", "commitment_signed"])
        step = _step(case, actor, "accept_with_deficiency", before, opinion)
        _document(case, actor, CaseDocument.Kind.DEFICIENCY, {
            "missing": [{"name": m.material.name, "note": m.note} for m in missing],
            "supplement_due": supplement_due.isoformat(),
            "supplement_provisional": workdays.is_provisional(supplement_due),
            "supplement_working_days": workdays.count_working_days(day + datetime.timedelta(days=1),
                                                                   supplement_due).days,
            "deficiency_basis": case.item_version.deficiency_basis})
        _finish(case, actor, "accept_with_deficiency", before, {"supplement_due": supplement_due}, step=step)
    return case


def case_request_correction(*, case: Case, actor: User, opinion: str = "") -> Case:
    """补正: one notice naming every missing or faulty material; refused after the Art. 32 window."""
    with transaction.atomic():
        case, before, case.state = _begin(case, actor, "request_correction")
        day = today()
        missing = _missing(case)
        if not missing:
            raise ValidationFailed(_("Mark the missing or faulty materials first."), code="nothing_missing")
        _save(case, before, [])
        CasePause.objects.create(case=case, kind=CasePause.Kind.CORRECTION, started_on=day,
                                 reason=opinion or STEP_NAMES["request_correction"], started_by=actor)
        _pauses_changed(case)
        step = _step(case, actor, "request_correction", before, opinion)
        _document(case, actor, CaseDocument.Kind.CORRECTION,
                  {"missing": [{"name": m.material.name, "note": m.note or m.get_mode_display()} for m in missing]})
        _finish(case, actor, "request_correction", before, {"materials": [m.material.key for m in missing]},
                step=step)
    return case


def case_resubmit(*, case: Case, actor: User, opinion: str = "") -> Case:
    """The applicant has handed in the corrections: the clock resumes."""
    with transaction.atomic():
        case, before, case.state = _begin(case, actor, "resubmit")
        _close_correction(case, today())
        deadlines_compute(case)
        _save(case, before, ["paused_days"])
        step = _step(case, actor, "resubmit", before, opinion)
        _finish(case, actor, "resubmit", before, step=step)
    return case


def case_supplement(*, case: Case, actor: User, opinion: str = "") -> Case:
    """容缺: the missing materials have arrived and are in order; the result may now be handed out."""
    with transaction.atomic():
        case, before, case.state = _begin(case, actor, "supplement")
        missing = _missing(case)
        if missing:
            raise ValidationFailed(_("Still missing: %(names)s.") % {"names": "、".join(m.material.name for m in missing)},
                                   code="materials_missing", details={"materials": [m.material.key for m in missing]})
        case.deficiency_pending = False
        changes = {}
        if case.outcome == Outcome.GRANT:  # decided while 容缺 was outstanding: the grant takes effect now
            changes = _grant_effect(case, actor)
        _save(case, before, ["deficiency_pending", *DECISION_FIELDS])
        step = _step(case, actor, "supplement", before, opinion)
        _finish(case, actor, "supplement", before, changes, step=step)
    return case


def _complete(case: Case, kind: str, note: str = "") -> None:
    case.state, case.result_kind, case.result_note, case.completed_at = (CaseState.COMPLETED, kind, note,
                                                                         clock.now())


COMPLETE_FIELDS = ["result_kind", "result_note", "completed_at"]


def _require(text: str, field: str) -> str:
    if not (text or "").strip():
        raise ValidationFailed(_("Give the reasons."), code="reason_required", details={field: "required"})
    return text.strip()


def case_reject(*, case: Case, actor: User, reason: str) -> Case:
    """不予受理, with reasons and a numbered 不予受理通知书."""
    with transaction.atomic():
        case, before, _next = _begin(case, actor, "reject")
        reason = _require(reason, "reason")
        _close_correction(case, today())
        _complete(case, ResultKind.NOT_ACCEPTED, reason)
        _save(case, before, COMPLETE_FIELDS)
        step = _step(case, actor, "reject", before, reason)
        _document(case, actor, CaseDocument.Kind.NON_ACCEPTANCE, {"reason": reason})
        _finish(case, actor, "reject", before, {"reason": reason}, step=step)
    return case


def case_review(*, case: Case, actor: User, opinion: str) -> Case:
    """初审 passed, by the division, for items the department only reviews (back_office route)."""
    with transaction.atomic():
        case, before, case.state = _begin(case, actor, "review")
        opinion = _require(opinion, "opinion")
        _save(case, before, [])
        step = _step(case, actor, "review", before, opinion)
        _finish(case, actor, "review", before, step=step)
    return case


def case_propose_refusal(*, case: Case, actor: User, reason: str) -> Case:
    """初审 not passed. The department holds only review authority on these items, so it cannot refuse:
    the case goes on to the higher authority with the reasons for refusing, and the refusal, if any, is
    that authority's decision (recorded with `case_record_external_decision`). Sending the case back
    for more materials is no option: after acceptance that would be a second correction notice, which
    Art. 32 (一次性告知) rules out."""
    with transaction.atomic():
        case, before, case.state = _begin(case, actor, "propose_refusal")
        reason = _require(reason, "reason")
        _save(case, before, [])
        step = _step(case, actor, "propose_refusal", before, f"拟不予许可：{reason}")
        _finish(case, actor, "propose_refusal", before, {"reason": reason}, step=step)
    return case


def case_sign_off(*, case: Case, actor: User, opinion: str) -> Case:
    """签发: a holder of decision authority (审批决定人) reviews and signs the division's 初审 opinion (passed
    or refusal proposed) before it is forwarded; the basis is the item's `sign_off_basis`."""
    with transaction.atomic():
        case, before, case.state = _begin(case, actor, "sign_off")
        opinion = _require(opinion, "opinion")
        _save(case, before, [])
        step = _step(case, actor, "sign_off", before, opinion)
        _finish(case, actor, "sign_off", before, {"basis": case.item_version.sign_off_basis}, step=step)
    return case


def case_forward(*, case: Case, actor: User, authority: str, opinion: str = "") -> Case:
    """转报: send the reviewed (and, where the chain has the step, signed-off) case to the higher authority."""
    with transaction.atomic():
        case, before, case.state = _begin(case, actor, "forward")
        authority = _require(authority, "authority")
        _save(case, before, [])
        step = _step(case, actor, "forward", before, f"{authority}：{opinion}" if opinion else authority)
        _finish(case, actor, "forward", before, {"authority": authority}, step=step)
    return case


def _decision(case: Case, actor: User, outcome: str, reason: str) -> dict:
    if outcome not in Outcome.values:
        raise ValidationFailed(_("The outcome must be grant or refuse."), code="bad_outcome")
    if outcome == Outcome.REFUSE:
        reason = _require(reason, "reason")
    if outcome == Outcome.GRANT:
        errors = register_errors(case.item_version, case.form_data, case.organisation)
        if errors:
            raise ValidationFailed("；".join(errors.values()), code="registration_rules", details=errors)
    case.outcome, case.decision_reason, case.decided_at = outcome, reason.strip(), clock.now()
    changes = {"outcome": outcome}
    if outcome == Outcome.GRANT:
        if case.deficiency_pending:
            # 容缺: the decision is made, but nothing of it is in force until the last material is in.
            changes["effect_deferred"] = True
        else:
            changes |= _grant_effect(case, actor)
    return changes


def _grant_effect(case: Case, actor: User) -> dict:
    """The register change and certificates of a grant, and the Art. 44 delivery due date from now."""
    changes = {}
    if case.item_version.registry_action != RegistryAction.NONE:
        from onewindow.registry.effects import case_grant_apply

        effect = case_grant_apply(case=case, actor=actor)
        if case.organisation_id is None:
            case.organisation = effect.organisation
        case.result_certificates = [{"number": c.number, "kind": c.kind, "token": c.token}
                                    for c in effect.certificates]
        changes["certificates"] = [c["number"] for c in case.result_certificates]
    case.delivery_due = workdays.add_working_days(today(), DELIVERY_DAYS).date
    return changes


DECISION_FIELDS = ["outcome", "decision_reason", "decided_at", "organisation", "result_certificates", "delivery_due"]


def case_decide(*, case: Case, actor: User, outcome: str, reason: str = "") -> Case:
    """决定 (on-site items): grant or refuse, by a holder of decision authority; a numbered decision."""
    with transaction.atomic():
        case, before, case.state = _begin(case, actor, "decide")
        changes = _decision(case, actor, outcome, reason)
        _save(case, before, DECISION_FIELDS)
        step = _step(case, actor, "decide", before, reason or ("准予许可" if outcome == Outcome.GRANT else ""),
              CaseStep.Action.PASS if outcome == Outcome.GRANT else CaseStep.Action.OTHER)
        kind = CaseDocument.Kind.GRANT if outcome == Outcome.GRANT else CaseDocument.Kind.REFUSAL
        _document(case, actor, kind, {"reason": case.decision_reason,
                                      "certificates": [c["number"] for c in case.result_certificates],
                                      "effect_deferred": bool(changes.get("effect_deferred")),
                                      "supplement_due": case.supplement_due.isoformat()
                                      if changes.get("effect_deferred") else None})
        _finish(case, actor, "decide", before, changes, step=step)
    return case


def case_accept_decide(*, case: Case, actor: User, opinion: str = "", reason: str = "") -> Case:
    """即办 at the counter: accept, then grant, in one transaction (each checks itself; a refusal undoes both)."""
    with transaction.atomic():
        case = case_accept(case=case, actor=actor, opinion=opinion)
        return case_decide(case=case, actor=actor, outcome=Outcome.GRANT, reason=reason)


EXTERNAL_DECISION_FIELDS = {"outcome": gettext_lazy("the higher authority's decision (grant or refuse)"),
                            "document_no": gettext_lazy("the decision's document number"),
                            "reason": gettext_lazy("the reasons for the refusal")}


def case_record_external_decision(*, case: Case, actor: User, outcome: str, document_no: str,
                                  reason: str = "") -> Case:
    """The higher authority has decided (back-office items): record its outcome and document number."""
    with transaction.atomic():
        case, before, case.state = _begin(case, actor, "record_external_decision")
        missing = {field: label for field, label in EXTERNAL_DECISION_FIELDS.items() if not {
            "outcome": outcome in Outcome.values, "document_no": (document_no or "").strip(),
            "reason": outcome != Outcome.REFUSE or (reason or "").strip()}[field]}
        if missing:  # an empty form names every field it lacks, not just "the reasons"
            raise ValidationFailed(_("Please fill in: %(fields)s.") % {"fields": "、".join(map(str, missing.values()))},
                                   code="fields_required", details={field: "required" for field in missing})
        case.external_doc_no = document_no.strip()
        changes = _decision(case, actor, outcome, reason)
        _save(case, before, DECISION_FIELDS + ["external_doc_no"])
        step = _step(case, actor, "record_external_decision", before, f"{case.external_doc_no} {reason}".strip())
        _finish(case, actor, "record_external_decision", before,
                changes | {"document_no": case.external_doc_no}, step=step)
    return case


def pause_basis(version: ItemVersion, kind: str) -> str | None:
    """The provision that lets `kind` stop the clock of this item: Art. 45 for its grounds, otherwise the
    provision the item's configuration names (公示, 实地核查, 中止), or None."""
    if kind in CasePause.ART45_KINDS:
        return ART45_BASIS
    provision = (version.pause_provisions or {}).get(kind) if isinstance(version.pause_provisions, dict) else None
    return str(provision).strip() or None if provision else None


MAX_EXPECTED_DAYS = 365


def case_suspend(*, case: Case, actor: User, kind: str, reason: str, expected_days: int) -> Case:
    """特别程序 (行政许可法 Art. 45): the clock stops for 听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审, or
    for another procedure the item's configuration allows with its provision. A numbered 特别程序告知书
    tells the applicant the procedure, its expected duration and that the time is not counted."""
    with transaction.atomic():
        case, before, case.state = _begin(case, actor, "suspend")
        if kind not in CasePause.Kind.values or kind == CasePause.Kind.CORRECTION:
            raise ValidationFailed(_("Choose the kind of special procedure."), code="bad_pause_kind")
        basis = pause_basis(case.item_version, kind)
        if basis is None:
            raise ValidationFailed(_("Only the procedures of Art. 45 (hearing, tender, auction, testing, inspection, "
                                     "quarantine, appraisal, expert review) stop the clock of this item; "
                                     "“%(kind)s” needs a provision named in the item's configuration.")
                                   % {"kind": CasePause.Kind(kind).label}, code="pause_not_allowed",
                                   details={"kind": kind})
        if not isinstance(expected_days, int) or not 1 <= expected_days <= MAX_EXPECTED_DAYS:
            raise ValidationFailed(_("Give the expected duration: 1 to %(max)d working days.")
                                   % {"max": MAX_EXPECTED_DAYS}, code="bad_expected_days",
                                   details={"expected_days": f"1-{MAX_EXPECTED_DAYS}"})
        reason = _require(reason, "reason")
        day = today()
        case.state_before_pause = before
        _save(case, before, ["state_before_pause"])
        CasePause.objects.create(case=case, kind=kind, started_on=day, reason=reason, started_by=actor,
                                 expected_days=expected_days)
        _pauses_changed(case)
        expected_end = workdays.add_working_days(day, expected_days)
        _document(case, actor, CaseDocument.Kind.SPECIAL_PROCEDURE, {
            "procedure": PAUSE_NAMES[kind], "reason": reason, "basis": basis, "started_on": day.isoformat(),
            "expected_days": expected_days, "expected_end": expected_end.date.isoformat(),
            "expected_end_provisional": expected_end.provisional})
        _finish(case, actor, "suspend", before, {"kind": kind, "reason": reason, "expected_days": expected_days})
    return case


def case_resume(*, case: Case, actor: User, result: str = "") -> Case:
    """End the special procedure: the clock runs again and the due dates move by the paused days."""
    with transaction.atomic():
        case, before, target = _begin(case, actor, "resume")
        case.state = case.state_before_pause if target == PREVIOUS else target
        pause = case.pauses.filter(ended_on=None).first()
        if pause:
            pause.ended_on, pause.result = today(), result
            pause.save(update_fields=["ended_on", "result"])
            _pauses_changed(case)
        case.state_before_pause = ""
        deadlines_compute(case)
        _save(case, before, ["state_before_pause", *DUE_FIELDS])
        _finish(case, actor, "resume", before, {"promised_due": case.promised_due})
    return case


def case_extend(*, case: Case, actor: User, days: int, reason: str) -> Case:
    """延长审查期限 (行政许可法 Art. 42): once per case, by a holder of decision authority, before the time
    limit has passed, up to the item's maximum, with reasons; a 延长审查期限告知书 gives the new due date.
    A regulation's own limit in calendar days is not extended unless the item's configuration says so."""
    with transaction.atomic():
        case, before, case.state = _begin(case, actor, "extend")
        version = case.item_version
        if version.statutory_limit_unit == LimitUnit.CALENDAR_DAYS and not version.calendar_limit_extendable:
            raise Conflict(_("This item's time limit is set in calendar days by its own regulation, which "
                             "Art. 42 does not extend."), code="extension_not_allowed", details={"state": before})
        day = today()
        if case.statutory_due and day > case.statutory_due:
            raise Conflict(_("The time limit ended on %(due)s; an extension must be decided before it ends "
                             "(Art. 42).") % {"due": case.statutory_due}, code="extension_too_late",
                           details={"state": before, "statutory_due": str(case.statutory_due)})
        if not isinstance(days, int) or not 1 <= days <= version.extension_max_days:
            raise ValidationFailed(_("An extension is 1 to %(max)d working days for this item.")
                                   % {"max": version.extension_max_days}, code="bad_extension",
                                   details={"days": f"1-{version.extension_max_days}"})
        reason = _require(reason, "reason")
        case.extension_days = days
        deadlines_compute(case)
        _save(case, before, ["extension_days", *DUE_FIELDS])
        step = _step(case, actor, "extend", before, reason)
        _document(case, actor, CaseDocument.Kind.EXTENSION, {
            "reason": reason, "days": days, "basis": version.extension_basis,
            "statutory_due": case.statutory_due.isoformat() if case.statutory_due else None})
        _finish(case, actor, "extend", before, {"days": days, "promised_due": case.promised_due}, step=step)
    return case


def case_withdraw(*, case: Case, actor: User, reason: str) -> Case:
    """撤回 at the applicant's request."""
    with transaction.atomic():
        case, before, _next = _begin(case, actor, "withdraw")
        reason = _require(reason, "reason")
        _close_open_pauses(case)
        _complete(case, ResultKind.WITHDRAWN, reason)
        _save(case, before, COMPLETE_FIELDS)
        step = _step(case, actor, "withdraw", before, reason)
        _finish(case, actor, "withdraw", before, {"reason": reason}, step=step)
    return case


def _close_open_pauses(case: Case) -> None:
    case.pauses.filter(ended_on=None).update(ended_on=today())
    _pauses_changed(case)


def case_terminate(*, case: Case, actor: User, reason: str) -> Case:
    """终止. With 容缺 materials outstanding (deadline missed or supplement rejected) the result says so."""
    with transaction.atomic():
        case, before, _next = _begin(case, actor, "terminate")
        _terminate(case, actor, before, _require(reason, "reason"))
    return case


def _terminate(case: Case, actor: User | None, before: str, reason: str) -> None:
    """End the case with a 终止办理告知书. A 容缺 case ends with nothing in force: its grant, if decided,
    never took effect (see `_decision`)."""
    kind = ResultKind.DEFICIENCY_TERMINATED if case.deficiency_pending else ResultKind.TERMINATED
    _close_open_pauses(case)
    _complete(case, kind, reason)
    _save(case, before, COMPLETE_FIELDS)
    step = _step(case, actor, "terminate", before, reason)
    _document(case, actor, CaseDocument.Kind.TERMINATION, {
        "reason": reason, "deficiency": kind == ResultKind.DEFICIENCY_TERMINATED,
        "supplement_due": case.supplement_due.isoformat() if case.supplement_due else None,
        "decision_void": case.outcome == Outcome.GRANT and kind == ResultKind.DEFICIENCY_TERMINATED})
    _finish(case, actor, "terminate", before, {"reason": reason, "result": kind}, step=step)


def case_issue(*, case: Case, actor: User, delivery: str, collector_name: str = "",
               collector_id_number: str = "", tracking_no: str = "") -> Case:
    """出件: collected at the window (collector identified) or posted (tracking number).
    On-site items complete at once; back-office items complete with `case_complete`."""
    with transaction.atomic():
        case, before, case.state = _begin(case, actor, "issue")
        if delivery == Delivery.WINDOW:
            if not collector_name.strip():
                raise ValidationFailed(_("Enter who collected the result."), code="collector_required",
                                       details={"collector_name": "required"})
            result = check_id_number(collector_id_number)
            if not result.ok:
                raise ValidationFailed(result.message, code="bad_collector_id",
                                       details={"collector_id_number": result.message})
        elif delivery == Delivery.POST:
            if not tracking_no.strip():
                raise ValidationFailed(_("Enter the postal tracking number."), code="tracking_required",
                                       details={"tracking_no": "required"})
        else:
            raise ValidationFailed(_("Choose how the result is delivered."), code="bad_delivery")
        case.delivery, case.issued_at = delivery, clock.now()
        case.collector_name, case.collector_id_number = collector_name.strip(), collector_id_number.strip().upper()
        case.tracking_no = tracking_no.strip()
        fields = ["delivery", "issued_at", "collector_name", "collector_id_number", "tracking_no"]
        if ROUTES[case.item_version.route].issue_completes:
            _complete(case, _result_of(case))
            fields += COMPLETE_FIELDS
        _save(case, before, fields)
        _document(case, actor, CaseDocument.Kind.DELIVERY, {
            "delivery": delivery, "collector_name": case.collector_name,
            "collector_id_masked": mask_id_number(case.collector_id_number), "tracking_no": case.tracking_no,
            "certificates": [c["number"] for c in case.result_certificates]})
        _finish(case, actor, "issue", before, {"delivery": delivery, "tracking_no": case.tracking_no})
    return case


def _result_of(case: Case) -> str:
    return ResultKind.GRANTED if case.outcome == Outcome.GRANT else ResultKind.REFUSED


def case_complete(*, case: Case, actor: User, note: str = "") -> Case:
    """办结 after issuance, or 转报办结 when the higher authority delivers the result itself."""
    with transaction.atomic():
        case, before, _next = _begin(case, actor, "complete")
        kind = ResultKind.FORWARDED if before == CaseState.FORWARDED else _result_of(case)
        _complete(case, kind, note)
        _save(case, before, COMPLETE_FIELDS)
        _finish(case, actor, "complete", before, {"result": kind})
    return case


# --- calendar changes ------------------------------------------------------------------------------------

def deadlines_refresh(*, first: datetime.date, last: datetime.date, batch: int = 500) -> int:
    """After a calendar change: recompute the due dates of open, accepted cases whose clock spans the changed
    days [first, last]. Each batch of cases is locked while it is recomputed and written, so an action on one
    of them (an extension, a pause) either commits first and is read, or waits and recomputes afterwards;
    a due date a clerk has just changed is never overwritten. Returns the count."""
    scope = (Case.objects.filter(state__in=[CaseState.ACCEPTED, CaseState.SUSPENDED, CaseState.REVIEWED,
                                            CaseState.SIGNED_OFF, CaseState.FORWARDED, CaseState.DECIDED,
                                            CaseState.ISSUED], accepted_on__lte=last)
             .exclude(promised_due__lt=first, statutory_due__lt=first))
    done, after = 0, 0
    while True:
        with transaction.atomic():
            cases = list(scope.filter(pk__gt=after).order_by("pk").select_for_update(of=("self",))
                         .select_related("item_version").prefetch_related("pauses")[:batch])
            if not cases:
                return done
            for case in cases:
                deadlines_compute(case)
            Case.objects.bulk_update(cases, DUE_FIELDS)
        done, after = done + len(cases), cases[-1].pk


def deficiencies_expire(*, actor: User | None = None) -> list[str]:
    """容缺: terminate open cases whose supplement deadline has passed. Runs as the system (no authority
    check: the rule, not a person, ends them); each case still goes through the locked, audited path."""
    day = today()
    numbers = []
    for case in Case.objects.filter(deficiency_pending=True, supplement_due__lt=day, state__in=OPEN_STATES):
        with transaction.atomic():
            locked = _lock(case)
            before = locked.state
            if not locked.deficiency_pending or next_state(before, "terminate") is None:
                continue
            reason = f"容缺材料未在{locked.supplement_due.isoformat()}前补齐"
            _terminate(locked, actor, before, reason)
            numbers.append(locked.case_no)
    return numbers
