"""What each notice and decision says, beyond the case's name and number.

`details(case, kind)` adds to a document's snapshot, when the document is made, everything the paper must
say on its own (the materials received, what was approved and what changed, the legal basis, the
applicant's remedies, the rule for correcting): a notice is read by the applicant, a lawyer or a court
long after, so it states the facts as they were that day, in Chinese (documents are data, not UI).
`render_context(document)` is what the PDF template gets: the snapshot plus the links that depend on
where the site is served now (the QR code and progress address follow ONEWINDOW_PUBLIC_URL).
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from onewindow.catalog.models import RegistryAction
from onewindow.certificates.models import CERTIFICATE_TITLES
from onewindow.certificates.services import format_capital
from onewindow.core.pdf import qr_data_uri
from onewindow.registry.models import ITEMS_BY_KIND, REGISTERED_ITEMS, Organisation, OrganisationVersion
from onewindow.registry.validation import ITEM_LABELS

from . import conf
from .models import Case, CaseDocument
from .querycode import progress_query_code

K = CaseDocument.Kind

# Registrations are decided by a 准予登记决定书; other grants by a 准予许可决定书.
REGISTRATION_ACTIONS = {RegistryAction.ESTABLISH, RegistryAction.CHANGE, RegistryAction.DEREGISTER}
# 行政许可法 Art. 32(4): one notice names everything to correct. No statute fixes the consequence of not
# correcting; the wording is the department's, from settings (ONEWINDOW_CORRECTION_RULE) or this default.
CORRECTION_RULE = ("请按本告知书列明的内容一次性补正全部材料后重新提交；补正期间不计入办理时限。"
                   "未补正或补正后仍不符合要求的，本机关将依法作出不予受理的决定。")
# What happens on lapse: `deficiencies_expire` terminates the case (the result is never handed out before).
DEFICIENCY_LAPSE = "逾期未补齐或补齐的材料不符合要求的，本机关将终止办理本申请，办理结果不予出具。"


def _materials_received(case: Case) -> list[dict]:
    rows = case.materials.select_related("material").order_by("material__order", "material_id")
    return [{"name": m.material.name, "mode": str(m.get_mode_display()), "original_seen": m.original_seen,
             "copies": m.copies} for m in rows if m.is_present]


def _registered_rows(organisation) -> list[list[str]]:
    """The organisation's registered items as they now stand: [label, value], printed labels."""
    rows = [["名称", organisation.name], ["统一社会信用代码", organisation.credit_code]]
    for key in ITEMS_BY_KIND[organisation.kind]:
        if key == "name":
            continue
        value = getattr(organisation, key)
        rows.append([str(ITEM_LABELS[key]), format_capital(value) if key == "registered_capital" else (value or "")])
    return rows


def _changes(case: Case) -> list[list[str]]:
    """[label, before, after] for each registered item this case changed (from the register's versions)."""
    # Called in the decide transaction right after the register appended this case's version: the newest
    # two versions are after and before.
    versions = list(OrganisationVersion.objects.filter(organisation=case.organisation_id).order_by("-number")[:2])
    if len(versions) < 2 or versions[0].case_no != case.case_no:
        return []
    after, before = versions[0].data, versions[1].data

    def shown(key, value):
        return format_capital(value) if key == "registered_capital" else (value or "")

    return [[str(ITEM_LABELS[key]), shown(key, before.get(key)), shown(key, after.get(key))]
            for key in REGISTERED_ITEMS if before.get(key) != after.get(key)]


def _certificates(case: Case) -> list[dict]:
    return [{"title": CERTIFICATE_TITLES.get(c["kind"], ""), "number": c["number"]} for c in case.result_certificates]


def _grant(case: Case) -> dict:
    version = case.item_version
    registration = version.registry_action in REGISTRATION_ACTIONS
    data = {"title": "准予登记决定书" if registration else "准予许可决定书",
            "legal_basis": version.legal_basis, "result_name": version.result_name,
            "certificate_list": _certificates(case)}
    if case.organisation_id:
        # Re-read: the grant has just changed the row, and the case may hold the instance from before.
        organisation = Organisation.objects.get(pk=case.organisation_id)
        data["registered"] = _registered_rows(organisation)
        if version.registry_action == RegistryAction.CHANGE:
            data["changes"] = _changes(case)
    return data


def details(case: Case, kind: str) -> dict:
    """The kind-specific part of a document's snapshot (see the module docstring)."""
    version = case.item_version
    common = {"received_on": case.received_on.isoformat() if case.received_on else None,
              "complaint_phone": version.complaint_phone, "consult_phone": version.consult_phone}
    with translation.override("zh-hans"):
        if kind == K.ACCEPTANCE:
            return {**common, "accepted_on": case.accepted_on.isoformat() if case.accepted_on else None,
                    "statutory_due": case.statutory_due.isoformat() if case.statutory_due else None,
                    "due_provisional": case.due_provisional, "materials": _materials_received(case)}
        if kind == K.CORRECTION:
            return {**common, "correction_rule": getattr(settings, "ONEWINDOW_CORRECTION_RULE", "") or CORRECTION_RULE}
        if kind == K.DEFICIENCY:
            return {**common, "commitment_signed": case.commitment_signed, "lapse": DEFICIENCY_LAPSE,
                    "promised_due": case.promised_due.isoformat() if case.promised_due else None}
        if kind == K.GRANT:
            return {**common, **_grant(case)}
        if kind in (K.REFUSAL, K.NON_ACCEPTANCE, K.TERMINATION):
            return {**common, "legal_basis": version.legal_basis, "remedies": conf.remedies(version.implementing_body)}
        if kind == K.DELIVERY:
            delivered = [f"{d.data.get('title') or d.get_kind_display()} {d.number}" for d in
                         case.documents.filter(kind__in=[K.GRANT, K.REFUSAL]).order_by("id")]
            issued = timezone.localtime(case.issued_at) if case.issued_at else timezone.localtime()
            return {**common, "delivered": delivered, "certificate_list": _certificates(case),
                    "issued_at": issued.strftime("%Y-%m-%d %H:%M")}
    return common


def render_context(document: CaseDocument) -> dict:
    """Template context of a document's PDF: the snapshot, its title and the links of the case as served now."""
    data = document.data
    if document.kind in (K.REFUSAL, K.NON_ACCEPTANCE, K.TERMINATION) and "remedies" not in data:
        # Snapshots from before the remedies were recorded (or bulk-loaded history): Art. 38 still applies.
        data = {**data, "remedies": conf.remedies(data.get("department", ""))}
    progress_url = conf.public_progress_url(data["case_no"])
    with translation.override("zh-hans"):
        title = data.get("title") or str(document.get_kind_display())
    complaint_url = settings.ONEWINDOW_PUBLIC_URL.rstrip("/") + reverse("ratings:complaint_new")
    return {"doc": document, "data": data, "title": title, "progress_url": progress_url,
            "qr": qr_data_uri(progress_url), "complaint_url": complaint_url,
            "query_code": progress_query_code(data["case_no"]),
            # The kind's own body; a kind without one (yet) prints the common facts and its reasons.
            "body": [f"cases/pdf/kinds/{document.kind}.html", "cases/pdf/kinds/_common.html"]}
