"""Certificates (电子证照): the issued record, its signed printed data, and per-kind number sequences.

A certificate never changes what it printed: a change re-issues a new one and marks the old one
superseded; a replacement voids the old number; deregistration revokes. "Expired" is computed from
`valid_until`, not stored.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CertificateKind(models.TextChoices):
    SOCIAL_GROUP = "social_group", _("Social group legal-person registration certificate")
    PRIVATE_NON_ENTERPRISE = "private_non_enterprise", _("Private non-enterprise unit registration certificate")
    FOUNDATION = "foundation", _("Foundation legal-person registration certificate")
    FUNDRAISING = "fundraising", _("Charity public fundraising qualification certificate")


class ReplacementReason(models.TextChoices):
    """Why a certificate is replaced: the values of the `reason` choice field of the 补（换）发 items (stored in
    the case's form data, read by `registry.effects`) and the labels people see for them."""

    LOST = "lost", _("Lost: reissue")
    DAMAGED = "damaged", _("Damaged: exchange")


# The printed titles are data (the wording on the paper), not UI text.
CERTIFICATE_TITLES = {
    CertificateKind.SOCIAL_GROUP: "社会团体法人登记证书",
    CertificateKind.PRIVATE_NON_ENTERPRISE: "民办非企业单位(法人)登记证书",
    CertificateKind.FOUNDATION: "基金会法人登记证书",
    CertificateKind.FUNDRAISING: "慈善组织公开募捐资格证书",
}


class Certificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        SUPERSEDED = "superseded", _("Superseded")
        VOID = "void", _("Void")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")  # computed only, never stored

    kind = models.CharField(_("kind"), max_length=30, choices=CertificateKind.choices)
    number = models.CharField(_("certificate number"), max_length=40)
    serial = models.PositiveIntegerField(_("serial"))
    token = models.CharField(_("verification token"), max_length=40, unique=True)
    organisation = models.ForeignKey("registry.Organisation", models.PROTECT, related_name="certificates",
                                     verbose_name=_("organisation"))
    case_no = models.CharField(_("case number"), max_length=50, blank=True, db_index=True)
    printed = models.JSONField(_("printed data"))  # the canonical, signed payload
    signature = models.CharField(_("signature"), max_length=200)
    key_id = models.CharField(_("signing key id"), max_length=64)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.VALID)
    superseded_by = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="+",
                                      verbose_name=_("superseded by"))
    ended_reason = models.CharField(_("reason"), max_length=200, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    print_count = models.PositiveIntegerField(_("copies printed"), default=0)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("issued by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "serial"], name="certificate_kind_serial"),
                       models.UniqueConstraint(fields=["number"], name="certificate_number_unique")]
        indexes = [models.Index(fields=["organisation", "status"], name="certificate_org_status")]

    def __str__(self):
        return f"{CERTIFICATE_TITLES[self.kind]} {self.number}"

    @property
    def title(self) -> str:
        return CERTIFICATE_TITLES[self.kind]

    def effective_status(self, today: datetime.date | None = None) -> str:
        """The status a verifier sees: a valid certificate past its date is expired."""
        today = today or timezone.localdate()
        if self.status == self.Status.VALID and self.valid_until < today:
            return self.Status.EXPIRED
        return self.status

    @property
    def effective_status_label(self) -> str:
        return str(self.Status(self.effective_status()).label)
