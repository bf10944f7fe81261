"""The register as JSON, mounted at /api/v1/organisations.

Public search (no auth, rate-limited, public fields only); the full record for staff; credit-code
overrides for administrators.
"""

import datetime

from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status

from onewindow.accounts.auth import TokenAuth
from onewindow.accounts.models import Role
from onewindow.accounts.permissions import require_staff_api
from onewindow.certificates.selectors import certificates_of
from onewindow.core.errors import NotFound
from onewindow.core.ratelimit import check_rate

from .models import Organisation
from .selectors import organisation_history, organisation_search
from .services import uscc_override_record

router = Router(tags=["organisations"])


class SearchIn(Schema):
    q: str = ""


class OrganisationPublic(Schema):
    name: str
    credit_code: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    registration_authority: str
    established_on: datetime.date | None


class VersionOut(Schema):
    number: int
    action: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    case_no: str
    data: dict


class CertificateOut(Schema):
    kind: str
    title: str
    number: str
    token: str
    status: str
    superseded_by: str | None
    issued_on: datetime.date
    valid_until: datetime.date
    case_no: str
    print_count: int


class OrganisationDetail(OrganisationPublic):
    items: dict
    charity_recognised_on: datetime.date | None
    fundraising_qualified_on: datetime.date | None
    history: list[VersionOut]
    certificates: list[CertificateOut]


class OverrideIn(Schema):
    code: str
    reason: str


class OverrideOut(Schema):
    code: str
    reason: str


def _public(o: Organisation) -> dict:
    return {"name": o.name, "credit_code": o.credit_code, "kind": o.kind, "kind_label": str(o.get_kind_display()),
            "status": o.status, "status_label": str(o.get_status_display()),
            "registration_authority": o.registration_authority, "established_on": o.established_on}


@router.get("", response=list[OrganisationPublic], auth=None, summary="Search the register (public)")
def search(request, params: Query[SearchIn]):
    """Anyone: organisations whose name contains `q` or whose credit code is `q`; public fields only."""
    check_rate(request, "organisations")
    return [_public(o) for o in organisation_search(params.q[:100])]


@router.post("/overrides", response={201: OverrideOut}, auth=TokenAuth(), summary="Record a credit-code override")
def override(request, body: OverrideIn):
    """Administrators: accept a real credit code that fails its check character (audited)."""
    require_staff_api(request.auth, Role.ADMINISTRATOR)
    record = uscc_override_record(code=body.code, reason=body.reason, actor=request.auth)
    return Status(201, {"code": record.code, "reason": record.reason})


@router.get("/{credit_code}", response=OrganisationDetail, auth=TokenAuth(), summary="Full record (staff)")
def detail(request, credit_code: str):
    """Staff: registered items, history (newest first) and certificates."""
    require_staff_api(request.auth)
    organisation = Organisation.objects.filter(credit_code=credit_code.upper()).first()
    if organisation is None:
        raise NotFound(_("No organisation has this credit code."), code="organisation_not_found")
    certificates = [{
        "kind": c.kind, "title": c.title, "number": c.number, "token": c.token,
        "status": c.effective_status(), "superseded_by": c.superseded_by.number if c.superseded_by else None,
        "issued_on": c.issued_on, "valid_until": c.valid_until, "case_no": c.case_no, "print_count": c.print_count,
    } for c in certificates_of(organisation)]
    return {**_public(organisation), "items": organisation.registered_items(),
            "charity_recognised_on": organisation.charity_recognised_on,
            "fundraising_qualified_on": organisation.fundraising_qualified_on,
            "history": list(organisation_history(organisation)), "certificates": certificates}
