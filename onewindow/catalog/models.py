"""The item catalog (事项目录): items, their versions, materials, flow steps, FAQs and form fields.

An item is edited as a draft version and published; a published version never changes, and a case
always points at the version it was filed under. Field meanings follow GB/T 39046-2020 Table 4; the
enums hold meanings, and `codes.py` maps them to the GB/T 39046 code lists at interfaces.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ItemType(models.TextChoices):
    LICENCE = "licence", _("Administrative licence")  # 行政许可
    PENALTY = "penalty", _("Administrative penalty")  # 行政处罚
    COERCION = "coercion", _("Administrative coercion")  # 行政强制
    LEVY = "levy", _("Administrative levy")  # 行政征收
    BENEFIT = "benefit", _("Administrative benefit")  # 行政给付
    INSPECTION = "inspection", _("Administrative inspection")  # 行政检查
    CONFIRMATION = "confirmation", _("Administrative confirmation")  # 行政确认
    REWARD = "reward", _("Administrative reward")  # 行政奖励
    ADJUDICATION = "adjudication", _("Administrative adjudication")  # 行政裁决
    OTHER_POWER = "other_power", _("Other administrative power")  # 其他行政权力
    PUBLIC_SERVICE = "public_service", _("Public service")  # 公共服务


class Route(models.TextChoices):
    ON_SITE = "on_site", _("Decided on the spot (accept → decide)")
    BACK_OFFICE = "back_office", _("Front desk accepts, back office reviews, window issues")


# The default basis of the back-office sign-off (签发): a report to a higher authority (上行文) is signed by
# the head of the department.
SIGN_OFF_BASIS = "《党政机关公文处理工作条例》第二十二条（上行文由机关主要负责人签发）；本厅内部审批授权"


class ExerciseLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township (street)")
    VILLAGE = "village", _("Village (community)")
    GRADED = "graded", _("Graded management")


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    ON_THE_SPOT = "on_the_spot", _("on the spot")  # 即办


class CaseType(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate case")  # 即办件
    COMMITTED = "committed", _("Committed case")  # 承诺件


class ResultType(models.TextChoices):
    CERTIFICATE = "certificate", pgettext_lazy("result type", "Certificate")  # 出证
    APPROVAL = "approval", _("Approval")  # 审批
    DOCUMENT = "document", pgettext_lazy("catalog", "Document")  # 出文
    OTHER = "other", _("Other")


class ServiceObject(models.TextChoices):
    NATURAL_PERSON = "natural_person", _("Natural person")
    ENTERPRISE = "enterprise", _("Enterprise legal person")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")
    SOCIAL_ORGANISATION = "social_organisation", _("Social organisation")
    GOVERNMENT = "government", _("Government agency")
    OTHER_ORGANISATION = "other_organisation", _("Other organisation")


class Channel(models.TextChoices):
    """How an application arrives (办理形式 / 申报来源, GB/T 39046 A.5)."""

    WINDOW = "window", _("At the window")
    PC = "pc", _("Online (PC)")
    MOBILE = "mobile", _("Online (mobile)")
    POST = "post", pgettext_lazy("application channel", "By post")
    OTHER = "other", _("Other")


class OrgKind(models.TextChoices):
    SOCIAL_GROUP = "social_group", _("Social group")  # 社会团体
    PRIVATE_NON_ENTERPRISE = "private_non_enterprise", _("Private non-enterprise unit")  # 民办非企业单位
    FOUNDATION = "foundation", _("Foundation")  # 基金会


class RegistryAction(models.TextChoices):
    """What a granted decision on this item does to the social-organisation register."""

    NONE = "none", _("No change to the register")
    ESTABLISH = "establish", _("Establish (new registration)")
    CHANGE = "change", _("Change registered items")
    CHARTER = "charter", _("Approve charter amendment")
    DEREGISTER = "deregister", _("Deregister")
    CHARITY = "charity", _("Recognise as charity")
    FUNDRAISING = "fundraising", _("Grant public fundraising qualification")
    REPLACE_CERTIFICATE = "replace_certificate", _("Replace certificate")


class Item(models.Model):
    """The stable identity of a service item; its content lives in versions."""

    code = models.CharField(_("implementation code"), max_length=50, unique=True)  # 实施编码
    basic_code = models.CharField(_("basic code"), max_length=50, blank=True)  # 基本编码
    current_version = models.OneToOneField("ItemVersion", models.SET_NULL, null=True, blank=True,
                                           related_name="+", verbose_name=_("published version"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["code"]

    def __str__(self):
        name = self.current_version.name if self.current_version_id and self.current_version else ""
        return f"{self.code} {name}".strip()


class ItemVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    item = models.ForeignKey(Item, models.CASCADE, related_name="versions", verbose_name=_("item"))
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("published by"))

    # identity
    name = models.CharField(_("item name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    item_type = models.CharField(_("item type"), max_length=20, choices=ItemType.choices)
    handle_item_code = models.CharField(_("handling item code"), max_length=50, blank=True)  # 业务办理项编码
    legal_basis = models.TextField(_("legal basis"))  # 设定依据
    exercise_level = models.CharField(_("exercise level"), max_length=12, choices=ExerciseLevel.choices,
                                      default=ExerciseLevel.PROVINCIAL)
    power_division = models.TextField(_("division of powers"), blank=True)  # 权限划分
    exercise_content = models.TextField(_("exercise content"), blank=True)  # 行使内容

    # who
    implementing_body = models.CharField(_("implementing body"), max_length=100)  # 实施主体
    implementing_body_code = models.CharField(_("implementing body credit code"), max_length=18)
    implementing_body_nature = models.CharField(_("nature of implementing body"), max_length=50,
                                                default="法定机关")
    handling_unit = models.CharField(_("handling unit"), max_length=100, blank=True)  # 承办机构
    joint_departments = models.CharField(_("joint departments"), max_length=200, blank=True)
    intermediary_services = models.TextField(_("intermediary services"), blank=True)
    quantity_limit = models.TextField(_("quantity limit"), blank=True)

    # time
    statutory_limit = models.PositiveIntegerField(_("statutory time limit"), default=0)
    statutory_limit_unit = models.CharField(_("statutory limit unit"), max_length=16, choices=LimitUnit.choices,
                                            default=LimitUnit.WORKING_DAYS)
    statutory_limit_note = models.TextField(_("statutory limit note"), blank=True)
    promised_limit = models.PositiveIntegerField(_("promised time limit"), default=0)
    promised_limit_unit = models.CharField(_("promised limit unit"), max_length=16, choices=LimitUnit.choices,
                                           default=LimitUnit.ON_THE_SPOT)
    promised_limit_note = models.TextField(_("promised limit note"), blank=True)
    case_type = models.CharField(_("case type"), max_length=10, choices=CaseType.choices,
                                 default=CaseType.IMMEDIATE)

    # conditions and flow
    route = models.CharField(_("route"), max_length=12, choices=Route.choices, default=Route.ON_SITE)
    acceptance_conditions = models.TextField(_("acceptance conditions"))  # 受理条件
    prohibitions = models.TextField(_("prohibitions"), blank=True)  # 禁止性要求
    special_procedures = models.TextField(_("special procedures"), blank=True)  # 特别程序

    # result
    result_name = models.CharField(_("result name"), max_length=100)
    result_type = models.CharField(_("result type"), max_length=12, choices=ResultType.choices)
    result_sample = models.CharField(_("result sample"), max_length=200, blank=True,
                                     help_text=_("File name or address of the result sample"))

    # fees
    charges_fee = models.BooleanField(_("charges a fee"), default=False)
    fee_basis = models.TextField(_("fee basis"), blank=True)
    fee_standard = models.TextField(_("fee standard"), blank=True)

    # channels
    service_objects = models.JSONField(_("service objects"), default=list)  # list of ServiceObject
    channels = models.JSONField(_("handling forms"), default=list)  # list of Channel
    online = models.BooleanField(_("can be handled online"), default=True)
    online_url = models.URLField(_("online address"), blank=True)
    online_depth = models.PositiveSmallIntegerField(_("online depth"), default=4)  # 1..4 (全程网办 = 4)
    visits_required = models.PositiveSmallIntegerField(_("visits required"), default=0)
    visits_reason = models.TextField(_("reason for visits"), blank=True)
    supports_appointment = models.BooleanField(_("supports appointments"), default=True)
    supports_online_payment = models.BooleanField(_("supports online payment"), default=False)
    supports_delivery = models.BooleanField(_("supports delivery by post"), default=True)
    service_scope = models.CharField(_("service scope"), max_length=100, blank=True)  # 通办范围
    in_hall = models.BooleanField(_("in the service hall"), default=True)

    # place and contacts
    address = models.CharField(pgettext_lazy("service guide", "address"), max_length=200)
    hours = models.CharField(_("hours"), max_length=200)
    consult_phone = models.CharField(_("enquiry phone"), max_length=50)
    complaint_phone = models.CharField(_("complaint phone"), max_length=50)

    # window practice
    allows_deficiency = models.BooleanField(_("accepts with missing secondary materials"), default=True)  # 容缺
    # Rules of the law that vary by place or by item: a lawful national default, the legal basis as text.
    deficiency_max_days = models.PositiveSmallIntegerField(
        _("supplement maximum for missing materials (working days)"), default=10,
        help_text=_("Never beyond the time limit of the item; local rules on acceptance with missing materials set it."))
    deficiency_basis = models.CharField(_("legal basis of the supplement maximum"), max_length=300, blank=True,
                                        default="地方容缺受理办法（补齐期限一般不超过10个工作日，且不超过办理时限）")
    extension_max_days = models.PositiveSmallIntegerField(
        _("extension maximum (working days)"), default=10,
        help_text=_("Administrative Licensing Law Art. 42: 10 days; 15 for joint handling within 45 days."))
    extension_basis = models.CharField(_("extension legal basis"), max_length=300, blank=True,
                                       default="《中华人民共和国行政许可法》第四十二条第一款")
    calendar_limit_extendable = models.BooleanField(
        _("statutory calendar-day limit may be extended"), default=False,
        help_text=_("A regulation's own limit in calendar days is not extended by Art. 42 unless its text allows it."))
    minimum_funds = models.DecimalField(
        _("minimum funds (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True,
        help_text=_("For kinds without a statutory minimum (e.g. private non-enterprise units): the local minimum. "
                    "Foundations and social groups always have their statutory minimum."))
    minimum_funds_basis = models.CharField(_("legal basis of the minimum funds"), max_length=300, blank=True)
    pause_provisions = models.JSONField(
        _("other pauses and their legal basis"), default=dict, blank=True,
        help_text=_("Art. 45 grounds always stop the clock; any other pause kind (public_notice, site_check, "
                    "suspension) only when named here with the provision that allows it."))
    # 签发 (back-office items): the 初审 opinion goes up only once signed by a holder of decision authority.
    sign_off_required = models.BooleanField(
        _("review opinion signed off before forwarding"), default=True,
        help_text=_("Back-office items only: the flow steps then include the sign-off step."))
    sign_off_basis = models.CharField(_("basis of the sign-off"), max_length=300, blank=True,
                                      default=SIGN_OFF_BASIS)
    assisted = models.BooleanField(_("assisted or agent service"), default=True)  # 帮代办
    fast_lane = models.BooleanField(_("fast lane"), default=False)  # 快捷办

    # what the result does, and to whom
    org_kinds = models.JSONField(_("organisation kinds"), default=list, blank=True)  # list of OrgKind
    registry_action = models.CharField(_("register effect"), max_length=20, choices=RegistryAction.choices,
                                       default=RegistryAction.NONE)
    topics = models.JSONField(_("topics"), default=list, blank=True)  # life events, for the portal
    keywords = models.CharField(_("search keywords"), max_length=500, blank=True)  # incl. pinyin initials

    # Derived at publish time (not content, not exported): lets list pages filter without per-request
    # pinyin and without JSON containment lookups, which SQLite lacks.
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    facets = models.CharField(_("facets"), max_length=500, blank=True, editable=False)

    class Meta:
        verbose_name = _("item version")
        verbose_name_plural = _("item versions")
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="item_version_unique_number"),
            models.UniqueConstraint(fields=["item"], condition=models.Q(status="draft"),
                                    name="item_version_one_draft"),
        ]
        indexes = [models.Index(fields=["status", "item_type"])]

    def __str__(self):
        return f"{self.name} (v{self.number})"

    def save(self, *args, **kwargs):
        # Publishing saves a row that is still a draft in the database; anything later is refused.
        if self.pk and ItemVersion.objects.filter(pk=self.pk).exclude(status=self.Status.DRAFT).exists():
            raise ValidationError(_("A published version cannot be changed; create a new draft instead."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk and ItemVersion.objects.filter(pk=self.pk).exclude(status=self.Status.DRAFT).exists():
            raise ValidationError(_("A published version cannot be changed; create a new draft instead."))
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class DraftChild(models.Model):
    """A row of a version's content: writable only while its version is a draft."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._check_draft()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_draft()
        return super().delete(*args, **kwargs)

    def _check_draft(self):
        if ItemVersion.objects.filter(pk=self.version_id).exclude(status=ItemVersion.Status.DRAFT).exists():
            raise ValidationError(_("A published version cannot be changed; create a new draft instead."))


