"""The register of social organisations (社会组织登记库) with its full history.

`Organisation` holds the current state; every change appends an `OrganisationVersion` with the case
that made it, so the register can answer what an organisation looked like on any date. Cases are
recorded by number (`case_no`), not by foreign key, because `cases` already points at this app.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from onewindow.catalog.models import OrgKind

# The registered items (登记事项) as stored on Organisation and in each version's `data`.
REGISTERED_ITEMS = (
    "name", "address", "purpose", "business_scope", "activity_area", "legal_representative",
    "registered_capital", "supervisor_unit", "foundation_type",
)

# Which registered items each kind has (mission.md); establishment requires them all.
ITEMS_BY_KIND = {
    OrgKind.SOCIAL_GROUP: ("name", "address", "purpose", "business_scope", "activity_area",
                           "legal_representative", "registered_capital", "supervisor_unit"),
    OrgKind.PRIVATE_NON_ENTERPRISE: ("name", "address", "purpose", "business_scope", "legal_representative",
                                     "registered_capital", "supervisor_unit"),
    OrgKind.FOUNDATION: ("name", "address", "foundation_type", "purpose", "business_scope",
                         "registered_capital", "legal_representative", "supervisor_unit"),
}

# The kind digit at position 2 of the credit code (GB 32100, registration authority 5 = civil affairs).
KIND_DIGIT = {OrgKind.SOCIAL_GROUP: "1", OrgKind.PRIVATE_NON_ENTERPRISE: "2", OrgKind.FOUNDATION: "3"}


class Organisation(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        DEREGISTERED = "deregistered", _("Deregistered")
        REVOKED = "revoked", _("Revoked")

    kind = models.CharField(_("kind"), max_length=30, choices=OrgKind.choices)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.REGISTERED)

    name = models.CharField(_("name"), max_length=200, db_index=True)
    address = models.CharField(pgettext_lazy("registered item", "address"), max_length=300, blank=True)
    purpose = models.TextField(pgettext_lazy("registered item", "purpose"), blank=True)
    business_scope = models.TextField(_("business scope"), blank=True)
    activity_area = models.CharField(_("area of activity"), max_length=100, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    registered_capital = models.DecimalField(_("registered capital (yuan)"), max_digits=16, decimal_places=2,
                                             null=True, blank=True)
    supervisor_unit = models.CharField(_("supervising unit"), max_length=200, blank=True)
    foundation_type = models.CharField(_("foundation type"), max_length=50, blank=True)
    # The legal representative's ID number and mobile as given on the registration or change form: not
    # registered items (never printed, public or versioned), but what proves a handler acts for the
    # organisation (portal/binding.py: an SMS code to this mobile).
    legal_representative_id_number = models.CharField(_("legal representative's ID number"), max_length=18,
                                                      blank=True)
    legal_representative_mobile = models.CharField(_("legal representative's mobile"), max_length=11, blank=True)

    registration_authority = models.CharField(_("registration authority"), max_length=100)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    deregistered_on = models.DateField(_("deregistered on"), null=True, blank=True)
    charity_recognised_on = models.DateField(_("recognised as charity on"), null=True, blank=True)
    fundraising_qualified_on = models.DateField(_("public fundraising qualified on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("social organisation")
        verbose_name_plural = _("social organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "kind", "name"], name="org_status_kind_name")]

    def __str__(self):
        return self.name

    def registered_items(self) -> dict:
        """The registered items as JSON-ready values (what a version stores)."""
        data = {key: getattr(self, key) for key in REGISTERED_ITEMS}
        capital = data["registered_capital"]
        data["registered_capital"] = None if capital is None else str(capital)
        return data

    def snapshot(self) -> dict:
        """Everything a version records: registered items plus status and flags."""
        data = self.registered_items()
        data.update(
            kind=self.kind, status=self.status, credit_code=self.credit_code,
            registration_authority=self.registration_authority,
            established_on=self.established_on.isoformat() if self.established_on else None,
            deregistered_on=self.deregistered_on.isoformat() if self.deregistered_on else None,
            charity_recognised_on=self.charity_recognised_on.isoformat() if self.charity_recognised_on else None,
            fundraising_qualified_on=(self.fundraising_qualified_on.isoformat()
                                      if self.fundraising_qualified_on else None),
        )
        return data


class OrganisationVersion(models.Model):
    """One state of an organisation, valid from `valid_from` until the day before `valid_to`."""

    class Action(models.TextChoices):
        IMPORT = "import", _("Imported")
        ESTABLISH = "establish", _("Established")
        CHANGE = "change", _("Registered items changed")
        DEREGISTER = "deregister", _("Deregistered")
        CHARITY = "charity", _("Recognised as charity")
        FUNDRAISING = "fundraising", _("Public fundraising qualified")

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="versions",
                                     verbose_name=_("organisation"))
    number = models.PositiveIntegerField(_("version"))
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    data = models.JSONField(_("registered data"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    case_no = models.CharField(_("case number"), max_length=50, blank=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("actor"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation version")
        verbose_name_plural = _("organisation versions")
        ordering = ["organisation", "number"]
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="org_version_unique")]
        indexes = [models.Index(fields=["organisation", "valid_from"], name="org_version_from")]

    def __str__(self):
        return f"{self.organisation} v{self.number}"


class CharterVersion(models.Model):
    """An approved charter (章程) text; the newest number is in force."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="charters",
                                     verbose_name=_("organisation"))
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("charter text"))
    approved_on = models.DateField(_("approved on"))
    case_no = models.CharField(_("case number"), max_length=50, blank=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("actor"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("charter version")
        verbose_name_plural = _("charter versions")
        ordering = ["organisation", "number"]
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="charter_version_unique")]

    def __str__(self):
        return f"{self.organisation} charter v{self.number}"


class UsccOverride(models.Model):
    """An administrator's record that a real credit code failing its check character is accepted."""

    code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit code override")
        verbose_name_plural = _("credit code overrides")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["-created_at"], name="uscc_override_recent")]

    def __str__(self):
        return self.code
