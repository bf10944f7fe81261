"""Cases (办件): applications, their materials, handling steps, special procedures and notices.

Field meanings follow the case data sets of GB/T 39046-2020 (Tables 5-9); the enums hold meanings and
are mapped to code lists only at interfaces.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from onewindow.catalog.models import Channel
from onewindow.core import clock


class CaseState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")  # received, awaiting acceptance
    CORRECTION = "correction", _("Correction requested")  # 补正: waiting for the applicant
    ACCEPTED = "accepted", _("Accepted")  # 受理
    SUSPENDED = "suspended", _("Special procedure")  # 特别程序: clock paused
    REVIEWED = "reviewed", _("Preliminary review done")  # 初审 (back office): passed, or refusal proposed
    SIGNED_OFF = "signed_off", _("Review opinion signed off")  # 签发: the leader signed the 初审 opinion
    FORWARDED = "forwarded", _("Forwarded to higher authority")  # 转报
    DECIDED = "decided", _("Decided")  # 决定, result not yet handed out
    ISSUED = "issued", _("Result issued")  # 出件
    COMPLETED = "completed", _("Completed")  # 办结


OPEN_STATES = [s for s in CaseState.values if s != CaseState.COMPLETED]
# The service guide's long texts and search columns of `ItemVersion`: read by the guide and the catalog,
# never while handling a case, so case reads leave them out (`.defer(*GUIDE_COLUMNS)`).
GUIDE_COLUMNS = tuple(f"item_version__{name}" for name in (
    "legal_basis", "power_division", "exercise_content", "intermediary_services", "quantity_limit",
    "statutory_limit_note", "promised_limit_note", "acceptance_conditions", "prohibitions", "special_procedures",
    "fee_basis", "fee_standard", "service_objects", "channels", "visits_reason", "topics", "keywords",
    "search_text", "facets"))


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Natural person")
    ORGANISATION = "organisation", _("Organisation")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident identity card")  # 居民身份证
    USCC = "uscc", _("Unified social credit code")  # 统一社会信用代码
    PASSPORT = "passport", _("Passport")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    GRANT = "grant", _("Grant")
    REFUSE = "refuse", _("Refuse")


class ResultKind(models.TextChoices):
    GRANTED = "granted", _("Granted")  # 出证办结 / 准予
    REFUSED = "refused", _("Refused")  # 不予许可
    NOT_ACCEPTED = "not_accepted", _("Not accepted")  # 不予受理
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 撤回
    TERMINATED = "terminated", _("Terminated")  # 终止
    DEFICIENCY_TERMINATED = "deficiency_terminated", _("Terminated: deficient materials not supplied")
    FORWARDED = "forwarded", _("Completed by forwarding")  # 转报办结


class Delivery(models.TextChoices):
    WINDOW = "window", _("Collected at the window")
    POST = "post", _("Sent by post")


class Case(models.Model):
    case_no = models.CharField(_("case number"), max_length=50, unique=True)  # 办件编号
    item = models.ForeignKey("catalog.Item", models.PROTECT, related_name="cases", verbose_name=_("item"))
    item_version = models.ForeignKey("catalog.ItemVersion", models.PROTECT, related_name="cases",
                                     verbose_name=_("item version"))
    state = models.CharField(_("state"), max_length=12, choices=CaseState.choices, default=CaseState.DRAFT)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WINDOW)

    # applicant (申请人) and contact
    applicant_kind = models.CharField(_("applicant kind"), max_length=12, choices=ApplicantKind.choices)
    applicant_name = models.CharField(_("applicant name"), max_length=200)
    id_type = models.CharField(_("ID type"), max_length=12, choices=IdType.choices)
    id_number = models.CharField(_("ID number"), max_length=30)
    address = models.CharField(_("address"), max_length=200, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=50)
    contact_mobile = models.CharField(_("contact mobile"), max_length=20)
    agent_name = models.CharField(_("agent name"), max_length=50, blank=True)  # 代办人
    agent_id_number = models.CharField(_("agent ID number"), max_length=18, blank=True)
    agent_mobile = models.CharField(_("agent mobile"), max_length=20, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                 related_name="filed_cases", verbose_name=_("filed by (assisted)"))  # 帮代办
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                              related_name="own_cases", verbose_name=_("applicant account"))
    organisation = models.ForeignKey("registry.Organisation", models.PROTECT, null=True, blank=True,
                                     related_name="cases", verbose_name=_("organisation"))
    form_data = models.JSONField(_("form data"), default=dict, blank=True)

    # times and the clock
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)  # first receipt (Art. 32)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_on = models.DateField(_("clock starts on"), null=True, blank=True)
    deemed_accepted = models.BooleanField(_("deemed accepted (Art. 32)"), default=False)
    promised_due = models.DateField(_("promised due date"), null=True, blank=True)
    statutory_due = models.DateField(_("statutory due date"), null=True, blank=True)
    due_provisional = models.BooleanField(_("due date provisional"), default=False)
    extension_days = models.PositiveSmallIntegerField(_("extension (days)"), default=0)
    paused_days = models.PositiveSmallIntegerField(_("paused working days"), default=0)
    state_before_pause = models.CharField(_("state before special procedure"), max_length=12, blank=True)

    # 容缺受理
    deficiency_pending = models.BooleanField(_("deficient materials outstanding"), default=False)
    supplement_due = models.DateField(_("supplement due"), null=True, blank=True)
    commitment_signed = models.BooleanField(_("commitment signed"), default=False)

    # decision, issuance, completion
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, blank=True)
    decision_reason = models.TextField(_("decision reasons"), blank=True)
    external_doc_no = models.CharField(_("higher authority document number"), max_length=100, blank=True)
    delivery_due = models.DateField(_("delivery due"), null=True, blank=True)  # Art. 44: 10 working days
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    delivery = models.CharField(_("delivery"), max_length=8, choices=Delivery.choices, blank=True)
    collector_name = models.CharField(_("collected by"), max_length=50, blank=True)
    collector_id_number = models.CharField(_("collector ID number"), max_length=18, blank=True)
    tracking_no = models.CharField(_("tracking number"), max_length=50, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    result_kind = models.CharField(_("result"), max_length=24, choices=ResultKind.choices, blank=True)
    result_note = models.TextField(_("result description"), blank=True)
    result_certificates = models.JSONField(_("result certificates"), default=list, blank=True)  # [{number, kind, token}]

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "promised_due"], name="case_state_due"),
            models.Index(fields=["item", "state"], name="case_item_state"),
            models.Index(fields=["channel", "created_at"], name="case_channel_created"),
            models.Index(fields=["created_at"], name="case_created"),
            models.Index(fields=["id_number"], name="case_id_number"),
            models.Index(fields=["applicant_name"], name="case_applicant_name"),
            models.Index(fields=["completed_at"], name="case_completed"),
            # The queue: open cases (a few percent of all), soonest due first, then every column its
            # filter and lights read, so that counts and page ids need no table access (key columns
            # rather than INCLUDE, which SQLite lacks). The condition is spelled as the queue spells it,
            # so that PostgreSQL matches the query to this partial index. `filed_by`: 已办's light counts.
            models.Index(fields=["promised_due", "created_at", "id", "state", "item", "item_version", "owner",
                                 "deficiency_pending", "extension_days", "filed_by"],
                         condition=models.Q(state__in=OPEN_STATES), name="case_open_due"),
        ]

    def __str__(self):
        return self.case_no

    @property
    def is_open(self) -> bool:
        return self.state != CaseState.COMPLETED


class CaseMaterial(models.Model):
    """How one of the item's materials was received for this case."""

    class Mode(models.TextChoices):
        PENDING = "pending", _("Not yet checked")
        FILE = "file", _("Electronic file")
        PAPER = "paper", _("Paper seen at the window")
        REUSED = "reused", _("Reused from department records")  # 免提交
        MISSING = "missing", _("Missing")
        FAULTY = "faulty", _("Faulty")

    case = models.ForeignKey(Case, models.CASCADE, related_name="materials", verbose_name=_("case"))
    material = models.ForeignKey("catalog.Material", models.PROTECT, related_name="+", verbose_name=_("material"))
    mode = models.CharField(_("received as"), max_length=8, choices=Mode.choices, default=Mode.PENDING)
    original_seen = models.BooleanField(_("original checked"), default=False)
    copies = models.PositiveSmallIntegerField(_("copies taken"), default=0)
    reused_ref = models.CharField(_("reused record"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("case material")
        verbose_name_plural = _("case materials")
        ordering = ["case", "material__order", "material_id"]
        constraints = [models.UniqueConstraint(fields=["case", "material"], name="case_material_unique")]

    def __str__(self):
        return f"{self.case} · {self.material}"

    @property
    def is_present(self) -> bool:
        return self.mode in (self.Mode.FILE, self.Mode.PAPER, self.Mode.REUSED)


class MaterialFile(models.Model):
    """An uploaded file, type checked by content; stored under a generated name."""

    case_material = models.ForeignKey(CaseMaterial, models.CASCADE, related_name="files",
                                      verbose_name=_("case material"))
    file = models.FileField(_("file"), upload_to="cases/%Y/%m/")
    original_name = models.CharField(_("original name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=clock.now, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+",
                                    verbose_name=_("uploaded by"))

    class Meta:
        verbose_name = _("material file")
        verbose_name_plural = _("material files")
        ordering = ["case_material", "uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class CaseStep(models.Model):
    """One handling step (GB/T 39046 Table 7): 业务动作, 环节名称, handler, opinion, start, end."""

    class Action(models.TextChoices):
        PASS = "pass", _("Pass")  # 通过
        RETURN = "return", _("Return")  # 退回
        OTHER = "other", _("Other")  # 其他

    class Status(models.TextChoices):
        PENDING = "pending", _("To do")  # 待办
        DONE = "done", _("Done")  # 已办

    case = models.ForeignKey(Case, models.CASCADE, related_name="steps", verbose_name=_("case"))
    code = models.CharField(_("service action"), max_length=30)  # the state-machine action
    name = models.CharField(_("step name"), max_length=50)
    action = models.CharField(_("business action"), max_length=8, choices=Action.choices)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="case_steps",
                                verbose_name=_("handler"))
    handler_name = models.CharField(_("handler name"), max_length=50)
    unit = models.CharField(_("handling unit"), max_length=100)
    opinion = models.TextField(_("opinion"), blank=True)
    from_state = models.CharField(_("from state"), max_length=12, choices=CaseState.choices)
    to_state = models.CharField(_("to state"), max_length=12, choices=CaseState.choices)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"))
    status = models.CharField(pgettext_lazy("step", "status"), max_length=8, choices=Status.choices, default=Status.DONE)

    class Meta:
        verbose_name = _("handling step")
        verbose_name_plural = _("handling steps")
        ordering = ["case", "ended_at", "id"]
        indexes = [
            models.Index(fields=["handler", "ended_at"], name="case_step_handler"),
            models.Index(fields=["handler", "case"], name="case_step_handler_case"),  # 已办: "did I handle it?"
        ]

    def __str__(self):
        return f"{self.case} · {self.name}"


class CaseFormCorrection(models.Model):
    """Staff corrected the form data of an accepted case before the decision (cases/corrections.py): who,
    when, why, and the changed fields before and after."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="form_corrections", verbose_name=_("case"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("corrected by"))
    reason = models.CharField(_("reason"), max_length=500)
    before = models.JSONField(_("form data before"))
    after = models.JSONField(_("form data after"))
    state = models.CharField(_("state"), max_length=12, choices=CaseState.choices)
    corrected_at = models.DateTimeField(_("corrected at"), auto_now_add=True)

    class Meta:
        verbose_name = _("form data correction")
        verbose_name_plural = _("form data corrections")
        ordering = ["case", "corrected_at", "id"]

    def __str__(self):
        return f"{self.case} · {self.corrected_at:%Y-%m-%d %H:%M}"


class CasePause(models.Model):
    """A stretch of time the clock does not count: correction waits and special procedures."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Waiting for correction")  # 补正
        HEARING = "hearing", _("Hearing")  # 听证
        TENDER = "tender", _("Tender")  # 招标
        AUCTION = "auction", _("Auction")  # 拍卖
        QUARANTINE = "quarantine", _("Quarantine")  # 检疫
        TESTING = "testing", _("Testing")  # 检验
        INSPECTION = "inspection", _("Inspection")  # 检测
        APPRAISAL = "appraisal", _("Appraisal")  # 鉴定
        EXPERT_REVIEW = "expert_review", _("Expert review")  # 专家评审
        PUBLIC_NOTICE = "public_notice", _("Public notice")  # 公示
        SITE_CHECK = "site_check", _("On-site verification")  # 实地核查
        SUSPENSION = "suspension", _("Suspension")  # 中止

    # 行政许可法 Art. 45: the grounds that stop the clock without any further provision.
    ART45_KINDS = (Kind.HEARING, Kind.TENDER, Kind.AUCTION, Kind.TESTING, Kind.INSPECTION, Kind.QUARANTINE,
                   Kind.APPRAISAL, Kind.EXPERT_REVIEW)

    case = models.ForeignKey(Case, models.CASCADE, related_name="pauses", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    expected_days = models.PositiveSmallIntegerField(_("expected duration (working days)"), null=True, blank=True)
    started_on = models.DateField(_("start"))
    ended_on = models.DateField(_("end"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    result = models.TextField(_("result"), blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+",
                                   verbose_name=_("started by"))

    class Meta:
        verbose_name = _("special procedure")
        verbose_name_plural = _("special procedures")
        ordering = ["case", "started_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case"], condition=models.Q(ended_on=None),
                                               name="case_pause_one_open")]

    def __str__(self):
        return f"{self.case} · {self.get_kind_display()}"


class CaseDocument(models.Model):
    """A numbered notice or decision. The data is a snapshot; the PDF is rendered from it on first download."""

    class Kind(models.TextChoices):
        ACCEPTANCE = "acceptance", _("Acceptance notice")  # 受理通知书
        NON_ACCEPTANCE = "non_acceptance", _("Non-acceptance notice")  # 不予受理通知书
        CORRECTION = "correction", _("One-time correction notice")  # 一次性告知书
        DEFICIENCY = "deficiency", _("Deficiency acceptance notice")  # 容缺受理通知书
        GRANT = "grant", _("Licence decision")  # 准予许可决定书
        REFUSAL = "refusal", _("Refusal decision")  # 不予许可决定书
        DELIVERY = "delivery", _("Proof of service")  # 送达回证
        EXTENSION = "extension", _("Extension notice")  # 延长审查期限告知书 (Art. 42)
        SPECIAL_PROCEDURE = "special", _("Special procedure notice")  # 特别程序告知书 (Art. 45)
        TERMINATION = "termination", _("Termination notice")  # 终止办理告知书

    case = models.ForeignKey(Case, models.CASCADE, related_name="documents", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    number = models.CharField(_("document number"), max_length=60, unique=True)
    data = models.JSONField(_("snapshot"), default=dict)
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+",
                                   verbose_name=_("created by"))
    pdf = models.FileField(_("PDF"), upload_to="case-documents/%Y/", blank=True)

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        ordering = ["case", "created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"