class CatalogInfo(models.Model):
    """The label of the loaded catalog (e.g. "reference configuration"), shown on the guide pages."""

    label = models.TextField(_("catalog label"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("catalog information")
        verbose_name_plural = _("catalog information")

    def __str__(self):
        return self.label[:50]


class Material(DraftChild):
    class Source(models.TextChoices):
        APPLICANT = "applicant", _("Prepared by the applicant")
        GOVERNMENT = "government", _("Issued by a government body")
        INTERMEDIARY = "intermediary", _("Issued by an intermediary")
        OTHER = "other", _("Other")

    class Form(models.TextChoices):
        PAPER = "paper", _("Paper")
        ELECTRONIC = "electronic", _("Electronic")
        BOTH = "both", _("Paper or electronic")

    version = models.ForeignKey(ItemVersion, models.CASCADE, related_name="materials", verbose_name=_("version"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    key = models.SlugField(_("key"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.APPLICANT)
    issuer = models.CharField(_("issuing body"), max_length=100, blank=True)
    originals = models.PositiveSmallIntegerField(_("paper originals"), default=0)
    copies = models.PositiveSmallIntegerField(_("photocopies"), default=0)
    form = models.CharField(_("form"), max_length=10, choices=Form.choices, default=Form.BOTH)
    required = models.BooleanField(pgettext_lazy("material", "required"), default=True)
    secondary = models.BooleanField(_("may be supplied later (容缺)"), default=False)
    blank_form = models.CharField(_("blank form"), max_length=200, blank=True)
    sample = models.CharField(_("filled-in sample"), max_length=200, blank=True)
    acceptance_standard = models.TextField(_("acceptance standard"), blank=True)
    notes = models.TextField(_("notes for filling in"), blank=True)
    basis = models.TextField(_("basis for requiring it"), blank=True)
    reusable_as = models.CharField(_("reusable department record"), max_length=30, blank=True,
                                   help_text=_("A record the department already holds, e.g. 'certificate'"))

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["version", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="material_unique_key")]

    def __str__(self):
        return self.name


class FlowStep(DraftChild):
    class Kind(models.TextChoices):
        ACCEPT = "accept", _("Accept")
        REVIEW = "review", _("Preliminary review")
        SIGN_OFF = "sign_off", _("Sign-off of the review opinion")
        FORWARD = "forward", _("Forward to higher authority")
        DECIDE = "decide", _("Decide")
        ISSUE = "issue", _("Issue")

    version = models.ForeignKey(ItemVersion, models.CASCADE, related_name="steps", verbose_name=_("version"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    time_limit = models.PositiveIntegerField(_("time limit (working days)"), default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("flow step")
        verbose_name_plural = _("flow steps")
        ordering = ["version", "order", "id"]

    def __str__(self):
        return self.name


class FAQ(DraftChild):
    version = models.ForeignKey(ItemVersion, models.CASCADE, related_name="faqs", verbose_name=_("version"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"))

    class Meta:
        verbose_name = _("FAQ")
        verbose_name_plural = _("FAQs")
        ordering = ["version", "order", "id"]

    def __str__(self):
        return self.question


class FormField(DraftChild):
    """A field the application form asks for (e.g. the new name in a change of registered items)."""

    class Type(models.TextChoices):
        TEXT = "text", _("Text")
        TEXTAREA = "textarea", _("Long text")
        DATE = "date", _("Date")
        NUMBER = "number", pgettext_lazy("field type", "Number")
        MONEY = "money", _("Amount (yuan)")
        CHOICE = "choice", _("Choice")

    version = models.ForeignKey(ItemVersion, models.CASCADE, related_name="form_fields", verbose_name=_("version"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    key = models.SlugField(_("key"), max_length=50)
    label = models.CharField(_("label"), max_length=100)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.TEXT)
    required = models.BooleanField(pgettext_lazy("form field", "required"), default=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    help_text = models.CharField(_("help text"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        ordering = ["version", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="form_field_unique_key")]

    def __str__(self):
        return self.label


class SearchSynonym(models.Model):
    """A word people use for items ("证书补发", "换证") and the catalog words it stands for: the service
    finder also finds items matching any of them. Kept by administrators in the admin."""

    term = models.CharField(_("word people use"), max_length=30, unique=True)
    matches = models.CharField(_("catalog words it finds"), max_length=200,
                               help_text=_("Separated by spaces: an item whose name or keywords contain any of "
                                           "them is found."))

    class Meta:
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")
        ordering = ["term"]

    def __str__(self):
        return f"{self.term} → {self.matches}"


class GuideForm(models.Model):
    """A downloadable blank form (空白表格) or filled-in sample (示例样表) named by a material of an item's guide.
    Kept per item and material key, so it outlives new versions of the guide. The reference catalog's
    files are generated by the project and say on their face that they are templates."""

    class Kind(models.TextChoices):
        BLANK = "blank", _("Blank form")
        SAMPLE = "sample", _("Filled-in sample")

    item = models.ForeignKey(Item, models.CASCADE, related_name="guide_forms", verbose_name=_("item"))
    material_key = models.SlugField(_("material key"), max_length=50)
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    file_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=100)
    data = models.BinaryField(_("file"))
    generated = models.BooleanField(_("generated template"), default=False)
    stored_at = models.DateTimeField(_("stored at"), auto_now=True)

    class Meta:
        verbose_name = _("downloadable form")
        verbose_name_plural = _("downloadable forms")
        constraints = [models.UniqueConstraint(fields=["item", "material_key", "kind"], name="guide_form_unique")]

    def __str__(self):
        return self.file_name
