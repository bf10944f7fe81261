"""Every write the public portal makes: one-time codes, sign-up, applications on the applicant's own
cases (through `cases.services`), the result delivery choice and the site inbox. Each write runs in a
transaction, locks the row it changes and is audited."""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from onewindow.accounts.models import User
from onewindow.audit.services import audit_log
from onewindow.cases import services as cases
from onewindow.cases.models import ApplicantKind, Case, CaseMaterial, CaseState, IdType
from onewindow.cases.reuse import represents, reuse_source
from onewindow.catalog.models import Channel, FormField, Material, RegistryAction
from onewindow.core import clock
from onewindow.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from onewindow.core.masking import mask_id_number, mask_mobile
from onewindow.core.mobile import mobile_ok
from onewindow.core.uploads import check_upload
from onewindow.hall.services import collection_slot_lock
from onewindow.registry.identifiers import check_id_number
from onewindow.registry.models import Organisation
from onewindow.registry.services import uscc_accept
from onewindow.workdays import services as workdays

from .models import ApplicantProfile, Binding, DeliveryChoice, Notification, OneTimeCode
from .sms import sms_send

CODE_TTL = datetime.timedelta(minutes=10)
CODE_RESEND_SECONDS = 60
CODE_DAILY_LIMIT = 10
CODE_MAX_ATTEMPTS = 5
SLOT_DAYS_AHEAD = 30
EDITABLE_STATES = (CaseState.DRAFT, CaseState.CORRECTION)


