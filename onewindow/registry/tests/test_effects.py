import datetime

import pytest
from django.db import transaction

from onewindow.audit.models import AuditEvent
from onewindow.catalog.models import OrgKind, RegistryAction
from onewindow.certificates.models import Certificate, CertificateKind
from onewindow.core.errors import Conflict, ValidationFailed
from onewindow.registry.effects import GrantEffect, case_grant_apply
from onewindow.registry.identifiers import check_uscc
from onewindow.registry.models import CharterVersion, Organisation
from onewindow.registry.selectors import organisation_as_of, organisation_find, organisation_history

pytestmark = pytest.mark.django_db


def apply(case, actor):
    with transaction.atomic():
        return case_grant_apply(case=case, actor=actor)


def test_none_changes_nothing(make_case, chief):
    assert apply(make_case(RegistryAction.NONE, {"name": "x"}), chief) == GrantEffect(None, [])
    assert not Organisation.objects.exists()


def test_establish_allocates_code_version_and_certificate(establish):
    organisation, certificate = establish(OrgKind.PRIVATE_NON_ENTERPRISE)
    assert organisation.credit_code.startswith("52430000MJ")
    assert check_uscc(organisation.credit_code).ok
    assert organisation.status == Organisation.Status.REGISTERED
    assert organisation.registration_authority == "湖南省民政厅"
    assert [v.number for v in organisation_history(organisation)] == [1]
    assert certificate.kind == CertificateKind.PRIVATE_NON_ENTERPRISE
    assert certificate.case_no and certificate.printed["credit_code"] == organisation.credit_code
    assert organisation_find(organisation.credit_code.lower()) == organisation
    assert organisation_find("湖南康养职业技能培训中心") == organisation
    assert AuditEvent.objects.filter(action="registry.organisation_established").count() == 1
    assert AuditEvent.objects.filter(action="certificate.issued").count() == 1


def test_establish_picks_kind_from_form_when_item_covers_several(make_case, chief):
    from onewindow.registry.tests.conftest import GROUP_ITEMS

    case = make_case(RegistryAction.ESTABLISH, {**GROUP_ITEMS, "org_kind": "social_group", "charter": "第一条"},
                     kinds=["social_group", "foundation"])
    effect = apply(case, chief)
    assert effect.organisation.credit_code[:2] == "51"
    assert CharterVersion.objects.get(organisation=effect.organisation).text == "第一条"
    with pytest.raises(ValidationFailed):
        apply(make_case(RegistryAction.ESTABLISH, GROUP_ITEMS, kinds=["social_group", "foundation"]), chief)


def test_establish_missing_items_is_refused_and_writes_nothing(make_case, chief):
    with pytest.raises(ValidationFailed) as err:
        apply(make_case(RegistryAction.ESTABLISH, {"name": "缺项基金会"}, kinds=["foundation"]), chief)
    assert "住所" in str(err.value.message)
    assert not Organisation.objects.exists() and not Certificate.objects.exists()


def test_duplicate_name_is_refused(establish):
    establish(OrgKind.FOUNDATION)
    with pytest.raises(Conflict):
        establish(OrgKind.FOUNDATION)


def test_change_name_and_scope_reissues_and_keeps_history(establish, make_case, chief):
    """The article's example 1: 民非 renamed to 湖南康养职业培训学校 with a new business scope."""
    organisation, old = establish(OrgKind.PRIVATE_NON_ENTERPRISE)
    case = make_case(RegistryAction.CHANGE, {"name": "湖南康养职业培训学校", "business_scope": "职业技能培训"},
                     organisation=organisation)
    effect = apply(case, chief)
    organisation.refresh_from_db()
    old.refresh_from_db()
    assert organisation.name == "湖南康养职业培训学校"
    new = effect.certificates[0]
    assert old.status == Certificate.Status.SUPERSEDED and old.superseded_by == new
    assert ["名称", "湖南康养职业培训学校"] in new.printed["fields"]
    history = list(organisation_history(organisation))
    assert [v.number for v in history] == [2, 1]
    assert history[1].data["name"] == "湖南康养职业技能培训中心" and history[0].case_no == case.case_no


def test_change_with_nothing_new_or_no_organisation_is_refused(establish, make_case, chief):
    organisation, _ = establish()
    with pytest.raises(ValidationFailed):
        apply(make_case(RegistryAction.CHANGE, {"name": organisation.name}, organisation=organisation), chief)
    with pytest.raises(ValidationFailed) as err:
        apply(make_case(RegistryAction.CHANGE, {"name": "新名"}), chief)
    assert err.value.code == "organisation_required"


def test_as_of_answers_past_dates(establish, make_case, chief):
    organisation, _ = establish()
    versions = list(organisation.versions.order_by("number"))
    versions[0].valid_from = datetime.date(2008, 3, 1)
    versions[0].save()
    apply(make_case(RegistryAction.CHANGE, {"name": "湖南康养职业培训学校"}, organisation=organisation), chief)
    assert organisation_as_of(organisation, datetime.date(2008, 2, 1)) is None
    assert organisation_as_of(organisation, datetime.date(2020, 1, 1))["name"] == "湖南康养职业技能培训中心"
    assert organisation_as_of(organisation, datetime.date.today())["name"] == "湖南康养职业培训学校"


