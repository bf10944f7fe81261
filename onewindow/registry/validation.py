"""Checking registered items from form data or an import row."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.models import OrgKind
from onewindow.core.errors import ValidationFailed

from .models import ITEMS_BY_KIND, REGISTERED_ITEMS

MAX_LENGTHS = {"name": 200, "address": 300, "activity_area": 100, "legal_representative": 50,
               "supervisor_unit": 200, "foundation_type": 50}
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
            try:
                amount = Decimal(value.replace(",", ""))
            except InvalidOperation:
                amount = None
            if amount is None or not amount.is_finite() or amount < 0 or amount >= Decimal("1e14"):
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
