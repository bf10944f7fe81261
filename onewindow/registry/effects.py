"""What a granted case does to the register and its certificates.

The case engine calls `case_grant_apply` inside its decide transaction; any error rolls the whole
decision back, so a refused or failed grant changes nothing here.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from onewindow.catalog.models import OrgKind, RegistryAction
from onewindow.certificates import services as certificates
from onewindow.certificates.models import Certificate, CertificateKind
from onewindow.core.errors import ValidationFailed

from . import services
from .models import Organisation

REPLACEMENT_REASONS = {"lost": "遗失补发", "damaged": "损坏换发"}


@dataclass
class GrantEffect:
    organisation: Organisation | None
    certificates: list[Certificate] = field(default_factory=list)


def _kind_for_establishment(case) -> str:
    kinds = list(case.item_version.org_kinds or [])
    chosen = (case.form_data or {}).get("org_kind") or (kinds[0] if len(kinds) == 1 else "")
    if chosen not in OrgKind.values or (kinds and chosen not in kinds):
        raise ValidationFailed(_("Choose the kind of organisation to establish."), code="org_kind")
    return chosen


def _organisation_of(case) -> Organisation:
    """The case's organisation, locked first so concurrent grants on it queue (certificates included)."""
    organisation = getattr(case, "organisation", None)
    if organisation is None:
        raise ValidationFailed(_("The case names no organisation to act on."), code="organisation_required")
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def case_grant_apply(*, case, actor) -> GrantEffect:
    """Apply a granted case to the register: new version with the case number, certificates issued,
    re-issued, voided or revoked, all audited. Returns what it did."""
    action = case.item_version.registry_action
    data = case.form_data or {}
    case_no = case.case_no
    if action == RegistryAction.NONE:
        return GrantEffect(None, [])

    if action == RegistryAction.ESTABLISH:
        organisation = services.organisation_establish(
            kind=_kind_for_establishment(case), data=data, case_no=case_no, actor=actor,
            charter=str(data.get("charter") or ""))
        issued = certificates.certificate_issue(organisation=organisation,
                                                kind=certificates.registration_kind(organisation),
                                                case_no=case_no, actor=actor)
        return GrantEffect(organisation, [issued])

    organisation = _organisation_of(case)
    if action == RegistryAction.CHANGE:
        organisation, _changes = services.organisation_change(organisation=organisation, data=data,
                                                              case_no=case_no, actor=actor)
        registration = certificates.registration_kind(organisation)
        issued = []
        # Compare what each valid certificate printed with what it would print now.
        for kind in (registration, CertificateKind.FUNDRAISING):
            printed = certificates.current_printed(organisation, kind)
            if printed is None and kind == registration:  # e.g. imported without a certificate record
                issued.append(certificates.certificate_issue(organisation=organisation, kind=kind,
                                                             case_no=case_no, actor=actor))
            elif printed is not None and printed != certificates.printed_fields(organisation, kind):
                issued.append(certificates.certificate_reissue(organisation=organisation, kind=kind,
                                                               case_no=case_no, actor=actor))
        return GrantEffect(organisation, issued)

    if action == RegistryAction.CHARTER:
        services.organisation_charter_approve(organisation=organisation, text=str(data.get("charter") or ""),
                                              case_no=case_no, actor=actor)
        return GrantEffect(organisation, [])

    if action == RegistryAction.DEREGISTER:
        reason = str(data.get("reason") or "").strip() or "注销登记"
        organisation = services.organisation_deregister(organisation=organisation, reason=reason,
                                                        case_no=case_no, actor=actor)
        certificates.certificates_revoke(organisation=organisation, reason=f"注销登记 {case_no}".strip(),
                                         actor=actor)
        return GrantEffect(organisation, [])

    if action == RegistryAction.CHARITY:
        organisation = services.organisation_charity_recognise(organisation=organisation, case_no=case_no,
                                                               actor=actor)
        return GrantEffect(organisation, [])

    if action == RegistryAction.FUNDRAISING:
        organisation = services.organisation_fundraising_qualify(organisation=organisation, case_no=case_no,
                                                                 actor=actor)
        issued = certificates.certificate_issue(organisation=organisation, kind=CertificateKind.FUNDRAISING,
                                                case_no=case_no, actor=actor)
        return GrantEffect(organisation, [issued])

    if action == RegistryAction.REPLACE_CERTIFICATE:
        reason = REPLACEMENT_REASONS.get(str(data.get("reason") or "").strip())
        if reason is None:
            raise ValidationFailed(_("Say whether the certificate was lost or damaged."), code="reason")
        issued = certificates.certificate_replace(organisation=organisation,
                                                  kind=certificates.registration_kind(organisation),
                                                  reason=reason, case_no=case_no, actor=actor)
        return GrantEffect(organisation, [issued])

    raise ValidationFailed(_("Unknown register action."), code="registry_action")
