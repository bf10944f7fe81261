"""Public items API (/api/v1/items): the published catalog and each item's full guide. No auth."""

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from onewindow.core.errors import NotFound
from onewindow.core.openapi import ErrorOut

from .codes import ITEM_TYPE
from .models import ItemType
from .selectors import published_guide, published_items

router = Router(tags=["items"])


class Limit(Schema):
    value: int
    unit: str = Field(description="working_days, calendar_days or on_the_spot")


class ItemSummary(Schema):
    code: str
    basic_code: str
    name: str
    item_type: str = Field(description="GB/T 39046 item type code, e.g. 01 for an administrative licence")
    item_type_name: str
    route: str = Field(description="on_site or back_office")
    case_type: str = Field(description="immediate or committed")
    statutory_limit: Limit
    promised_limit: Limit
    version: int


class MaterialOut(Schema):
    order: int
    key: str
    name: str
    source: str
    issuer: str
    originals: int
    copies: int
    form: str
    required: bool
    secondary: bool = Field(description="may be supplied later (容缺)")
    blank_form: str
    sample: str
    acceptance_standard: str
    notes: str
    basis: str


class StepOut(Schema):
    order: int
    kind: str
    name: str
    time_limit: int = Field(description="working days")
    description: str


class FaqOut(Schema):
    order: int
    question: str
    answer: str


class FormFieldOut(Schema):
    order: int
    key: str
    label: str
    type: str
    required: bool
    choices: list
    help_text: str


class ItemGuide(ItemSummary):
    legal_basis: str
    exercise_level: str
    implementing_body: str
    implementing_body_code: str
    handling_unit: str
    acceptance_conditions: str
    prohibitions: str
    special_procedures: str
    result_name: str
    result_type: str
    result_sample: str
    charges_fee: bool
    fee_basis: str
    fee_standard: str
    service_objects: list[str]
    channels: list[str]
    online: bool
    online_url: str
    online_depth: int
    visits_required: int
    visits_reason: str
    supports_appointment: bool
    supports_online_payment: bool
    supports_delivery: bool
    address: str
    hours: str
    consult_phone: str
    complaint_phone: str
    allows_deficiency: bool
    assisted: bool
    fast_lane: bool
    org_kinds: list[str]
    registry_action: str
    materials: list[MaterialOut]
    steps: list[StepOut]
    faqs: list[FaqOut]
    form_fields: list[FormFieldOut]


class ItemFilters(Schema):
    q: str = Field("", description="Chinese substring or pinyin initials (e.g. shtt)")
    item_type: str = Field("", description="GB/T 39046 item type code (01) or its name (licence)")


def _summary(item, version) -> dict:
    return {
        "code": item.code, "basic_code": item.basic_code, "name": version.name,
        "item_type": ITEM_TYPE[version.item_type], "item_type_name": version.get_item_type_display(),
        "route": version.route, "case_type": version.case_type,
        "statutory_limit": {"value": version.statutory_limit, "unit": version.statutory_limit_unit},
        "promised_limit": {"value": version.promised_limit, "unit": version.promised_limit_unit},
        "version": version.number,
    }


@router.get("", response=list[ItemSummary], auth=None, summary="List published items")
def item_list(request, filters: Query[ItemFilters]):
    """Public: every published item, optionally filtered."""
    by_code = {code: semantic for semantic, code in ITEM_TYPE.items()}
    item_type = by_code.get(filters.item_type, filters.item_type)
    if item_type and item_type not in ItemType.values:
        return []
    return [_summary(item, item.current_version)
            for item in published_items(q=filters.q[:100], item_type=item_type)]


@router.get("/{code}", response={200: ItemGuide, 404: ErrorOut}, auth=None, summary="One item's full guide")
def item_detail(request, code: str):
    """Public: the full service guide of one published item."""
    version = published_guide(code)
    if version is None:
        raise NotFound(_("No published item has the code %(code)s.") % {"code": code}, code="item_not_found")
    data = {field: getattr(version, field) for field in ItemGuide.model_fields if hasattr(version, field)}
    data.update(_summary(version.item, version))
    for name in ("materials", "steps", "faqs", "form_fields"):
        data[name] = list(getattr(version, name).all())
    return data
