"""A published item, a registered organisation and applicant accounts for the portal tests (ORM-built,
so the unit tests do not need the whole reference catalog)."""

import itertools

from django.db import transaction
from django.utils import timezone

from onewindow.accounts.models import AuthorityGrant, Role, User
from onewindow.catalog.models import (
    FormField,
    Item,
    ItemType,
    ItemVersion,
    LimitUnit,
    Material,
    OrgKind,
    RegistryAction,
    ResultType,
)
from onewindow.portal.models import ApplicantProfile, Binding
from onewindow.registry.services import organisation_establish

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PERSON_ID = "430102199003076545"
OTHER_ID = "11010519491231002X"
PNE_ITEMS = {
    "name": "湖南康养职业技能培训中心", "address": "长沙市岳麓区麓山南路1号", "purpose": "服务社会，培养康养人才",
    "business_scope": "养老护理员职业技能培训", "legal_representative": "李明", "registered_capital": "300000",
    "supervisor_unit": "湖南省人力资源和社会保障厅",
}
_codes = itertools.count(1)


def make_item(*, name="民办非企业单位变更登记", online=True, name_required=True) -> Item:
    """Published, on-site, changes the register; materials: core, secondary (容缺) and reusable (免提交)."""
    item = Item.objects.create(code=f"11430000006143059N9{next(_codes):06d}")
    version = ItemVersion.objects.create(
        item=item, number=1, name=name, item_type=ItemType.LICENCE, legal_basis="《民办非企业单位登记管理暂行条例》",
        implementing_body="湖南省民政厅", implementing_body_code="11430000006143059N", statutory_limit=60,
        statutory_limit_unit=LimitUnit.CALENDAR_DAYS, promised_limit=0, promised_limit_unit=LimitUnit.ON_THE_SPOT,
        acceptance_conditions="材料齐全", result_name="民办非企业单位（法人）登记证书",
        result_type=ResultType.CERTIFICATE, address="A12号窗口", hours="工作日", consult_phone="0731-1",
        complaint_phone="12345", registry_action=RegistryAction.CHANGE, org_kinds=[OrgKind.PRIVATE_NON_ENTERPRISE],
        topics=["社会组织变更"], keywords="民非变更 mfbg", online=online)
    Material.objects.create(version=version, order=1, key="application", name="变更登记申请表", required=True)
    Material.objects.create(version=version, order=2, key="supporting", name="变更事项证明材料", required=True,
                            secondary=True)
    Material.objects.create(version=version, order=3, key="certificate", name="登记证书正副本", required=True,
                            reusable_as="certificate")
    FormField.objects.create(version=version, order=1, key="name", label="名称", required=name_required)
    FormField.objects.create(version=version, order=2, key="registered_capital", label="开办资金（元）",
                             type=FormField.Type.MONEY, required=False)
    from onewindow.catalog.search import facets_for, search_text_for

    version.status, version.published_at = ItemVersion.Status.PUBLISHED, timezone.now()
    version.search_text, version.facets = search_text_for(version), facets_for(version)
    version.save()
    item.current_version = version
    item.save()
    grants = {AuthorityGrant.Action.ACCEPT: [Role.CLERK, Role.CHIEF_APPROVER],
              AuthorityGrant.Action.DECIDE: [Role.CHIEF_APPROVER],
              AuthorityGrant.Action.ISSUE: [Role.CLERK, Role.CHIEF_APPROVER]}
    for action, roles in grants.items():
        AuthorityGrant.objects.bulk_create([AuthorityGrant(item=item, action=action, role=r) for r in roles])
    return item


def make_organisation():
    with transaction.atomic():
        return organisation_establish(kind=OrgKind.PRIVATE_NON_ENTERPRISE, data=PNE_ITEMS, case_no="", actor=None)


def make_applicant(mobile: str, *, organisation=None, id_number=PERSON_ID, name="赵晓红", password="",
                   binding=Binding.BOUND) -> User:
    """An applicant; one for an organisation is bound to it unless `binding` says otherwise."""
    user = User(username=mobile, kind=User.Kind.APPLICANT, full_name=name, mobile=mobile, id_number=id_number)
    user.set_password(password or None)
    user.save()
    ApplicantProfile.objects.create(
        user=user, kind=ApplicantProfile.Kind.ORGANISATION if organisation else ApplicantProfile.Kind.PERSON,
        organisation_name=organisation.name if organisation else "",
        credit_code=organisation.credit_code if organisation else "", mobile_verified_at=timezone.now(),
        binding=binding if organisation else "", bound_at=timezone.now() if binding == Binding.BOUND else None)
    return user