def _code_hash(mobile: str, purpose: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{purpose}:{mobile}:{code}".encode(), hashlib.sha256).hexdigest()


# --- one-time codes ---------------------------------------------------------------------------------

def code_send(*, mobile: str, purpose: str) -> None:
    """Send a 6-digit code by SMS: at most one a minute and ten a day per number and purpose."""
    mobile = (mobile or "").strip()
    if not mobile_ok(mobile):
        raise ValidationFailed(_("Enter an 11-digit mobile number starting with 1."), code="bad_mobile",
                               details={"mobile": "invalid"})
    if purpose not in OneTimeCode.Purpose.values:
        raise ValidationFailed(_("Unknown purpose."), code="bad_purpose")
    now = clock.now()
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        recent = list(OneTimeCode.objects.select_for_update()
                      .filter(mobile=mobile, purpose=purpose, created_at__gte=now - datetime.timedelta(days=1))
                      .order_by("-created_at").values_list("created_at", flat=True))
        if recent and (now - recent[0]).total_seconds() < CODE_RESEND_SECONDS:
            raise Conflict(_("A code was sent less than a minute ago; please wait before asking again."),
                           code="code_too_soon")
        if len(recent) >= CODE_DAILY_LIMIT:
            raise Conflict(_("Too many codes for this number today; please try again tomorrow."),
                           code="code_daily_limit")
        row = OneTimeCode.objects.create(mobile=mobile, purpose=purpose, code_hash=_code_hash(mobile, purpose, code),
                                         expires_at=now + CODE_TTL)
        audit_log(action="portal.code_sent", obj=row, object_repr=mask_mobile(mobile),
                  changes={"mobile": mask_mobile(mobile), "purpose": purpose})
        text = _("Your OneWindow verification code is %(code)s, valid for 10 minutes. Never tell anyone.") % {
            "code": code}
        transaction.on_commit(lambda: sms_send(mobile=mobile, text=text))


def _code_consume(mobile: str, purpose: str, code: str) -> bool:
    """Use the newest live code if `code` matches; count a failed attempt otherwise (kept on failure)."""
    with transaction.atomic():
        row = (OneTimeCode.objects.select_for_update()
               .filter(mobile=mobile, purpose=purpose, used_at=None, expires_at__gt=clock.now(),
                       attempts__lt=CODE_MAX_ATTEMPTS)
               .order_by("-created_at").first())
        if row is None:
            return False
        if not hmac.compare_digest(row.code_hash, _code_hash(mobile, purpose, (code or "").strip())):
            row.attempts += 1
            row.save(update_fields=["attempts"])
            return False
        row.used_at = clock.now()
        row.save(update_fields=["used_at"])
        audit_log(action="portal.code_used", obj=row, object_repr=mask_mobile(mobile),
                  changes={"purpose": purpose})
        return True


def code_check(*, mobile: str, purpose: str, code: str) -> None:
    if not _code_consume((mobile or "").strip(), purpose, code):
        raise ValidationFailed(_("The verification code is wrong or has expired; ask for a new one."),
                               code="bad_code", details={"code": "invalid"})


# --- sign-up ----------------------------------------------------------------------------------------

def _person_errors(full_name: str, id_number: str, mobile: str, password: str) -> dict[str, str]:
    errors = {}
    if not full_name.strip():
        errors["full_name"] = _("Enter your name as on your ID card.")
    result = check_id_number(id_number)
    if not result.ok:
        errors["id_number"] = result.message
    if not mobile_ok(mobile):
        errors["mobile"] = _("Enter an 11-digit mobile number starting with 1.")
    elif User.objects.filter(username=mobile).exists():
        errors["mobile"] = _("An account with this mobile number exists; please sign in.")
    if password and len(password) < 8:
        errors["password"] = _("A password needs at least 8 characters (or leave it empty and sign in with codes).")
    return errors


def _create_account(*, mobile: str, full_name: str, id_number: str, password: str) -> User:
    try:
        with transaction.atomic():
            return User.objects.create(
                username=mobile, kind=User.Kind.APPLICANT, full_name=full_name.strip(), mobile=mobile,
                id_number=id_number.strip().upper(), password=make_password(password or None))
    except IntegrityError:
        raise Conflict(_("An account with this mobile number exists; please sign in."), code="account_exists",
                       details={"mobile": "taken"}) from None


def person_account_of(id_number: str) -> User | None:
    """The personal account already holding this ID number: one per person, so a case history and its
    certificates cannot be split across accounts (or claimed by a second sign-up)."""
    return (User.objects.filter(kind=User.Kind.APPLICANT, id_number=id_number.strip().upper(),
                                portal_profile__kind=ApplicantProfile.Kind.PERSON).only("mobile").first())


def applicant_signup_person(*, full_name: str, id_number: str, mobile: str, code: str, password: str = "") -> User:
    """A natural person: name, a valid ID number and a mobile number confirmed by a one-time code."""
    mobile = mobile.strip()
    errors = _person_errors(full_name, id_number, mobile, password)
    existing = person_account_of(id_number) if "id_number" not in errors else None
    if existing is not None:
        errors["id_number"] = _("A personal account with this ID number exists (mobile %(mobile)s): sign in with "
                                "a code sent to that mobile, or bring your ID card to the window to move it to a "
                                "new mobile.") % {"mobile": mask_mobile(existing.mobile)}
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), details=errors)
    code_check(mobile=mobile, purpose=OneTimeCode.Purpose.SIGNUP, code=code)
    with transaction.atomic():
        user = _create_account(mobile=mobile, full_name=full_name, id_number=id_number, password=password)
        ApplicantProfile.objects.create(user=user, kind=ApplicantProfile.Kind.PERSON,
                                        mobile_verified_at=clock.now())
        audit_log(action="portal.applicant_signed_up", actor=user, obj=user,
                  changes={"kind": "person", "id_number": mask_id_number(user.id_number),
                           "mobile": mask_mobile(mobile)})
    return user


def applicant_signup_organisation(*, organisation_name: str, credit_code: str, handler_name: str,
                                  handler_id_number: str, mobile: str, code: str, authorisation_name: str,
                                  authorisation_content: bytes, password: str = "") -> User:
    """A handler (经办人) for an organisation: the credit code, the handler's identity and a signed
    authorisation letter (PDF or image, checked by content)."""
    mobile, credit_code = mobile.strip(), credit_code.strip().upper()
    errors = _person_errors(handler_name, handler_id_number, mobile, password)
    if "full_name" in errors:
        errors["handler_name"] = errors.pop("full_name")
    if "id_number" in errors:
        errors["handler_id_number"] = errors.pop("id_number")
    if not organisation_name.strip():
        errors["organisation_name"] = _("Enter the organisation's full registered name.")
    result = uscc_accept(credit_code)
    if not result.ok:
        errors["credit_code"] = result.message
    checked = None
    try:
        checked = check_upload(name=authorisation_name or "", content=authorisation_content or b"")
    except ValidationFailed as exc:
        errors["authorisation"] = str(exc.message)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), details=errors)
    code_check(mobile=mobile, purpose=OneTimeCode.Purpose.SIGNUP, code=code)
    with transaction.atomic():
        user = _create_account(mobile=mobile, full_name=handler_name, id_number=handler_id_number, password=password)
        profile = ApplicantProfile(user=user, kind=ApplicantProfile.Kind.ORGANISATION,
                                   organisation_name=organisation_name.strip(), credit_code=credit_code,
                                   authorisation_sha256=checked.sha256, mobile_verified_at=clock.now(),
                                   binding=Binding.PENDING)
        profile.authorisation.save(checked.stored_name, ContentFile(checked.content), save=False)
        profile.save()
        audit_log(action="portal.applicant_signed_up", actor=user, obj=user,
                  changes={"kind": "organisation", "credit_code": credit_code, "handler": handler_name.strip(),
                           "binding": Binding.PENDING,
                           "id_number": mask_id_number(user.id_number), "authorisation": checked.sha256})
    return user


