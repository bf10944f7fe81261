"""Pilot-zone evaluations (实验区评估): programmes, zones, indicator systems, the zone's evidence library
(collected once, tagged to any number of indicators, reused by every stage), evaluation teams, scores,
the conclusion, innovations to promote and the bureau's answers to the recommendations.

Who may act is decided here, per programme, zone and team, not by global roles: the programme's division
(a `Department`) manages it; a zone's bureau (a `Department`) edits that zone's evidence; the members of an
evaluation's team score it, and its leader concludes it.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def survey_token_new() -> str:
    """The secret in the survey's QR link: the questionnaire of one evaluation, not guessable."""
    return secrets.token_urlsafe(16)


class Stage(models.TextChoices):
    MID_TERM = "mid_term", _("Mid-term evaluation")  # 中期评估
    CLOSING = "closing", _("Closing evaluation")  # 结项评估


class Conclusion(models.TextChoices):
    EXCELLENT = "excellent", pgettext_lazy("evaluation", "Excellent")  # 优秀
    PASS = "pass", pgettext_lazy("evaluation", "Pass")  # 合格
    FAIL = "fail", pgettext_lazy("evaluation", "Fail")  # 不合格


class Programme(models.Model):
    """A batch of pilot zones (e.g. 第三批省级城乡社区治理和服务创新实验区) run by a division."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    division = models.ForeignKey("accounts.Department", models.PROTECT, related_name="evaluation_programmes",
                                 verbose_name=_("division"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # Conclusion thresholds on the 100-point total: policy of the programme, not law.
    excellent_from = models.DecimalField(_("excellent from"), max_digits=5, decimal_places=2, default=90)
    pass_from = models.DecimalField(_("pass from"), max_digits=5, decimal_places=2, default=60)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-starts_on", "id"]

    def __str__(self):
        return self.name


class Zone(models.Model):
    """A district or county taking part, with its civil-affairs bureau (民政局)."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="zones", verbose_name=_("programme"))
    name = models.CharField(_("name"), max_length=100)
    bureau = models.ForeignKey("accounts.Department", models.PROTECT, related_name="evaluation_zones",
                               verbose_name=_("bureau"))
    theme = models.CharField(_("pilot theme"), max_length=200)  # 实验主题
    plan = models.TextField(_("pilot plan"), max_length=4000, blank=True)  # 实验方案

    class Meta:
        verbose_name = _("pilot zone")
        verbose_name_plural = _("pilot zones")
        ordering = ["programme", "name"]
        constraints = [models.UniqueConstraint(fields=["programme", "name"], name="evaluation_zone_unique")]

    def __str__(self):
        return self.name


