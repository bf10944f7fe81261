"""Checking registered items from form data or an import row."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.models import OrgKind
from onewindow.core.errors import ValidationFailed

from .identifiers import check_id_number
from .models import ITEMS_BY_KIND, REGISTERED_ITEMS, Organisation

# The legal representative's contact as the forms name it (not registered items; see Organisation).
REPRESENTATIVE_CONTACT = ("legal_representative_id_number", "legal_representative_mobile")

# Limits as the register's columns hold them (derived from the model, so the checks cannot drift from it).
MAX_LENGTHS = {key: field.max_length for key in REGISTERED_ITEMS
               if (field := Organisation._meta.get_field(key)).get_internal_type() == "CharField"}
_CAPITAL = Organisation._meta.get_field("registered_capital")
CAPITAL_BOUND = Decimal(10) ** (_CAPITAL.max_digits - _CAPITAL.decimal_places)  # 1e14 yuan: 14 integer digits
# Labels as the register words them (住所, not 地址): a context keeps them apart from other apps' msgids.
ITEM_LABELS = {
    "name": pgettext_lazy("registered item", "name"),
    "address": pgettext_lazy("registered item", "address"),
    "purpose": pgettext_lazy("registered item", "purpose"),
    "business_scope": pgettext_lazy("registered item", "business scope"),
    "activity_area": pgettext_lazy("registered item", "area of activity"),
    "legal_representative": pgettext_lazy("registered item", "legal representative"),
    "registered_capital": pgettext_lazy("registered item", "registered capital (yuan)"),
    "supervisor_unit": pgettext_lazy("registered item", "supervising unit"),
    "foundation_type": pgettext_lazy("registered item", "foundation type"),
}

# The money an organisation registers is named per kind, as its registration certificate prints it:
# 活动资金 (《社会团体登记管理条例》), 开办资金 (《民办非企业单位登记管理暂行条例》), 原始基金数额 (《基金会管理条例》);
# see shared/domain/mission.md, "Certificates the registry issues".
CAPITAL_LABELS = {
    OrgKind.SOCIAL_GROUP: pgettext_lazy("registered item", "activity funds (yuan)"),
    OrgKind.PRIVATE_NON_ENTERPRISE: pgettext_lazy("registered item", "start-up funds (yuan)"),
    OrgKind.FOUNDATION: pgettext_lazy("registered item", "initial fund (yuan)"),
}


def item_label(key: str, kind: str):
    """The registered item's name as the register words it for this kind of organisation."""
    return CAPITAL_LABELS.get(kind, ITEM_LABELS[key]) if key == "registered_capital" else ITEM_LABELS[key]


def clean_items(*, kind: str, data: dict, required: bool) -> dict:
    """Registered items of `kind` from form data: stripped, typed, checked. Blank values are left out
    unless `required`, when every item of the kind must be given."""
    if kind not in ITEMS_BY_KIND:
        raise ValidationFailed(_("Unknown organisation kind."), code="org_kind")
    allowed = ITEMS_BY_KIND[kind]
    errors, cleaned = {}, {}
    for key in REGISTERED_ITEMS:
        raw = data.get(key)
        value = "" if raw is None else str(raw).strip()
        if not value:
            if required and key in allowed:
                errors[key] = gettext("%(item)s is required.") % {"item": item_label(key, kind)}
            continue
        if key not in allowed:
            errors[key] = gettext("%(item)s is not a registered item of this kind of organisation.") % {
                "item": item_label(key, kind)}
            continue
        if key == "registered_capital":
            amount = _amount(value)
            if amount is None or amount < 0 or amount >= CAPITAL_BOUND:
                errors[key] = gettext("%(item)s must be an amount in yuan.") % {"item": item_label(key, kind)}
                continue
            cleaned[key] = amount.quantize(Decimal("0.01"))
        elif key in MAX_LENGTHS and len(value) > MAX_LENGTHS[key]:
            errors[key] = gettext("%(item)s is longer than %(n)d characters.") % {
                "item": item_label(key, kind), "n": MAX_LENGTHS[key]}
        else:
            cleaned[key] = value
    if errors:
        raise ValidationFailed("；".join(errors.values()), code="registered_items", details=errors)
    return cleaned