def test_charter_deregister_charity_fundraising_replace(establish, make_case, chief):
    organisation, registration = establish(OrgKind.FOUNDATION)
    apply(make_case(RegistryAction.CHARTER, {"charter": "新章程"}, organisation=organisation), chief)
    assert organisation.charters.get().text == "新章程"
    with pytest.raises(ValidationFailed):
        apply(make_case(RegistryAction.CHARTER, {}, organisation=organisation), chief)

    with pytest.raises(Conflict):  # fundraising needs charity recognition first
        apply(make_case(RegistryAction.FUNDRAISING, {}, organisation=organisation), chief)
    apply(make_case(RegistryAction.CHARITY, {}, organisation=organisation), chief)
    with pytest.raises(Conflict) as err:  # and a year since registration
        apply(make_case(RegistryAction.FUNDRAISING, {}, organisation=organisation), chief)
    assert err.value.code == "registered_too_recently"
    Organisation.objects.filter(pk=organisation.pk).update(established_on=datetime.date(2015, 6, 1))
    effect = apply(make_case(RegistryAction.FUNDRAISING, {}, organisation=organisation), chief)
    assert effect.certificates[0].kind == CertificateKind.FUNDRAISING
    organisation.refresh_from_db()
    assert organisation.charity_recognised_on and organisation.fundraising_qualified_on

    with pytest.raises(ValidationFailed):
        apply(make_case(RegistryAction.REPLACE_CERTIFICATE, {"reason": "stolen"}, organisation=organisation), chief)
    effect = apply(make_case(RegistryAction.REPLACE_CERTIFICATE, {"reason": "lost"}, organisation=organisation),
                   chief)
    registration.refresh_from_db()
    assert registration.status == Certificate.Status.VOID and registration.ended_reason == "遗失补发"
    assert effect.certificates[0].number != registration.number

    apply(make_case(RegistryAction.DEREGISTER, {"reason": "自行解散"}, organisation=organisation), chief)
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.DEREGISTERED
    assert not organisation.certificates.filter(status=Certificate.Status.VALID).exists()
    assert organisation.certificates.filter(status=Certificate.Status.REVOKED).count() == 2
    with pytest.raises(Conflict):
        apply(make_case(RegistryAction.CHANGE, {"name": "又一个名"}, organisation=organisation), chief)


def test_foundation_change_issues_new_legal_person_certificate(establish, make_case, chief):
    """The article's example 2: a county education foundation leaves with a new 法人登记证书."""
    organisation, old = establish(OrgKind.FOUNDATION)
    effect = apply(make_case(RegistryAction.CHANGE, {"legal_representative": "赵刚"}, organisation=organisation),
                   chief)
    [new] = effect.certificates
    assert new.kind == CertificateKind.FOUNDATION and new.printed["title"] == "基金会法人登记证书"
    assert ["法定代表人", "赵刚"] in new.printed["fields"]
    old.refresh_from_db()
    assert old.status == Certificate.Status.SUPERSEDED and old.superseded_by == new


def test_change_reissues_fundraising_certificate_only_when_its_print_changes(establish, make_case, chief):
    organisation, _ = establish(OrgKind.FOUNDATION)
    Organisation.objects.filter(pk=organisation.pk).update(established_on=datetime.date(2015, 6, 1))
    apply(make_case(RegistryAction.CHARITY, {}, organisation=organisation), chief)
    fundraising = apply(make_case(RegistryAction.FUNDRAISING, {}, organisation=organisation), chief).certificates[0]
    # The purpose is printed on the registration certificate but not on the fundraising one.
    effect = apply(make_case(RegistryAction.CHANGE, {"purpose": "资助贫困学生"}, organisation=organisation), chief)
    assert [c.kind for c in effect.certificates] == [CertificateKind.FOUNDATION]
    effect = apply(make_case(RegistryAction.CHANGE, {"name": "某县助学基金会"}, organisation=organisation), chief)
    assert sorted(c.kind for c in effect.certificates) == [CertificateKind.FOUNDATION, CertificateKind.FUNDRAISING]
    fundraising.refresh_from_db()
    assert fundraising.status == Certificate.Status.SUPERSEDED


def test_imported_organisation_without_certificate_gets_one_on_change(make_case, chief):
    organisation = Organisation.objects.create(kind=OrgKind.SOCIAL_GROUP, credit_code="51430000MJJ509249B",
                                               name="湖南省某行业协会", registration_authority="湖南省民政厅")
    effect = apply(make_case(RegistryAction.CHANGE, {"address": "长沙市"}, organisation=organisation), chief)
    assert [c.kind for c in effect.certificates] == [CertificateKind.SOCIAL_GROUP]
