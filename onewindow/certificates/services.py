"""Issuing, re-issuing, voiding, revoking and printing certificates.

Issue services run inside the caller's transaction (the case engine's decide, or registry services) and
number certificates from the per-kind series `certificate:<kind>` (`core.sequences.sequence_next`: never
reused; on PostgreSQL the number of a rolled-back issue is lost, a gap). The PDF is rendered later, on download, never inside the decision transaction.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onewindow.accounts.models import Role
from onewindow.accounts.permissions import require_staff_api
from onewindow.audit.services import audit_log
from onewindow.catalog.models import OrgKind
from onewindow.core import clock, signing
from onewindow.core.errors import Conflict, ValidationFailed
from onewindow.core.sequences import sequence_next
from onewindow.core.tokens import printable_token

from .models import CERTIFICATE_TITLES, Certificate, CertificateKind

VALID_YEARS = 5
# Staff who hand out, download or reprint certificates; supervisors only oversee and do not print.
PRINT_ROLES = (Role.CLERK, Role.CHIEF_APPROVER, Role.REVIEWER, Role.DECISION_MAKER, Role.ADMINISTRATOR)
SUPERVISED_BY = "中华人民共和国民政部监制"

# Province abbreviation for the number prefix, by the first two digits of the area code.
PROVINCE_ABBREVIATIONS = {"11": "京", "31": "沪", "43": "湘", "44": "粤", "42": "鄂", "51": "川", "33": "浙"}
NUMBER_WORDS = {
    CertificateKind.SOCIAL_GROUP: "社证字",
    CertificateKind.PRIVATE_NON_ENTERPRISE: "民证字",
    CertificateKind.FOUNDATION: "基证字",
    CertificateKind.FUNDRAISING: "募证字",
}

REGISTRATION_KIND = {
    OrgKind.SOCIAL_GROUP: CertificateKind.SOCIAL_GROUP,
    OrgKind.PRIVATE_NON_ENTERPRISE: CertificateKind.PRIVATE_NON_ENTERPRISE,
    OrgKind.FOUNDATION: CertificateKind.FOUNDATION,
}


def registration_kind(organisation) -> str:
    """The legal-person registration certificate kind for an organisation's kind."""
    return REGISTRATION_KIND[organisation.kind]


def format_capital(value) -> str:
    if value is None or value == "":
        return ""
    amount = Decimal(str(value))
    if amount and amount % 10000 == 0:
        return f"{amount / 10000:,.0f}万元"
    return f"{amount:,.2f}元"


def printed_fields(organisation, kind: str) -> list[list[str]]:
    """The labelled items printed on a certificate of `kind` (mission.md), in printing order."""
    o = organisation
    capital = format_capital(o.registered_capital)
    if kind == CertificateKind.SOCIAL_GROUP:
        rows = [("名称", o.name), ("住所", o.address), ("宗旨", o.purpose), ("业务范围", o.business_scope),
                ("活动地域", o.activity_area), ("法定代表人", o.legal_representative), ("活动资金", capital),
                ("业务主管单位", o.supervisor_unit)]
    elif kind == CertificateKind.PRIVATE_NON_ENTERPRISE:
        scope = "；".join(part for part in (o.purpose, o.business_scope) if part)
        rows = [("名称", o.name), ("住所", o.address), ("宗旨和业务范围", scope),
                ("法定代表人或负责人", o.legal_representative), ("开办资金", capital),
                ("业务主管单位", o.supervisor_unit)]
    elif kind == CertificateKind.FOUNDATION:
        rows = [("名称", o.name), ("住所", o.address), ("类型", o.foundation_type), ("宗旨", o.purpose),
                ("公益活动的业务范围", o.business_scope), ("原始基金数额", capital),
                ("法定代表人", o.legal_representative), ("业务主管单位", o.supervisor_unit)]
    elif kind == CertificateKind.FUNDRAISING:
        recognised = o.charity_recognised_on.isoformat() if o.charity_recognised_on else ""
        rows = [("慈善组织名称", o.name), ("住所", o.address), ("法定代表人", o.legal_representative),
                ("慈善组织认定日期", recognised)]
    else:  # a new kind needs its own layout: never print another kind's fields
        raise ValueError(f"no printed layout for certificate kind {kind!r}")
    return [[label, value or ""] for label, value in rows]


def valid_until_for(issued_on: datetime.date) -> datetime.date:
    """Five years, ending the day before the anniversary (29 Feb rolls to 28 Feb)."""
    try:
        anniversary = issued_on.replace(year=issued_on.year + VALID_YEARS)
    except ValueError:
        anniversary = issued_on.replace(year=issued_on.year + VALID_YEARS, day=28)
    return anniversary - datetime.timedelta(days=1)


def verify_url(token: str) -> str:
    return settings.ONEWINDOW_PUBLIC_URL.rstrip("/") + f"/verify/{token}"


def _number(kind: str, serial: int) -> str:
    province = PROVINCE_ABBREVIATIONS.get(settings.ONEWINDOW_AREA_CODE[:2], "")
    return f"{province}{NUMBER_WORDS[kind]}第{serial:06d}号"


def _require_transaction():
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("certificate issue services run inside the caller's transaction")


