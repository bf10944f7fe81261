"""Public verification (no login) and staff download / reprint of certificates."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from onewindow.accounts.models import Role
from onewindow.accounts.permissions import staff_required
from onewindow.core import signing
from onewindow.core.errors import ServiceError
from onewindow.core.ratelimit import rate_limited

from . import sharers
from .models import Certificate
from .printing import COPIES, certificate_pdf
from .selectors import certificate_by_token, verification
from .services import PRINT_ROLES, certificate_print, certificate_void


@require_GET
def verify_page(request, token: str):
    """Anyone, no login: the status and the printed fields of one certificate."""
    if rate_limited(request, "verify"):
        return render(request, "certificates/rate_limited.html", status=429)
    certificate = certificate_by_token(token)
    if certificate is None:
        shared = sharers.page_for(request, token)  # e.g. a 志愿服务记录证明
        return shared or render(request, "certificates/verify.html", {"certificate": None}, status=404)
    return render(request, "certificates/verify.html", {"certificate": certificate, "v": verification(certificate)})


@require_GET
def public_key(request):
    """Anyone: the department's public key, to check exported records offline."""
    return HttpResponse(signing.public_key_pem(), content_type="application/x-pem-file")


def _copy(params) -> str:
    """?copy=original|duplicate prints that sheet only (正本 or 副本); anything else prints both."""
    copy = params.get("copy", "")
    return copy if copy in COPIES else ""


@staff_required(*PRINT_ROLES)
@require_GET
def certificate_download(request, token: str):
    """Window staff: the PDF of the current copy (rendered on first download, then cached)."""
    certificate = get_object_or_404(Certificate, token=token)
    copy = _copy(request.GET)
    response = HttpResponse(certificate_pdf(certificate, copy), content_type="application/pdf")
    name = f"certificate-{certificate.serial}-{certificate.kind}{'-' + copy if copy else ''}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@staff_required(*PRINT_ROLES)
@require_POST
def certificate_reprint(request, token: str):
    """Window staff: count one more copy (audited) and open its PDF (the sheet asked for, or both)."""
    certificate = certificate_by_token(token)
    if certificate is None:
        raise Http404
    copy = _copy(request.POST)
    try:
        certificate_print(certificate=certificate, actor=request.user, sheet=copy)
    except ServiceError as exc:
        return render(request, "certificates/error.html", {"message": exc.message}, status=exc.status)
    url = reverse("certificates:download", kwargs={"token": token})
    return redirect(f"{url}?copy={copy}" if copy else url)


@staff_required(Role.ADMINISTRATOR)
@require_POST
def certificate_void_view(request, token: str):
    """Administrators: void one certificate issued in error, with a reason (audited)."""
    certificate = certificate_by_token(token)
    if certificate is None:
        raise Http404
    try:
        certificate_void(certificate=certificate, reason=request.POST.get("reason", ""), actor=request.user)
    except ServiceError as exc:
        return render(request, "certificates/error.html", {"message": exc.message}, status=exc.status)
    messages.success(request, _("Certificate %(number)s is void.") % {"number": certificate.number})
    return redirect("registry:detail", credit_code=certificate.organisation.credit_code)