def signin_record(*, user: User, method: str, address: str | None) -> None:
    with transaction.atomic():
        audit_log(action="portal.signed_in", actor=user, obj=user, changes={"method": method, "address": address})


# --- applications -----------------------------------------------------------------------------------

def _profile(user: User) -> ApplicantProfile:
    profile = getattr(user, "portal_profile", None) if getattr(user, "pk", None) else None
    if profile is None or user.kind != User.Kind.APPLICANT:
        raise PermissionDenied(_("Sign in with an applicant account to apply online."))
    return profile


def applicant_of(user: User) -> cases.Applicant:
    """The case's applicant block from the verified account: the person, or the organisation with its
    handler as contact and agent (代办人)."""
    profile = _profile(user)
    if profile.kind == ApplicantProfile.Kind.ORGANISATION:
        # The register's current record, not the name given at sign-up: the organisation may have changed it.
        registered = Organisation.objects.filter(credit_code=profile.credit_code).first()
        return cases.Applicant(kind=ApplicantKind.ORGANISATION, id_type=IdType.USCC,
                               name=registered.name if registered else profile.organisation_name,
                               address=registered.address if registered else "",
                               legal_representative=registered.legal_representative if registered else "",
                               id_number=profile.credit_code, contact_name=user.full_name,
                               contact_mobile=user.mobile, agent_name=user.full_name,
                               agent_id_number=user.id_number, agent_mobile=user.mobile)
    return cases.Applicant(kind=ApplicantKind.PERSON, name=user.full_name, id_type=IdType.RESIDENT_ID,
                           id_number=user.id_number, contact_name=user.full_name, contact_mobile=user.mobile)


def application_start(*, actor: User, item, channel: str = Channel.PC) -> Case:
    """Open a draft case for `item`, or return the applicant's existing draft of it."""
    applicant = applicant_of(actor)
    if channel not in (Channel.PC, Channel.MOBILE):
        raise ValidationFailed(_("Unknown channel."), code="bad_channel")
    version = item.current_version
    profile = _profile(actor)
    if (profile.kind == ApplicantProfile.Kind.ORGANISATION and profile.binding != Binding.BOUND
            and (version is None or version.registry_action != RegistryAction.ESTABLISH)):
        raise PermissionDenied(_("This account is not yet bound to the organisation; it can apply only for a "
                                 "new organisation until staff or the organisation's account approve it."),
                               code="organisation_not_bound")
    if version is not None and not version.online:
        raise ValidationFailed(_("This item cannot be applied for online; please come to the window."),
                               code="not_online")
    with transaction.atomic():
        # Lock the account row so two clicks on "start" open one draft, not two.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        existing = Case.objects.filter(owner=actor, item=item, state=CaseState.DRAFT).order_by("-created_at").first()
        if existing is not None:
            return existing
        return cases.case_create(actor=actor, item=item, applicant=applicant,
                                 form_data=_prefill(version, applicant, actor),
                                 channel=channel, submit=False)


def _prefill(version, applicant: cases.Applicant, actor: User) -> dict:
    """一次采集多方利用: start a change form from what the register holds; the applicant edits what changes.
    Only for an account bound to the organisation: the register holds non-public data."""
    if applicant.id_type != IdType.USCC or not represents(actor, applicant.id_number):
        return {}
    organisation = Organisation.objects.filter(credit_code=applicant.id_number,
                                               status=Organisation.Status.REGISTERED).first()
    if organisation is None:
        return {}
    registered = organisation.registered_items()
    return {f.key: str(registered[f.key]) for f in version.form_fields.all()
            if registered.get(f.key) not in (None, "")}