def certificate_issue(*, organisation, kind: str, case_no: str, actor) -> Certificate:
    """Issue a new certificate of `kind` for the organisation as it now stands. Runs in the caller's
    transaction with the organisation row already locked."""
    _require_transaction()
    if kind not in CertificateKind.values:
        raise ValidationFailed(_("Unknown certificate kind."), code="certificate_kind")
    if organisation.status != organisation.Status.REGISTERED:
        raise Conflict(_("Only a registered organisation can be issued a certificate."), code="not_registered")
    today = clock.today()
    serial = sequence_next(f"certificate:{kind}")
    token = printable_token()
    payload = {
        "title": CERTIFICATE_TITLES[kind],
        "kind": kind,
        "number": _number(kind, serial),
        "credit_code": organisation.credit_code,
        "fields": printed_fields(organisation, kind),
        "valid_from": today.isoformat(),
        "valid_until": valid_until_for(today).isoformat(),
        "issuer": settings.ONEWINDOW_DEPARTMENT_NAME,
        "issued_on": today.isoformat(),
        "supervised_by": SUPERVISED_BY,
        "verify_url": verify_url(token),
    }
    signature, key_id = signing.sign(payload)
    certificate = Certificate.objects.create(
        kind=kind, number=payload["number"], serial=serial, token=token, organisation=organisation,
        case_no=case_no, printed=payload, signature=signature, key_id=key_id, issued_on=today,
        valid_until=valid_until_for(today), issued_by=actor if getattr(actor, "pk", None) else None)
    audit_log(action="certificate.issued", actor=actor, obj=certificate,
              changes={"number": certificate.number, "organisation": organisation.credit_code, "case_no": case_no})
    return certificate


def current_printed(organisation, kind: str) -> list[list[str]] | None:
    """The printed fields of the organisation's newest valid certificate of `kind`, if it holds one."""
    certificate = (Certificate.objects.filter(organisation=organisation, kind=kind, status=Certificate.Status.VALID)
                   .order_by("-id").only("printed").first())
    return None if certificate is None else certificate.printed["fields"]


def _current_valid(organisation, kind: str):
    return list(Certificate.objects.select_for_update()
                .filter(organisation=organisation, kind=kind, status=Certificate.Status.VALID).order_by("id"))


def _end(certificate: Certificate, *, status: str, reason: str, actor, action: str, superseded_by=None):
    certificate.status = status
    certificate.ended_reason = reason
    certificate.ended_at = clock.now()
    certificate.superseded_by = superseded_by
    certificate.save(update_fields=["status", "ended_reason", "ended_at", "superseded_by"])
    changes = {"number": certificate.number, "reason": reason}
    if superseded_by is not None:
        changes["superseded_by"] = superseded_by.number
    audit_log(action=action, actor=actor, obj=certificate, changes=changes)


def certificate_reissue(*, organisation, kind: str, case_no: str, actor) -> Certificate:
    """Issue a new certificate after a printed item changed; the valid old ones become superseded."""
    _require_transaction()
    old = _current_valid(organisation, kind)
    new = certificate_issue(organisation=organisation, kind=kind, case_no=case_no, actor=actor)
    for certificate in old:
        _end(certificate, status=Certificate.Status.SUPERSEDED, reason=f"变更登记 {case_no}".strip(),
             actor=actor, action="certificate.superseded", superseded_by=new)
    return new


def certificate_replace(*, organisation, kind: str, reason: str, case_no: str, actor) -> Certificate:
    """补发/换发: void the old number (lost or damaged) and issue a new certificate."""
    _require_transaction()
    old = _current_valid(organisation, kind)
    if not old:
        raise Conflict(_("The organisation holds no valid certificate of this kind to replace."),
                       code="no_certificate")
    for certificate in old:
        _end(certificate, status=Certificate.Status.VOID, reason=reason, actor=actor, action="certificate.voided")
    new = certificate_issue(organisation=organisation, kind=kind, case_no=case_no, actor=actor)
    Certificate.objects.filter(pk__in=[c.pk for c in old]).update(superseded_by=new)
    return new


def certificates_revoke(*, organisation, reason: str, actor) -> list[Certificate]:
    """Revoke every valid certificate of the organisation (deregistration or revocation)."""
    _require_transaction()
    revoked = list(Certificate.objects.select_for_update()
                   .filter(organisation=organisation, status=Certificate.Status.VALID).order_by("id"))
    for certificate in revoked:
        _end(certificate, status=Certificate.Status.REVOKED, reason=reason, actor=actor,
             action="certificate.revoked")
    return revoked


def certificate_void(*, certificate: Certificate, reason: str, actor) -> Certificate:
    """Void one certificate on its own (e.g. issued in error). Administrators only."""
    require_staff_api(actor, Role.ADMINISTRATOR)
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for voiding the certificate."), code="reason_required")
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status != Certificate.Status.VALID:
            raise Conflict(_("Only a valid certificate can be voided."), code="not_valid")
        _end(locked, status=Certificate.Status.VOID, reason=reason.strip(), actor=actor,
             action="certificate.voided")
    return locked


def certificate_print(*, certificate: Certificate, actor, sheet: str = "") -> Certificate:
    """Count one more printed copy (the copy number is printed on it) and audit it, with the sheet
    reprinted (`original` 正本, `duplicate` 副本, or both when blank)."""
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status != Certificate.Status.VALID:
            raise Conflict(_("Only a valid certificate can be printed."), code="not_valid")
        locked.print_count += 1
        locked.save(update_fields=["print_count"])
        audit_log(action="certificate.printed", actor=actor, obj=locked,
                  changes={"copy": locked.print_count, "sheet": sheet or "both"})
    return locked


def certificate_record(certificate: Certificate) -> dict:
    """The electronic licence record: the signed payload, its signature and the key id."""
    return {"format": signing.RECORD_FORMAT, "algorithm": signing.ALGORITHM, "key_id": certificate.key_id,
            "payload": certificate.printed, "signature": certificate.signature}
