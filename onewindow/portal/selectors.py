"""Reads for the portal: the catalog grouped for applicants, the applicant's own cases and
certificates, the inbox, and the public progress query."""

import hmac

from django.db.models import Prefetch, Q, QuerySet

from onewindow.cases.models import (
    GUIDE_COLUMNS,
    Case,
    CaseDocument,
    CaseMaterial,
    CaseState,
    CaseStep,
    IdType,
)
from onewindow.cases.querycode import query_code_matches
from onewindow.catalog.models import OrgKind
from onewindow.catalog.selectors import published_items
from onewindow.certificates.models import Certificate

from .models import Notification


def services_grouped(*, q: str = "", org_kind: str = "") -> dict:
    """Published items for the service finder: by life event (topics) and by organisation kind.
    One query; an item appears under each of its topics and kinds."""
    items = list(published_items(q=q, org_kind=org_kind))
    by_topic: dict[str, list] = {}
    by_kind: dict[str, list] = {label: [] for _value, label in OrgKind.choices}
    for item in items:
        version = item.current_version
        for topic in version.topics or [""]:
            by_topic.setdefault(topic, []).append(item)
        for kind in version.org_kinds or []:
            if kind in OrgKind.values:
                by_kind[str(OrgKind(kind).label)].append(item)
    topics = sorted(by_topic.items(), key=lambda pair: (pair[0] == "", -len(pair[1]), pair[0]))
    return {"items": items, "by_topic": topics, "by_kind": [(k, v) for k, v in by_kind.items() if v]}


def my_cases(user) -> QuerySet[Case]:
    return (Case.objects.filter(owner=user).select_related("item_version", "portal_delivery")
            .order_by("-created_at"))


def case_for_owner(user, case_no: str) -> Case | None:
    """One case of this applicant with its timeline, materials, files and notices (fixed query count)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return _case_detail(Case.objects.filter(owner=user, case_no=case_no))


def _case_detail(qs: QuerySet[Case]) -> Case | None:
    materials = Prefetch("materials", queryset=CaseMaterial.objects.select_related("material")
                         .prefetch_related("files").order_by("material__order", "material_id"))
    # The item's guide texts and the notices' snapshots (read only to print them) are left out.
    documents = CaseDocument.objects.defer("data").order_by("created_at")
    return (qs.select_related("item_version", "item", "portal_delivery").defer(*GUIDE_COLUMNS)
            .prefetch_related(materials, Prefetch("steps", queryset=CaseStep.objects.order_by("ended_at", "id")),
                              "pauses", Prefetch("documents", queryset=documents))
            .first())


def case_public(case_no: str) -> Case | None:
    """A case for the progress page (no owner check here: callers check the proof)."""
    return _case_detail(Case.objects.filter(case_no=case_no))


def case_for_proof(case_no: str) -> Case | None:
    """Only what the progress query compares: the full case is read after the redirect."""
    return (Case.objects.only("case_no", "state", "contact_mobile", "id_type", "id_number", "agent_mobile")
            .filter(case_no=case_no).first())


def progress_proof_matches(case: Case, last4: str) -> bool:
    """The query code printed on the acceptance notice and the receipt (cases.querycode), or the last four
    digits of the contact (or agent's) mobile, or of a person's ID number. Not of a credit code: an
    organisation's credit code is public, so it proves nothing."""
    last4 = (last4 or "").strip().upper()
    if query_code_matches(case.case_no, last4):
        return True
    if len(last4) != 4:
        return False
    candidates = [case.contact_mobile[-4:], case.agent_mobile[-4:]]
    if case.id_type != IdType.USCC:
        candidates.append(case.id_number[-4:].upper())
    return any(len(c) == 4 and hmac.compare_digest(c, last4) for c in candidates)


def organisation_code(user) -> str:
    """The credit code of the organisation an organisation account acts for ("" for a person)."""
    profile = getattr(user, "portal_profile", None)
    return profile.credit_code if profile is not None and profile.kind == profile.Kind.ORGANISATION else ""


def _organisation_certificates(code: str) -> Q:
    return Q(organisation__credit_code=code, status=Certificate.Status.VALID) if code else Q(pk__in=[])


def my_certificates(user) -> list[Certificate]:
    """What the account's own cases issued, and, for an organisation account, every valid certificate of
    the organisation, wherever it was issued (at the window, imported with the register)."""
    own = Q(case_no__in=Case.objects.filter(owner=user).exclude(case_no="").values("case_no"))
    return list(Certificate.objects.filter(own | _organisation_certificates(organisation_code(user)))
                .select_related("organisation", "superseded_by").order_by("-id"))


def organisation_window_cases(user) -> list[Case]:
    """For an organisation account: the organisation's cases it did not file itself (at the window, by
    another handler), newest first, to list read-only."""
    code = organisation_code(user)
    if not code:
        return []
    return list(Case.objects.filter(Q(organisation__credit_code=code) | Q(id_type=IdType.USCC, id_number=code))
                .exclude(owner=user).exclude(state=CaseState.DRAFT).select_related("item_version")
                .defer(*GUIDE_COLUMNS).order_by("-created_at")[:100])


def certificate_for_owner(user, token: str) -> Certificate | None:
    """A certificate the account may download: issued by one of its cases, or a valid one of its organisation."""
    certificate = Certificate.objects.filter(token=token).select_related("organisation").first()
    if certificate is None:
        return None
    code = organisation_code(user)
    if code and certificate.organisation.credit_code == code and certificate.status == Certificate.Status.VALID:
        return certificate
    if not certificate.case_no or not Case.objects.filter(owner=user, case_no=certificate.case_no).exists():
        return None
    return certificate


def inbox(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("case").order_by("-created_at", "-id")


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at=None).count()