class Community(models.Model):
    zone = models.ForeignKey(Zone, models.CASCADE, related_name="communities", verbose_name=_("zone"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["zone", "id"]
        constraints = [models.UniqueConstraint(fields=["zone", "name"], name="evaluation_community_unique")]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    """One node of a programme's indicator system for a stage. Leaves are scored; a group's weight is the
    sum of its leaves'. The leaves' weights add up to 100."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="indicators", verbose_name=_("programme"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    parent = models.ForeignKey("self", models.CASCADE, null=True, blank=True, related_name="children",
                               verbose_name=_("parent"))
    code = models.CharField(pgettext_lazy("evaluation", "code"), max_length=10)  # "1", "1.2": sorts the tree
    name = models.CharField(_("name"), max_length=100)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=0)
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=100)
    rule = models.TextField(_("scoring rule"), max_length=2000, blank=True)
    evidence_needed = models.CharField(_("evidence needed"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["programme", "stage", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "stage", "code"], name="evaluation_indicator_code")]

    def __str__(self):
        return f"{self.code} {self.name}"


class Evidence(models.Model):
    """One piece of the zone's evidence library; its file has versions. Tagged to any number of
    indicators (of any stage), so the mid-term and the closing evaluation use the same upload."""

    class Kind(models.TextChoices):
        SELF_ASSESSMENT = "self_assessment", _("Self-assessment report")  # 自评报告
        LEDGER = "ledger", _("Ledger")  # 台账
        PHOTO = "photo", _("Photo")
        OTHER = "other", _("Other")

    zone = models.ForeignKey(Zone, models.CASCADE, related_name="evidence", verbose_name=_("zone"))
    kind = models.CharField(pgettext_lazy("evaluation", "kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=100)
    indicators = models.ManyToManyField(Indicator, related_name="evidence", blank=True, verbose_name=_("indicators"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["zone", "id"]

    def __str__(self):
        return self.title


class EvidenceVersion(models.Model):
    evidence = models.ForeignKey(Evidence, models.CASCADE, related_name="versions", verbose_name=_("evidence"))
    number = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to="evaluation-evidence/%Y/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(pgettext_lazy("evaluation", "content type"), max_length=40)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence version")
        verbose_name_plural = _("evidence versions")
        ordering = ["evidence", "-number"]
        constraints = [models.UniqueConstraint(fields=["evidence", "number"], name="evaluation_evidence_version")]

    def __str__(self):
        return f"{self.evidence} v{self.number}"


class Figure(models.Model):
    """A structured figure of the zone (number of communities, residents served…), entered once and
    shown with every indicator and report that references it."""

    zone = models.ForeignKey(Zone, models.CASCADE, related_name="figures", verbose_name=_("zone"))
    label = models.CharField(pgettext_lazy("evaluation", "label"), max_length=50)
    value = models.DecimalField(pgettext_lazy("evaluation", "value"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=10, blank=True)
    indicators = models.ManyToManyField(Indicator, related_name="figures", blank=True, verbose_name=_("indicators"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        ordering = ["zone", "id"]
        constraints = [models.UniqueConstraint(fields=["zone", "label"], name="evaluation_figure_label")]

    def __str__(self):
        return f"{self.label} {self.value}{self.unit}"


class Evaluation(models.Model):
    """One stage's evaluation of one zone by a team."""

    class State(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        SCORING = "scoring", _("Scoring")
        CONCLUDED = "concluded", _("Concluded")

    zone = models.ForeignKey(Zone, models.CASCADE, related_name="evaluations", verbose_name=_("zone"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PREPARING)
    meeting_on = models.DateField(_("report meeting on"), null=True, blank=True)
    meeting_reporter = models.CharField(_("reported by"), max_length=100, blank=True)
    meeting_minutes = models.TextField(_("minutes"), max_length=4000, blank=True)
    interviews = models.TextField(_("interviews"), max_length=4000, blank=True)
    total = models.DecimalField(_("total score"), max_digits=5, decimal_places=2, null=True, blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=10, choices=Conclusion.choices, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    report_no = models.CharField(_("report number"), max_length=60, blank=True)
    report_pdf = models.FileField(_("report PDF"), upload_to="evaluation-reports/%Y/", blank=True)
    survey_token = models.CharField(_("survey token"), max_length=32, unique=True,
                                    default=survey_token_new)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["zone", "stage"]
        constraints = [models.UniqueConstraint(fields=["zone", "stage"], name="evaluation_one_per_stage")]

    def __str__(self):
        return f"{self.zone} · {self.get_stage_display()}"


class TeamMember(models.Model):
    class Role(models.TextChoices):
        LEADER = "leader", _("Team leader")
        MEMBER = "member", _("Member")

    evaluation = models.ForeignKey(Evaluation, models.CASCADE, related_name="team", verbose_name=_("evaluation"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="evaluation_memberships",
                             verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    affiliation = models.CharField(_("affiliation"), max_length=100, blank=True)  # division or invited expert
    submitted_at = models.DateTimeField(_("scores submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["evaluation", "role", "id"]  # the leader first
        constraints = [models.UniqueConstraint(fields=["evaluation", "user"], name="evaluation_member_once"),
                       models.UniqueConstraint(fields=["evaluation"], condition=models.Q(role="leader"),
                                               name="evaluation_one_leader")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"


class Visit(models.Model):
    """A site visit (实地查看) to one community."""

    evaluation = models.ForeignKey(Evaluation, models.CASCADE, related_name="visits", verbose_name=_("evaluation"))
    community = models.ForeignKey(Community, models.PROTECT, related_name="visits", verbose_name=_("community"))
    visited_on = models.DateField(_("visited on"))
    notes = models.TextField(_("notes"), max_length=4000, blank=True)

    class Meta:
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")
        ordering = ["evaluation", "visited_on", "id"]

    def __str__(self):
        return f"{self.visited_on} {self.community}"


class VisitPhoto(models.Model):
    """A photo taken on a site visit (JPEG or PNG, checked by content like every upload)."""

    visit = models.ForeignKey(Visit, models.CASCADE, related_name="photos", verbose_name=_("site visit"))
    file = models.FileField(_("file"), upload_to="evaluation-visits/%Y/")
    content_type = models.CharField(pgettext_lazy("evaluation", "content type"), max_length=40)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["visit", "id"]

    def __str__(self):
        return f"{self.visit} #{self.pk}"


class Score(models.Model):
    """One evaluator's score of one indicator; hidden from the others until the evaluator submits."""

    evaluation = models.ForeignKey(Evaluation, models.CASCADE, related_name="scores", verbose_name=_("evaluation"))
    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="scores", verbose_name=_("indicator"))
    member = models.ForeignKey(TeamMember, models.CASCADE, related_name="scores", verbose_name=_("evaluator"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    comment = models.CharField(pgettext_lazy("evaluation", "comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["member", "indicator"], name="evaluation_score_once")]
        indexes = [models.Index(fields=["evaluation", "indicator"])]

    def __str__(self):
        return f"{self.indicator} {self.score}"


class Consensus(models.Model):
    """The score the team leader records for an indicator after the evaluators have submitted."""

    evaluation = models.ForeignKey(Evaluation, models.CASCADE, related_name="consensus", verbose_name=_("evaluation"))
    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="+", verbose_name=_("indicator"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    note = models.CharField(pgettext_lazy("evaluation", "note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("consensus score")
        verbose_name_plural = _("consensus scores")
        constraints = [models.UniqueConstraint(fields=["evaluation", "indicator"], name="evaluation_consensus_once")]

    def __str__(self):
        return f"{self.indicator} {self.score}"


class Innovation(models.Model):
    """A typical case to promote (典型推广), published on the public page once the evaluation concludes."""

    evaluation = models.ForeignKey(Evaluation, models.CASCADE, related_name="innovations", verbose_name=_("evaluation"))
    community = models.ForeignKey(Community, models.PROTECT, related_name="innovations", verbose_name=_("community"))
    title = models.CharField(_("title"), max_length=50)
    description = models.TextField(_("what it is"), max_length=2000)
    evidence = models.ManyToManyField(Evidence, related_name="innovations", blank=True, verbose_name=_("evidence"))

    class Meta:
        verbose_name = _("innovation")
        verbose_name_plural = _("innovations")
        ordering = ["evaluation", "id"]

    def __str__(self):
        return self.title


class Recommendation(models.Model):
    """A recommendation of the team; the zone's bureau answers it (整改)."""

    evaluation = models.ForeignKey(Evaluation, models.CASCADE, related_name="recommendations",
                                   verbose_name=_("evaluation"))
    text = models.TextField(_("recommendation"), max_length=2000)
    response = models.TextField(pgettext_lazy("evaluation", "rectification"), max_length=2000, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("answered by"))

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["evaluation", "id"]

    def __str__(self):
        return self.text[:50]


class SurveyAnswer(models.Model):
    """One resident's answer to the satisfaction survey; one per mobile number (kept as a keyed hash)."""

    evaluation = models.ForeignKey(Evaluation, models.CASCADE, related_name="survey_answers",
                                   verbose_name=_("evaluation"))
    mobile_hash = models.CharField(_("mobile (hash)"), max_length=64)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"))  # 1 (very dissatisfied) .. 5
    comment = models.CharField(pgettext_lazy("evaluation", "comment"), max_length=500, blank=True)
    answered_at = models.DateTimeField(_("answered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [models.UniqueConstraint(fields=["evaluation", "mobile_hash"], name="evaluation_survey_once")]

    def __str__(self):
        return f"{self.evaluation} {self.satisfaction}"
