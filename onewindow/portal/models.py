"""The public portal's own records: applicant profiles, one-time codes, the site inbox and the
applicant's choice of how to receive the result. Cases themselves live in `cases`."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from onewindow.core import clock


class Binding(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    BOUND = "bound", _("Bound")
    REFUSED = "refused", pgettext_lazy("portal", "Refused")


class BindingMethod(models.TextChoices):
    STAFF = "staff", _("Staff review of the authorisation letter")
    HOLDER = "holder", _("Approved by the organisation's bound account")
    REPRESENTATIVE = "legalrep", _("Proven by the legal representative (SMS code)")


class ApplicantProfile(models.Model):
    """How an applicant account was verified: a natural person, or a handler acting for an organisation."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Natural person")
        ORGANISATION = "organisation", _("Organisation")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="portal_profile",
                                verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    organisation_name = models.CharField(_("organisation name"), max_length=200, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True, db_index=True)
    authorisation = models.FileField(_("authorisation letter"), upload_to="portal/authorisations/%Y/", blank=True)
    authorisation_sha256 = models.CharField(_("authorisation SHA-256"), max_length=64, blank=True)
    mobile_verified_at = models.DateTimeField(_("mobile verified at"))
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    # Binding (组织账号绑定): an organisation account acts for its organisation only once staff have checked
    # the authorisation letter, an account already bound to the organisation has approved it, or the legal
    # representative proved it (ID number and mobile as registered, and an SMS code to that mobile).
    binding = models.CharField(_("binding"), max_length=8, choices=Binding.choices, blank=True)
    binding_method = models.CharField(_("bound by"), max_length=8, choices=BindingMethod.choices, blank=True)
    binding_reason = models.CharField(_("review reason"), max_length=500, blank=True)
    binding_reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                            related_name="+", verbose_name=_("reviewed by"))
    bound_at = models.DateTimeField(_("bound at"), null=True, blank=True)

    class Meta:
        verbose_name = _("applicant profile")
        verbose_name_plural = _("applicant profiles")
        indexes = [models.Index(fields=["binding", "created_at"], name="portal_binding_queue")]

    def __str__(self):
        return self.organisation_name or str(self.user)

    def represents(self, credit_code: str) -> bool:
        """May this account act for the organisation with `credit_code` (see its non-public data, reuse its
        records, file its changes)?"""
        return (self.kind == self.Kind.ORGANISATION and self.binding == Binding.BOUND
                and bool(credit_code) and self.credit_code == credit_code.upper())


class OneTimeCode(models.Model):
    """A code sent by SMS. Only its hash is stored; it expires, allows few attempts and is used once."""

    class Purpose(models.TextChoices):
        SIGNUP = "signup", _("Sign-up")
        LOGIN = "login", _("Sign-in")
        SURVEY = "survey", _("Residents' survey")  # evaluations: one answer per mobile
        BINDING = "binding", _("Organisation account binding")  # to the legal representative's recorded mobile

    mobile = models.CharField(_("mobile"), max_length=20)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    code_hash = models.CharField(_("code hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [models.Index(fields=["mobile", "purpose", "created_at"], name="portal_code_lookup")]

    def __str__(self):
        return f"{self.mobile} · {self.get_purpose_display()}"


class Notification(models.Model):
    """A message in the applicant's site inbox (the same text goes out by SMS)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="portal_notifications",
                             verbose_name=_("user"))
    case = models.ForeignKey("cases.Case", models.CASCADE, null=True, blank=True, related_name="+",
                             verbose_name=_("case"))
    event = models.CharField(_("event"), max_length=40)
    text = models.CharField(_("text"), max_length=500)
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="portal_inbox")]

    def __str__(self):
        return self.text[:50]


class DeliveryChoice(models.Model):
    """How the applicant wants the result: collected at the window in a booked slot, or posted."""

    class Method(models.TextChoices):
        WINDOW = "window", _("Collect at the window")
        POST = "post", _("Send by post")

    class Period(models.TextChoices):
        MORNING = "am", _("Morning 9:00-12:00")
        AFTERNOON = "pm", _("Afternoon 13:00-17:00")

    case = models.OneToOneField("cases.Case", models.CASCADE, related_name="portal_delivery",
                                verbose_name=_("case"))
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    slot_date = models.DateField(_("appointment date"), null=True, blank=True)
    slot_period = models.CharField(_("appointment period"), max_length=2, choices=Period.choices, blank=True)
    recipient = models.CharField(_("recipient"), max_length=50, blank=True)
    recipient_mobile = models.CharField(_("recipient mobile"), max_length=20, blank=True)
    address = models.CharField(_("postal address"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("delivery choice")
        verbose_name_plural = _("delivery choices")
        indexes = [models.Index(fields=["slot_date", "slot_period"], name="portal_slot")]

    def __str__(self):
        return f"{self.case} · {self.get_method_display()}"