def clean_representative_contact(data: dict) -> dict:
    """The legal representative's ID number and mobile from form data, checked; both or neither."""
    id_number = str(data.get("legal_representative_id_number") or "").strip().upper()
    mobile = str(data.get("legal_representative_mobile") or "").strip()
    if not id_number and not mobile:
        return {}
    errors = {}
    result = check_id_number(id_number)
    if not result.ok:
        errors["legal_representative_id_number"] = gettext("The legal representative's ID number: %(problem)s") % {
            "problem": result.message}
    if not (len(mobile) == 11 and mobile.isdigit() and mobile.startswith("1")):
        errors["legal_representative_mobile"] = gettext(
            "The legal representative's mobile must be 11 digits starting with 1.")
    if errors:
        raise ValidationFailed("；".join(errors.values()), code="representative_contact", details=errors)
    return {"legal_representative_id_number": id_number, "legal_representative_mobile": mobile}


def _amount(value: str) -> Decimal | None:
    try:
        amount = Decimal(value.replace(",", ""))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def column_errors(data: dict, labels: dict | None = None) -> dict[str, str]:
    """What the register's columns could not hold, by form key, checked at intake so that a decision never
    has to refuse it: text longer than the column (max_length) and amounts with more digits than the column
    (max_digits, decimal_places). `labels` names the fields as the item's form does."""
    errors = {}
    for key in (*REGISTERED_ITEMS, *REPRESENTATIVE_CONTACT):
        value = str(data.get(key) or "").strip()
        if not value:
            continue
        field = Organisation._meta.get_field(key)
        label = (labels or {}).get(key) or field.verbose_name
        if field.get_internal_type() == "DecimalField":
            amount = _amount(value)
            bound = Decimal(10) ** (field.max_digits - field.decimal_places)
            if amount is None or amount < 0 or amount >= bound:
                errors[key] = gettext("“%(label)s” must be an amount of at most %(digits)d digits before the "
                                      "decimal point.") % {"label": label,
                                                           "digits": field.max_digits - field.decimal_places}
        elif field.max_length and len(value) > field.max_length:
            errors[key] = gettext("“%(label)s” is longer than the register holds (at most %(n)d characters).") % {
                "label": label, "n": field.max_length}
    return errors


# Statutory minimum funds (yuan) and their articles. 基金会管理条例 Art. 8(2): 全国性公募 ≥ 8,000,000,
# 地方性公募 ≥ 4,000,000, 非公募 ≥ 2,000,000 (原始基金, 到账货币资金). 社会团体登记管理条例 Art. 10(5):
# 全国性 ≥ 100,000, 地方性及跨行政区域 ≥ 30,000 (活动资金).
FOUNDATION_MINIMUMS = (("全国性公募", Decimal(8_000_000)), ("地方性公募", Decimal(4_000_000)),
                       ("非公募", Decimal(2_000_000)))
FOUNDATION_BASIS = "《基金会管理条例》第八条"
SOCIAL_GROUP_MINIMUMS = {True: Decimal(100_000), False: Decimal(30_000)}  # national?
SOCIAL_GROUP_BASIS = "《社会团体登记管理条例》第十条"


def minimum_funds(*, kind: str, data: dict, configured=None, basis: str = "") -> tuple[Decimal, str] | None:
    """The minimum funds an organisation of `kind` with registered items `data` must have, and its legal
    basis: statutory for foundations and social groups, else the item's configured minimum (or None)."""
    if kind == "foundation":
        foundation_type = str(data.get("foundation_type") or "")
        for words, amount in FOUNDATION_MINIMUMS:
            if words in foundation_type:
                return amount, FOUNDATION_BASIS
    if kind == "social_group":
        national = str(data.get("activity_area") or "").strip() in ("全国", "全国性", "中华人民共和国")
        return SOCIAL_GROUP_MINIMUMS[national], SOCIAL_GROUP_BASIS
    if configured is not None:
        return Decimal(configured), basis
    return None


def funds_error(*, kind: str, data: dict, configured=None, basis: str = "") -> str | None:
    """A Chinese message naming the article when the registered capital is below the minimum."""
    rule = minimum_funds(kind=kind, data=data, configured=configured, basis=basis)
    raw = str(data.get("registered_capital") or "").replace(",", "").strip()
    if rule is None or not raw:
        return None
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        return None  # the amount's own check reports it
    minimum, article = rule
    if amount.is_finite() and amount < minimum:
        return gettext("The funds must be at least %(minimum)s yuan (%(basis)s).") % {
            "minimum": f"{minimum:,.0f}", "basis": article or gettext("the item's configuration")}
    return None