def _owned(case: Case, actor: User) -> Case:
    locked = Case.objects.select_for_update(of=("self",)).select_related("item_version").filter(pk=case.pk).first()
    if locked is None or locked.owner_id is None or locked.owner_id != getattr(actor, "pk", None):
        raise NotFound(_("No such case."))
    return locked


def _number_ok(value: str) -> bool:
    try:
        return float(value.replace(",", "")) >= 0
    except ValueError:
        return False


def form_errors(version, data: dict, *, final: bool) -> dict[str, str]:
    """Type checks always; required fields only when the application is submitted."""
    errors = cases.validate_form_data(version, data) if final else {}
    for field in version.form_fields.all():
        value = str(data.get(field.key) or "").strip()
        if not value or f"form.{field.key}" in errors:
            continue
        if field.type in (FormField.Type.NUMBER, FormField.Type.MONEY) and not _number_ok(value):
            errors[f"form.{field.key}"] = _("“%(label)s” must be a number.") % {"label": field.label}
        elif field.type == FormField.Type.DATE:
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                errors[f"form.{field.key}"] = _("“%(label)s” must be a date (YYYY-MM-DD).") % {"label": field.label}
        elif field.type == FormField.Type.CHOICE and field.choices and value not in field.choices:
            errors[f"form.{field.key}"] = _("“%(label)s” must be one of the listed choices.") % {"label": field.label}
    return errors


def draft_save(*, case: Case, actor: User, form_data: dict) -> Case:
    """Autosave of the application form: keeps only the version's fields; refuses badly typed values
    with the field named, and saves nothing then."""
    with transaction.atomic():
        case = _owned(case, actor)
        if case.state != CaseState.DRAFT:
            raise Conflict(_("This application has been submitted; the form can no longer be changed."),
                           code="not_draft", details={"state": case.state})
        keys = [f.key for f in case.item_version.form_fields.all()]
        data = {key: str(form_data.get(key) or "").strip()[:2000] for key in keys}
        errors = form_errors(case.item_version, data, final=False)
        if errors:
            raise ValidationFailed(_("Please correct the marked fields."), details=errors)
        if data != case.form_data:
            changed = sorted(k for k in keys if data.get(k) != (case.form_data or {}).get(k))
            Case.objects.filter(pk=case.pk, state=CaseState.DRAFT).update(form_data=data)
            case.form_data = data
            audit_log(action="portal.draft_saved", actor=actor, obj=case, changes={"fields": changed})
    return case


def material_reuse(*, case: Case, actor: User, material: Material) -> CaseMaterial:
    """免提交: take the material from the department's own records instead of an upload."""
    organisation = reuse_source(case, actor)
    if organisation is None or not material.reusable_as:
        raise ValidationFailed(_("“%(name)s” cannot be taken from department records.") % {"name": material.name},
                               code="material_not_reusable", details={"material": material.key})
    return cases.case_material_record(case=case, actor=actor, material=material, mode=CaseMaterial.Mode.REUSED,
                                      reused_ref=f"{material.reusable_as}:{organisation.credit_code}")


def material_upload(*, case: Case, actor: User, material: Material, name: str, content: bytes):
    return cases.case_material_upload(case=case, actor=actor, material=material, name=name, content=content)


def outstanding(case: Case, *, final: bool) -> list[CaseMaterial]:
    """Materials still needed: all required ones for a correction; at first submission the secondary ones
    may follow later (容缺)."""
    rows = case.materials.select_related("material").order_by("material__order", "material_id")
    return [row for row in rows if row.material.required and not row.is_present
            and (final or not row.material.secondary)]


def application_submit(*, case: Case, actor: User) -> Case:
    """Submit the draft (form complete, core materials in) or answer a correction notice (every
    required material in). The case engine records the transition."""
    with transaction.atomic():
        case = _owned(case, actor)
        if case.state not in EDITABLE_STATES:
            raise Conflict(_("This application has already been submitted."), code="not_editable",
                           details={"state": case.state})
        correction = case.state == CaseState.CORRECTION
        errors = {} if correction else form_errors(case.item_version, case.form_data or {}, final=True)
        missing = outstanding(case, final=correction)
        for row in missing:
            errors[f"material.{row.material_id}"] = _("Upload “%(name)s”.") % {"name": row.material.name}
        if errors:
            raise ValidationFailed(_("The application is not complete yet."), code="incomplete", details=errors)
        if correction:
            return cases.case_resubmit(case=case, actor=actor, opinion=_("Corrections submitted online"))
        _applicant_refresh(case, actor)
        return cases.case_submit(case=case, actor=actor)


