"""Reads of certificates, including what public verification may show."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.core import signing

from .models import Certificate


def certificate_by_token(token: str) -> Certificate | None:
    return Certificate.objects.select_related("superseded_by").filter(token=token).first()


def certificates_of(organisation) -> QuerySet[Certificate]:
    return Certificate.objects.filter(organisation=organisation).select_related("superseded_by").order_by("-id")


def certificates_for_cases(case_nos: list[str]) -> QuerySet[Certificate]:
    """Certificates issued by these cases (the result handed out, e.g. for an applicant's list)."""
    return (Certificate.objects.filter(case_no__in=case_nos).select_related("organisation", "superseded_by")
            .order_by("-id"))


def certificates_of_case(case_no: str) -> QuerySet[Certificate]:
    """Every certificate a case issued (valid or since ended), in issuing order: the case page prints them."""
    return Certificate.objects.filter(case_no=case_no).select_related("organisation").order_by("id")


INVALID = "invalid"


def verification(certificate: Certificate) -> dict:
    """What the public sees: the status and the printed data, nothing the certificate does not show.
    A stored record that no longer matches its signature is 无效 and shows nothing of what it claims."""
    if not signing.certificate_authentic(certificate):
        return {"status": INVALID, "status_label": str(_("Invalid")), "printed": None, "superseded_by": None}
    status = certificate.effective_status(timezone.localdate())
    result = {
        "status": status,
        "status_label": str(Certificate.Status(status).label),
        "printed": {key: certificate.printed[key] for key in (
            "title", "number", "credit_code", "fields", "valid_from", "valid_until", "issuer", "issued_on",
            "supervised_by")},
        "superseded_by": None,
    }
    newer = certificate.superseded_by
    if newer is not None:
        result["superseded_by"] = {"number": newer.number, "token": newer.token}
    return result
