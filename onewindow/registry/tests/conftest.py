"""A stand-in for cases.Case carrying exactly what `case_grant_apply` reads."""

from dataclasses import dataclass, field

import pytest

from onewindow.catalog.models import OrgKind, RegistryAction


@dataclass
class ItemVersionStub:
    registry_action: str
    org_kinds: list = field(default_factory=list)
    name: str = "事项"


@dataclass
class CaseStub:
    case_no: str
    item_version: ItemVersionStub
    form_data: dict
    organisation: object = None
    applicant_name: str = "申请人"


PNE_ITEMS = {
    "name": "湖南康养职业技能培训中心", "address": "长沙市岳麓区麓山南路1号", "purpose": "服务社会，培养康养人才",
    "business_scope": "养老护理员职业技能培训", "legal_representative": "李明", "registered_capital": "300000",
    "supervisor_unit": "湖南省人力资源和社会保障厅",
}
FOUNDATION_ITEMS = {
    "name": "湖南省某县教育基金会", "address": "湖南省某县城关镇教育路8号", "foundation_type": "非公募基金会",
    "purpose": "资助教育事业", "business_scope": "奖教奖学、助学", "registered_capital": "2000000",
    "legal_representative": "王强", "supervisor_unit": "某县教育局",
}
GROUP_ITEMS = {
    "name": "湖南省老年书画协会", "address": "长沙市芙蓉区五一大道100号", "purpose": "弘扬书画艺术",
    "business_scope": "书画交流、展览", "activity_area": "湖南省", "legal_representative": "陈华",
    "registered_capital": "30000", "supervisor_unit": "湖南省文化和旅游厅",
}
ITEMS = {OrgKind.PRIVATE_NON_ENTERPRISE: PNE_ITEMS, OrgKind.FOUNDATION: FOUNDATION_ITEMS,
         OrgKind.SOCIAL_GROUP: GROUP_ITEMS}


@pytest.fixture
def make_case():
    counter = iter(range(1, 10_000))

    def make(action: str, form_data: dict | None = None, *, organisation=None, kinds=None) -> CaseStub:
        return CaseStub(case_no=f"CASE-{next(counter):04d}", organisation=organisation, form_data=form_data or {},
                        item_version=ItemVersionStub(registry_action=action, org_kinds=list(kinds or [])))

    return make


@pytest.fixture
def establish(make_case, chief):
    """Establish an organisation of `kind` through the grant effect; returns (organisation, certificate)."""
    from django.db import transaction

    from onewindow.registry.effects import case_grant_apply

    def make(kind=OrgKind.PRIVATE_NON_ENTERPRISE, **overrides):
        case = make_case(RegistryAction.ESTABLISH, {**ITEMS[kind], **overrides}, kinds=[kind])
        with transaction.atomic():
            effect = case_grant_apply(case=case, actor=chief)
        return effect.organisation, effect.certificates[0]

    return make