def _applicant_refresh(case: Case, actor: User) -> None:
    """A draft started before the organisation's change of name is filed under its current name."""
    if case.organisation_id is None:
        return
    current = Organisation.objects.filter(pk=case.organisation_id).values_list("name", flat=True).first()
    if current and current != case.applicant_name:
        audit_log(action="case.applicant_renamed", actor=actor, obj=case,
                  changes={"applicant_name": [case.applicant_name, current]})
        case.applicant_name = current
        case.save(update_fields=["applicant_name"])


# --- delivery ---------------------------------------------------------------------------------------

def delivery_choose(*, case: Case, actor: User, method: str, slot_date: datetime.date | None = None,
                    slot_period: str = "", recipient: str = "", recipient_mobile: str = "",
                    address: str = "") -> DeliveryChoice:
    """Collect at the window in a bookable half-day slot (working days, limited places) or by post."""
    with transaction.atomic():
        case = _owned(case, actor)
        if case.state in (CaseState.ISSUED, CaseState.COMPLETED):
            raise Conflict(_("The result has already been handed out."), code="already_issued",
                           details={"state": case.state})
        errors = {}
        values = {"method": method, "slot_date": None, "slot_period": "", "recipient": "", "recipient_mobile": "",
                  "address": ""}
        if method == DeliveryChoice.Method.WINDOW:
            today = cases.today()
            if slot_date is None or slot_date <= today or slot_date > today + datetime.timedelta(days=SLOT_DAYS_AHEAD):
                errors["slot_date"] = _("Choose a day within the next %(n)d days.") % {"n": SLOT_DAYS_AHEAD}
            elif not workdays.is_working_day(slot_date):
                errors["slot_date"] = _("The window is closed on that day; choose a working day.")
            if slot_period not in DeliveryChoice.Period.values:
                errors["slot_period"] = _("Choose morning or afternoon.")
            if not errors:
                # The slot row is locked (created on first use) so concurrent bookings count one at a time.
                slot = collection_slot_lock(date=slot_date, period=slot_period, capacity=settings.PORTAL_SLOT_CAPACITY)
                taken = (DeliveryChoice.objects.filter(slot_date=slot_date, slot_period=slot_period)
                         .exclude(case=case).count())
                if taken >= slot.capacity:
                    errors["slot_period"] = _("This slot is full; choose another.")
            values.update(slot_date=slot_date, slot_period=slot_period)
        elif method == DeliveryChoice.Method.POST:
            if not case.item_version.supports_delivery:
                errors["method"] = _("This item's result cannot be sent by post.")
            if not recipient.strip():
                errors["recipient"] = _("Enter the recipient's name.")
            if not mobile_ok(recipient_mobile.strip()):
                errors["recipient_mobile"] = _("Enter an 11-digit mobile number starting with 1.")
            if len(address.strip()) < 6:
                errors["address"] = _("Enter the full postal address.")
            values.update(recipient=recipient.strip(), recipient_mobile=recipient_mobile.strip(),
                          address=address.strip())
        else:
            errors["method"] = _("Choose how to receive the result.")
        if errors:
            raise ValidationFailed(_("Please correct the marked fields."), details=errors)
        choice, created = DeliveryChoice.objects.update_or_create(case=case, defaults=values)
        audit_log(action="portal.delivery_chosen", actor=actor, obj=case,
                  changes={"method": method, "slot": f"{values['slot_date'] or ''} {values['slot_period']}".strip(),
                           "created": created})
    return choice


# --- notifications ----------------------------------------------------------------------------------

def notification_send(*, case: Case, event: str, text: str) -> Notification | None:
    """Put a message in the case owner's inbox and send it by SMS to the contact mobile after commit."""
    if case.owner_id is None:
        return None
    with transaction.atomic():
        note = Notification.objects.create(user_id=case.owner_id, case=case, event=event, text=text[:500])
        audit_log(action="portal.notified", obj=case, changes={"event": event})
        mobile = case.contact_mobile
        transaction.on_commit(lambda: sms_send(mobile=mobile, text=text))
    return note


def notifications_mark_read(*, user: User) -> int:
    with transaction.atomic():
        count = Notification.objects.filter(user=user, read_at=None).update(read_at=clock.now())
        if count:
            audit_log(action="portal.notifications_read", actor=user, obj=user, changes={"count": count})
    return count
