"""Volunteer service (志愿服务): volunteers, teams and their members, activities, attendance with hours,
corrections that keep both versions, and the signed 志愿服务记录证明.

A volunteer is a portal applicant account (real name, checked ID number and a mobile verified by SMS at
portal sign-up) with a volunteer profile; team managers are staff accounts named on the team.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from onewindow.core import clock


class Volunteer(models.Model):
    """The volunteer profile of a portal account (志愿服务条例 第七条: identity, skills, availability, contact)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.PROTECT, related_name="volunteer",
                                verbose_name=_("account"))
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    # A minor at registration: the guardian's consent is recorded (who, how to reach them, when).
    guardian_name = models.CharField(_("guardian name"), max_length=50, blank=True)
    guardian_mobile = models.CharField(_("guardian mobile"), max_length=11, blank=True)
    guardian_consent_at = models.DateTimeField(_("guardian consent recorded at"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")

    def __str__(self):
        return self.user.full_name or self.user.username


class Team(models.Model):
    """A volunteer team (志愿服务队) of an organisation: a registered social organisation from the register,
    or a government unit (e.g. a rescue station of a civil-affairs bureau) named by its unit name."""

    name = models.CharField(_("team name"), max_length=100, unique=True)
    organisation = models.ForeignKey("registry.Organisation", models.PROTECT, null=True, blank=True,
                                     related_name="volunteer_teams", verbose_name=_("registered organisation"))
    unit_name = models.CharField(_("organisation or unit"), max_length=100)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    description = models.CharField(pgettext_lazy("volunteers", "description"), max_length=500, blank=True)
    managers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="managed_volunteer_teams",
                                      verbose_name=_("managers"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", pgettext_lazy("volunteers", "Member")
        REFUSED = "refused", _("Not admitted")

    team = models.ForeignKey(Team, models.CASCADE, related_name="memberships", verbose_name=_("team"))
    volunteer = models.ForeignKey(Volunteer, models.CASCADE, related_name="memberships",
                                  verbose_name=_("volunteer"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(_("requested at"), default=clock.now, editable=False)
    decided_at = models.DateTimeField(pgettext_lazy("volunteers", "decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=pgettext_lazy("volunteers", "decided by"))

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [models.UniqueConstraint(fields=["team", "volunteer"], name="volunteer_membership_unique")]
        indexes = [models.Index(fields=["team", "status"], name="volunteer_membership_team")]

    def __str__(self):
        return f"{self.volunteer} · {self.team}"


class ActivityKind(models.TextChoices):
    CIVILISATION = "civilisation", _("Civilised conduct and traffic persuasion")
    ELDERLY_DISABLED = "elderly_disabled", _("Helping the elderly and the disabled")
    ENVIRONMENT = "environment", _("Environment and cleaning")
    COMMUNITY = "community", _("Community service")
    EMERGENCY = "emergency", _("Emergency relief")
    OTHER = "other", _("Other")


class Activity(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    team = models.ForeignKey(Team, models.PROTECT, related_name="activities", verbose_name=_("team"))
    title = models.CharField(pgettext_lazy("volunteers", "title"), max_length=100)
    kind = models.CharField(_("service kind"), max_length=20, choices=ActivityKind.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=100)
    address = models.CharField(_("street address"), max_length=200)
    needed = models.PositiveSmallIntegerField(_("volunteers needed"))
    requirements = models.CharField(_("requirements"), max_length=500, blank=True)
    contact = models.CharField(_("contact"), max_length=100)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    # The secret in the QR code shown at the place: scanning it opens the check-in page.
    checkin_code = models.CharField(_("check-in code"), max_length=32, unique=True)
    # The record written after the activity ends.
    summary = models.TextField(_("what was done"), max_length=2000, blank=True)
    feedback = models.TextField(_("the public's feedback"), max_length=2000, blank=True)
    recorded_at = models.DateTimeField(_("record written at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("published by"))
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["status", "starts_at"], name="volunteer_activity_time"),
                   models.Index(fields=["team", "starts_at"], name="volunteer_activity_team")]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="volunteer_activity_span")]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("volunteers:activity", args=[self.pk])


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(Activity, models.CASCADE, related_name="photos", verbose_name=_("activity"))
    image = models.FileField(_("photo"), upload_to="volunteers/photos/%Y/")
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")

    def __str__(self):
        return self.caption or self.image.name


class Participation(models.Model):
    """One volunteer at one activity: signed up, then checked in and out (server time), then the hours
    are confirmed by a team manager. Confirmed hours change only by a correction (both versions kept)."""

    class Status(models.TextChoices):
        SIGNED_UP = "signed_up", pgettext_lazy("volunteers", "Signed up")
        CHECKED_IN = "checked_in", _("Checked in")
        CHECKED_OUT = "checked_out", _("Checked out")
        CONFIRMED = "confirmed", _("Hours confirmed")
        WITHDRAWN = "withdrawn", _("Withdrawn from the activity")

    activity = models.ForeignKey(Activity, models.PROTECT, related_name="participations",
                                 verbose_name=_("activity"))
    volunteer = models.ForeignKey(Volunteer, models.PROTECT, related_name="participations",
                                  verbose_name=_("volunteer"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SIGNED_UP)
    # Copied from the activity so overlap checks are one indexed query on this table.
    starts_at = models.DateTimeField(_("activity starts at"))
    ends_at = models.DateTimeField(_("activity ends at"))
    signed_up_at = models.DateTimeField(_("signed up at"), default=clock.now, editable=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("added by"))
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    hours = models.DecimalField(_("service hours"), max_digits=4, decimal_places=1, null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("confirmed by"))
    late_reason = models.CharField(_("reason for late recording"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [models.UniqueConstraint(fields=["activity", "volunteer"], name="volunteer_participation_unique")]
        indexes = [models.Index(fields=["volunteer", "starts_at"], name="volunteer_participation_time"),
                   models.Index(fields=["activity", "status"], name="volunteer_participation_act")]

    def __str__(self):
        return f"{self.volunteer} · {self.activity}"


class Correction(models.Model):
    """A change to recorded times or hours, with its reason: the row keeps the version before and after."""

    participation = models.ForeignKey(Participation, models.PROTECT, related_name="corrections",
                                      verbose_name=_("participation"))
    before = models.JSONField(_("before"))
    after = models.JSONField(_("after"))
    reason = models.CharField(pgettext_lazy("volunteers", "reason"), max_length=200)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.participation} · {self.reason}"


class RecordEntry(models.Model):
    """Training and commendations recorded by a team for a volunteer (办法（试行）第四条)."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        COMMENDATION = "commendation", _("Commendation")

    volunteer = models.ForeignKey(Volunteer, models.PROTECT, related_name="entries", verbose_name=_("volunteer"))
    team = models.ForeignKey(Team, models.PROTECT, related_name="entries", verbose_name=_("team"))
    kind = models.CharField(_("record kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("content"), max_length=100)
    on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("training or commendation")
        verbose_name_plural = _("training and commendations")
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["volunteer", "-on"], name="volunteer_entry_owner")]

    def __str__(self):
        return self.title


class RecordCertificate(models.Model):
    """A 志愿服务记录证明: the signed printed data (Ed25519, the department's key) and its number."""

    number = models.CharField(pgettext_lazy("volunteers", "certificate number"), max_length=40, unique=True)
    token = models.CharField(_("verification token"), max_length=40, unique=True)
    volunteer = models.ForeignKey(Volunteer, models.PROTECT, related_name="certificates",
                                  verbose_name=_("volunteer"))
    team = models.ForeignKey(Team, models.PROTECT, related_name="certificates", verbose_name=_("team"))
    total_hours = models.DecimalField(_("total hours"), max_digits=7, decimal_places=1)
    printed = models.JSONField(pgettext_lazy("volunteers", "printed data"))
    signature = models.CharField(pgettext_lazy("volunteers", "signature"), max_length=200)
    key_id = models.CharField(_("signing key id"), max_length=64)
    issued_on = models.DateField(pgettext_lazy("volunteers", "issued on"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name=pgettext_lazy("volunteers", "issued by"))
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("volunteer service record certificate")
        verbose_name_plural = _("volunteer service record certificates")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["volunteer", "-created_at"], name="volunteer_certificate_owner")]

    def __str__(self):
        return self.number
