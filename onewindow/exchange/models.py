"""Exchange with the provincial integrated government service platform.

Outbound rows are written to the outbox in the same transaction as the change they report, then
delivered by the task worker in batches, signed, retried with backoff, and parked as dead letters after
too many failures. Code mappings are data, one set per platform profile.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlatformProfile(models.Model):
    """One receiving platform: where to send, how to sign, and which code list it speaks."""

    class Signing(models.TextChoices):
        HMAC_SHA256 = "hmac-sha256", "HMAC-SHA256"

    class Purpose(models.TextChoices):
        REPORT = "report", _("Receives case reports (上报)")
        CALLBACK = "callback", _("Receives status callbacks of subscribed cases")

    name = models.SlugField(_("name"), max_length=50, unique=True)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.REPORT)
    title = models.CharField(_("title"), max_length=100)
    endpoint_url = models.URLField(_("endpoint"), blank=True,
                                   help_text=_("Rows are POSTed here; empty means the profile only maps codes"))
    ack_url = models.URLField(_("acknowledgement query address"), blank=True)
    secret = models.CharField(_("shared secret"), max_length=200, blank=True)
    signing = models.CharField(_("signature algorithm"), max_length=20, choices=Signing.choices,
                               default=Signing.HMAC_SHA256)
    data_source_code = models.CharField(_("data source code"), max_length=50, default="onewindow")
    batch_size = models.PositiveIntegerField(_("batch size"), default=100)
    max_attempts = models.PositiveIntegerField(_("attempts before parking"), default=8)
    timeout_seconds = models.FloatField(_("timeout (seconds)"), default=10)
    active = models.BooleanField(_("active"), default=False)

    class Meta:
        verbose_name = _("platform profile")
        verbose_name_plural = _("platform profiles")

    def __str__(self):
        return self.title


class CodeMapping(models.Model):
    """Our meaning → the platform's code, per field (e.g. satisfaction "very_satisfied" → "1")."""

    profile = models.ForeignKey(PlatformProfile, models.CASCADE, related_name="mappings", verbose_name=_("profile"))
    field = models.CharField(_("field"), max_length=50)
    meaning = models.CharField(_("our value"), max_length=50)
    code = models.CharField(_("platform code"), max_length=50)

    class Meta:
        verbose_name = _("code mapping")
        verbose_name_plural = _("code mappings")
        constraints = [models.UniqueConstraint(fields=["profile", "field", "meaning"], name="code_mapping_unique")]

    def __str__(self):
        return f"{self.field}: {self.meaning} → {self.code}"


class OutboxRow(models.Model):
    class Kind(models.TextChoices):
        ACCEPTANCE = "acceptance", _("Acceptance")
        PROCESS = "process", _("Handling step")
        SPECIAL = "special", _("Special procedure")
        COMPLETION = "completion", _("Completion")
        EVALUATION = "evaluation", _("Evaluation")
        STATUS = "status", _("Status callback")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        DEAD = "dead", _("Parked (dead letter)")

    class Operation(models.TextChoices):
        INSERT = "I", _("Insert")
        UPDATE = "U", _("Update")
        DELETE = "D", _("Delete")

    guid = models.UUIDField(_("row GUID"), default=uuid.uuid4, unique=True, editable=False)
    profile = models.ForeignKey(PlatformProfile, models.PROTECT, related_name="outbox", verbose_name=_("profile"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    operation = models.CharField(_("operation"), max_length=1, choices=Operation.choices, default=Operation.INSERT)
    case_no = models.CharField(_("case number"), max_length=50, db_index=True)
    payload = models.JSONField(_("payload"))  # our meanings; codes are mapped at delivery
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    batch_no = models.CharField(_("batch number"), max_length=40, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox row")
        verbose_name_plural = _("outbox")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["profile", "status", "id"], name="outbox_due"),
            models.Index(fields=["profile", "case_no", "status"], name="outbox_case_order"),
        ]

    def __str__(self):
        return f"{self.kind} {self.case_no} ({self.status})"


class PlatformClient(models.Model):
    """A platform (or app) that calls our API: client id + secret → a short-lived scoped token."""

    class Scope(models.TextChoices):
        CASES_CREATE = "cases:create", _("Submit applications")
        CASES_READ = "cases:read", _("Read its applications")
        CATALOG_READ = "catalog:read", _("Read the catalog")
        CATALOG_WRITE = "catalog:write", _("Send catalog updates")
        WEBHOOKS = "webhooks", _("Subscribe to status callbacks")

    client_id = models.SlugField(_("client id"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    secret_hash = models.CharField(_("secret hash"), max_length=64)
    user = models.OneToOneField("accounts.User", models.PROTECT, related_name="platform_client",
                                verbose_name=_("account"))
    scopes = models.JSONField(_("scopes"), default=list)
    rate_limit = models.PositiveIntegerField(_("requests per minute"), default=600)
    token_ttl_seconds = models.PositiveIntegerField(_("token lifetime (seconds)"), default=7200)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("platform client")
        verbose_name_plural = _("platform clients")

    def __str__(self):
        return f"{self.name} ({self.client_id})"


class ApiRequestLog(models.Model):
    """One row per API request of a platform client. No bodies or query strings: no personal data."""

    at = models.DateTimeField(_("time"), auto_now_add=True)
    client = models.ForeignKey(PlatformClient, models.CASCADE, related_name="requests", verbose_name=_("client"))
    method = models.CharField(pgettext_lazy("HTTP", "method"), max_length=8)
    path = models.CharField(_("path"), max_length=200)
    status = models.PositiveSmallIntegerField(_("status"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))

    class Meta:
        verbose_name = _("API request")
        verbose_name_plural = _("API request log")
        indexes = [models.Index(fields=["client", "at"], name="api_request_client_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.method} {self.path} {self.status}"


class CaseSubscription(models.Model):
    """A platform client asked to hear about the state changes of one case (status callbacks)."""

    client = models.ForeignKey(PlatformClient, models.CASCADE, related_name="subscriptions", verbose_name=_("client"))
    case_no = models.CharField(_("case number"), max_length=50)
    profile = models.ForeignKey(PlatformProfile, models.CASCADE, related_name="subscriptions",
                                verbose_name=_("callback endpoint"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case subscription")
        verbose_name_plural = _("case subscriptions")
        constraints = [models.UniqueConstraint(fields=["client", "case_no"], name="case_subscription_unique")]
        indexes = [models.Index(fields=["case_no"], name="case_subscription_case")]

    def __str__(self):
        return f"{self.client} · {self.case_no}"
