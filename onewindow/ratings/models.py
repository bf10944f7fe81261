"""好差评 ratings, bad-review rectification and appeals, complaints and reports, and urging (督办).

Levels and channels are stored by meaning; `exchange.codelists` maps them to platform codes.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Level(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Very satisfied")  # 非常满意
    SATISFIED = "satisfied", _("Satisfied")  # 满意
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")  # 基本满意
    DISSATISFIED = "dissatisfied", _("Dissatisfied")  # 不满意
    VERY_DISSATISFIED = "very_dissatisfied", _("Very dissatisfied")  # 非常不满意


GOOD_LEVELS = (Level.VERY_SATISFIED, Level.SATISFIED, Level.BASICALLY_SATISFIED)
BAD_LEVELS = (Level.DISSATISFIED, Level.VERY_DISSATISFIED)  # 差评


class RatingChannel(models.TextChoices):
    PC = "pc", _("Portal (PC)")
    MOBILE = "mobile", _("Mobile app")
    QR_CODE = "qr_code", _("QR code")
    WINDOW_PAD = "window_pad", _("Window rating pad")
    HALL_TERMINAL = "hall_terminal", _("Hall terminal")
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    DEFAULT = "default", _("Default rating")


# Indicators (评价指标) per GB/T 39734: on site and online.
ON_SITE_INDICATORS = ("overall", "efficiency", "competence", "attitude")
ONLINE_INDICATORS = ("overall", "efficiency", "guide_accuracy", "convenience", "usability")


class RatingWindow(models.Model):
    """The period in which a completed case may be rated; opened when the case completes."""

    case = models.OneToOneField("cases.Case", models.CASCADE, related_name="rating_window",
                                verbose_name=_("case"))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    settled = models.BooleanField(_("closed and settled"), default=False)  # default rating recorded if none

    class Meta:
        verbose_name = _("rating window")
        verbose_name_plural = _("rating windows")
        indexes = [models.Index(fields=["settled", "closes_at"], name="rating_window_due")]

    def __str__(self):
        return f"{self.case_id} {self.opens_at:%Y-%m-%d}–{self.closes_at:%Y-%m-%d}"


class Rating(models.Model):
    """One rating: online one per case (`visit` empty), on site one per visit (`visit` = the day).
    A second rating (`attempt` 2) supersedes the first; an upheld appeal excludes it from the figures."""

    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="ratings", verbose_name=_("case"))
    visit = models.CharField(_("visit"), max_length=10, blank=True)
    attempt = models.PositiveSmallIntegerField(_("rating number"), default=1)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    channel = models.CharField(pgettext_lazy("rating", "channel"), max_length=14, choices=RatingChannel.choices)
    scores = models.JSONField(_("indicator scores"), default=dict, blank=True)
    text = models.TextField(_("comment"), blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("rater account"))
    rater_name = models.CharField(_("rater"), max_length=100, blank=True)
    rated_at = models.DateTimeField(_("rated at"))
    rated_on = models.DateField(_("rated on"))  # the local day, for the daily figures
    superseded = models.BooleanField(_("superseded by a second rating"), default=False)
    excluded = models.BooleanField(_("excluded from figures"), default=False)
    excluded_reason = models.TextField(_("exclusion reason"), blank=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-rated_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["case", "visit", "attempt"], name="rating_unique_attempt")]
        indexes = [models.Index(fields=["rated_at"], name="rating_rated_at"),
                   models.Index(fields=["level", "rated_at"], name="rating_level"),
                   # The few ratings an upheld appeal excluded: figures leave them out without reading all.
                   models.Index(fields=["id"], condition=models.Q(excluded=True), name="rating_excluded")]

    def __str__(self):
        return f"{self.case_id} · {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS


class Rectification(models.Model):
    """差评整改: opened for every bad review, assigned to the unit that handled the case."""

    class State(models.TextChoices):
        OPEN = "open", _("Awaiting return visit")
        VISITED = "visited", _("Return visit done")
        RECTIFIED = "rectified", _("Rectified")
        CLOSED = "closed", _("Closed")  # the applicant rated the fix, or an appeal was upheld

    class Outcome(models.TextChoices):
        FIXED_AT_ONCE = "fixed_at_once", _("Fixed at once")  # 立行立改
        FIXED_BY_DEADLINE = "fixed_by_deadline", _("Fixed by the deadline")  # 限期整改
        EXPLAINED = "explained", _("Explained: no legal basis")  # 解释说明

    rating = models.OneToOneField(Rating, models.PROTECT, related_name="rectification", verbose_name=_("rating"))
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="rectifications", verbose_name=_("case"))
    department = models.ForeignKey("accounts.Department", models.PROTECT, null=True, blank=True,
                                   related_name="rectifications", verbose_name=_("responsible unit"))
    unit_name = models.CharField(_("responsible unit"), max_length=100)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("handler of the case"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    opened_on = models.DateField(_("opened on"))
    visit_due = models.DateField(_("return visit due"))
    rectify_due = models.DateField(_("rectification due"))
    visited_at = models.DateTimeField(_("return visit at"), null=True, blank=True)
    visit_note = models.TextField(_("return visit record"), blank=True)
    outcome = models.CharField(pgettext_lazy("rectification", "outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("rectification record"), blank=True)
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    fix_level = models.CharField(_("applicant's rating of the fix"), max_length=20, choices=Level.choices,
                                 blank=True)
    fix_rated_at = models.DateTimeField(_("fix rated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["state", "rectify_due"], name="rectification_open"),
                   models.Index(fields=["department", "state"], name="rectification_unit")]

    def __str__(self):
        return f"{self.case_id} · {self.get_state_display()}"


class Appeal(models.Model):
    """申诉复核: the unit contests a rating as mistaken or malicious; a supervisor decides."""

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("appeal", "Pending")
        UPHELD = "upheld", _("Upheld: rating excluded")
        REJECTED = "rejected", _("Rejected")

    rectification = models.ForeignKey(Rectification, models.PROTECT, related_name="appeals",
                                      verbose_name=_("rectification"))
    reason = models.TextField(_("reason"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                 verbose_name=pgettext_lazy("appeal", "filed by"))
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(pgettext_lazy("appeal", "decided at"), null=True, blank=True)
    decision_note = models.TextField(pgettext_lazy("appeal", "decision reasons"), blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["rectification"], condition=models.Q(state="pending"),
                                               name="appeal_one_pending")]
        indexes = [models.Index(fields=["state", "filed_at"], name="appeal_state")]

    def __str__(self):
        return f"{self.rectification_id} · {self.get_state_display()}"


class Complaint(models.Model):
    """投诉 or 举报, with a tracking number; an anonymous reporter's identity is for supervisors only."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")  # 投诉
        REPORT = "report", _("Report")  # 举报

    class Source(models.TextChoices):
        PORTAL = "portal", _("Portal")
        WINDOW = "window", _("Window")
        API = "api", _("API")

    class Category(models.TextChoices):
        ATTITUDE = "attitude", _("Service attitude")
        EFFICIENCY = "efficiency", _("Efficiency and delay")
        CONDUCT = "conduct", _("Integrity and conduct")
        POLICY = "policy", _("Policy and requirements")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("complaint", "Received")
        ASSIGNED = "assigned", _("Assigned")
        REPLIED = "replied", _("Replied")
        CLOSED = "closed", _("Closed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    tracking_no = models.CharField(pgettext_lazy("complaint", "tracking number"), max_length=30, unique=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, default=Category.OTHER)
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"))
    case = models.ForeignKey("cases.Case", models.PROTECT, null=True, blank=True, related_name="complaints",
                             verbose_name=_("case"))
    anonymous = models.BooleanField(_("anonymous"), default=False)
    person_name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)
    person_mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    created_at = models.DateTimeField(_("received at"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RECEIVED)
    department = models.ForeignKey("accounts.Department", models.PROTECT, null=True, blank=True,
                                   related_name="complaints", verbose_name=_("assigned unit"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                 related_name="assigned_complaints", verbose_name=_("assignee"))
    due_on = models.DateField(_("reply due"))
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    reply_level = models.CharField(_("satisfaction with the reply"), max_length=20, choices=Level.choices,
                                   blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    # A fully anonymous report (no mobile) is followed with a 6-digit code shown once; only its keyed hash is kept.
    query_code_hash = models.CharField(_("query code (hashed)"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("complaint or report")
        verbose_name_plural = _("complaints and reports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "due_on"], name="complaint_open"),
                   models.Index(fields=["kind", "created_at"], name="complaint_kind_created"),
                   models.Index(fields=["assignee", "state"], name="complaint_assignee")]

    def __str__(self):
        return self.tracking_no


class Urging(models.Model):
    """督办: a supervisor's message to the person handling a case, rectification or complaint."""

    class Subject(models.TextChoices):
        CASE = "case", _("Case")
        RECTIFICATION = "rectification", _("Bad-review rectification")
        COMPLAINT = "complaint", _("Complaint or report")

    subject = models.CharField(_("subject"), max_length=14, choices=Subject.choices)
    case = models.ForeignKey("cases.Case", models.PROTECT, null=True, blank=True, related_name="urgings",
                             verbose_name=_("case"))
    rectification = models.ForeignKey(Rectification, models.PROTECT, null=True, blank=True,
                                      related_name="urgings", verbose_name=_("rectification"))
    complaint = models.ForeignKey(Complaint, models.PROTECT, null=True, blank=True, related_name="urgings",
                                  verbose_name=_("complaint"))
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="urgings_received",
                                verbose_name=pgettext_lazy("urging", "to"))
    message = models.TextField(_("message"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("urged by"))
    created_at = models.DateTimeField(_("urged at"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("urging")
        verbose_name_plural = _("urgings")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["to_user", "acknowledged_at"], name="urging_inbox")]

    def __str__(self):
        return f"{self.get_subject_display()} → {self.to_user_id}"
