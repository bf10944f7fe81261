"""Published catalog items and cases for the tests, built directly with the ORM."""

import itertools

from django.utils import timezone

from onewindow.accounts.models import AuthorityGrant, Role
from onewindow.cases import services
from onewindow.cases.models import ApplicantKind, CaseMaterial, IdType
from onewindow.cases.reuse import reuse_allowed
from onewindow.catalog.models import (
    FormField,
    Item,
    ItemType,
    ItemVersion,
    LimitUnit,
    Material,
    RegistryAction,
    ResultType,
    Route,
)

_codes = itertools.count(1)

# Valid check digits (GB 11643 / GB 32100).
PERSON_ID = "430102199003076545"
AGENT_ID = "11010519491231002X"
ORG_CODE = "52430000MJJ000004B"


def make_item(*, route=Route.ON_SITE, name="民办非企业单位变更登记", promised=(0, LimitUnit.ON_THE_SPOT),
              statutory=(60, LimitUnit.WORKING_DAYS), registry_action=RegistryAction.NONE,
              allows_deficiency=True, grants=None) -> Item:
    """A published item with three materials (one secondary, one reusable) and two form fields."""
    item = Item.objects.create(code=f"114300000061430590{next(_codes):06d}")
    version = ItemVersion.objects.create(
        item=item, number=1, name=name,
        item_type=ItemType.LICENCE, legal_basis="《民办非企业单位登记管理暂行条例》", implementing_body="湖南省民政厅",
        implementing_body_code="11430000006143059N", statutory_limit=statutory[0], statutory_limit_unit=statutory[1],
        promised_limit=promised[0], promised_limit_unit=promised[1], route=route, acceptance_conditions="材料齐全",
        result_name="民办非企业单位登记证书", result_type=ResultType.CERTIFICATE, address="政务服务大厅12号窗口",
        hours="工作日 9:00-17:00", consult_phone="0731-1", complaint_phone="0731-2", allows_deficiency=allows_deficiency,
        registry_action=registry_action, org_kinds=["private_non_enterprise"])
    Material.objects.create(version=version, order=1, key="application", name="变更登记申请表", required=True)
    Material.objects.create(version=version, order=2, key="resolution", name="理事会决议", required=True,
                            secondary=True)
    Material.objects.create(version=version, order=3, key="certificate", name="登记证书正副本", required=True,
                            reusable_as="certificate")
    FormField.objects.create(version=version, order=1, key="name", label="变更后名称", required=True)
    FormField.objects.create(version=version, order=2, key="business_scope", label="业务范围", required=False)
    version.status, version.published_at = ItemVersion.Status.PUBLISHED, timezone.now()
    version.save()
    item.current_version = version
    item.save()
    default = {
        AuthorityGrant.Action.ACCEPT: [Role.CLERK, Role.CHIEF_APPROVER],
        AuthorityGrant.Action.REVIEW: [Role.REVIEWER],
        AuthorityGrant.Action.DECIDE: [Role.CHIEF_APPROVER, Role.DECISION_MAKER],
        AuthorityGrant.Action.ISSUE: [Role.CLERK, Role.CHIEF_APPROVER],
    }
    for action, roles in (grants or default).items():
        AuthorityGrant.objects.bulk_create([AuthorityGrant(item=item, action=action, role=r) for r in roles])
    return item


def applicant(**overrides) -> services.Applicant:
    values = dict(kind=ApplicantKind.ORGANISATION, name="湖南某某职业培训中心", id_type=IdType.USCC, id_number=ORG_CODE,
                  contact_name="李明", contact_mobile="13900001111")
    values.update(overrides)
    return services.Applicant(**values)


def make_case(item, actor, *, complete_materials=True, submit=True, **applicant_overrides):
    case = services.case_create(actor=actor, item=item, applicant=applicant(**applicant_overrides),
                                form_data={"name": "湖南康养职业培训学校"}, submit=submit)
    if complete_materials:
        reusable = reuse_allowed(case, actor)  # a person's case has no organisation records to reuse
        for row in case.materials.select_related("material"):
            mode = CaseMaterial.Mode.REUSED if row.material.reusable_as and reusable else CaseMaterial.Mode.PAPER
            services.case_material_record(case=case, actor=actor, material=row.material, mode=mode,
                                          original_seen=True, copies=1)
    return case


def mark(case, actor, key, mode=CaseMaterial.Mode.MISSING, note="未提供"):
    material = case.item_version.materials.get(key=key)
    return services.case_material_record(case=case, actor=actor, material=material, mode=mode, note=note)
