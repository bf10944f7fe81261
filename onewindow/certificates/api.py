"""Certificates in the API, mounted at /api/v1/verify: public verification as JSON (no auth,
rate-limited) and the PDF for window staff (token auth)."""

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from onewindow.accounts.auth import TokenAuth
from onewindow.accounts.permissions import require_staff_api
from onewindow.core.errors import NotFound
from onewindow.core.ratelimit import check_rate

from . import sharers
from .printing import certificate_pdf
from .selectors import certificate_by_token, verification
from .services import PRINT_ROLES, certificate_record

router = Router(tags=["certificates"])


class PrintedOut(Schema):
    title: str
    number: str
    credit_code: str
    fields: list[list[str]]
    valid_from: str
    valid_until: str
    issuer: str
    issued_on: str
    supervised_by: str


class NewerOut(Schema):
    number: str
    token: str


class VerificationOut(Schema):
    status: str  # valid, superseded, void, revoked, expired, or invalid (the stored record fails its signature)
    status_label: str
    printed: PrintedOut | None
    superseded_by: NewerOut | None


class RecordOut(Schema):
    format: str
    algorithm: str
    key_id: str
    payload: dict
    signature: str


def _certificate(request, token: str):
    check_rate(request, "verify")
    certificate = certificate_by_token(token)
    if certificate is None:
        raise NotFound(_("No certificate matches this code."), code="certificate_not_found")
    return certificate


@router.get("/{token}", response=VerificationOut, auth=None, summary="Verify a certificate (public)")
def verify(request, token: str):
    """Anyone: status (valid, superseded, void, revoked, expired) and the printed fields."""
    try:
        return verification(_certificate(request, token))
    except NotFound:
        shared = sharers.answer_for(token)  # e.g. a 志愿服务记录证明
        if shared is None:
            raise
        return shared


@router.get("/{token}/record", response=RecordOut, auth=None, summary="The signed electronic licence record")
def record(request, token: str):
    """Anyone: the signed record, to check offline with /verify/public-key.pem."""
    return certificate_record(_certificate(request, token))


@router.get("/{token}/pdf", auth=TokenAuth(), summary="Certificate PDF (window staff)")
def pdf(request, token: str):
    """Clerks, chief approvers, reviewers, decision makers and administrators: the PDF of the current copy."""
    require_staff_api(request.auth, *PRINT_ROLES)
    certificate = certificate_by_token(token)
    if certificate is None:
        raise NotFound(_("No certificate matches this code."), code="certificate_not_found")
    return HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
