"""Every refusal of the register's services, by its code: what the rule refuses and that nothing is written."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from onewindow.catalog.models import OrgKind, RegistryAction
from onewindow.core.errors import Conflict, ValidationFailed
from onewindow.registry import services
from onewindow.registry.effects import case_grant_apply
from onewindow.registry.importer import read_rows
from onewindow.registry.models import Organisation, OrganisationVersion, UsccOverride
from onewindow.registry.services import (
    organisation_charity_recognise,
    organisation_charter_approve,
    organisation_fundraising_qualify,
    organisations_import,
)

from .test_import_export import GOOD, xlsx
from .test_overrides_and_commands import BAD

pytestmark = pytest.mark.django_db


def apply(case, actor):
    with transaction.atomic():
        return case_grant_apply(case=case, actor=actor)


def refused(error, call) -> str:
    with pytest.raises(error) as err:
        call()
    return err.value.code


def test_missing_registered_items_are_refused_item_by_item(make_case, chief):
    case = make_case(RegistryAction.ESTABLISH, {"name": "缺项基金会"}, kinds=[OrgKind.FOUNDATION])
    with pytest.raises(ValidationFailed) as err:
        apply(case, chief)
    assert err.value.code == "registered_items"
    assert {"address", "purpose", "legal_representative"} <= set(err.value.details)
    assert not Organisation.objects.exists()


def test_a_registered_name_is_not_taken_twice(establish, make_case, chief):
    first, _ = establish(OrgKind.FOUNDATION)
    assert refused(Conflict, lambda: establish(OrgKind.FOUNDATION)) == "name_taken"
    assert Organisation.objects.count() == 1
    other, _ = establish(OrgKind.PRIVATE_NON_ENTERPRISE)
    rename = make_case(RegistryAction.CHANGE, {"name": first.name}, organisation=other)
    assert refused(Conflict, lambda: apply(rename, chief)) == "name_taken"
    other.refresh_from_db()
    assert other.name != first.name and other.versions.count() == 1


def test_charter_needs_text_and_a_registered_organisation(establish, make_case, chief):
    organisation, _ = establish(OrgKind.FOUNDATION)
    assert (
        refused(
            ValidationFailed,
            lambda: organisation_charter_approve(
                organisation=organisation, text="  ", case_no="C-1", actor=chief
            ),
        )
        == "charter_required"
    )
    apply(make_case(RegistryAction.DEREGISTER, {"reason": "自行解散"}, organisation=organisation), chief)
    assert (
        refused(
            Conflict,
            lambda: organisation_charter_approve(
                organisation=organisation, text="新章程", case_no="C-2", actor=chief
            ),
        )
        == "not_registered"
    )
    assert not organisation.charters.exists()


def test_charity_and_fundraising_are_granted_once_and_in_order(establish, chief):
    organisation, _ = establish(OrgKind.FOUNDATION)
    Organisation.objects.filter(pk=organisation.pk).update(established_on=datetime.date(2015, 6, 1))
    assert (
        refused(
            Conflict,
            lambda: organisation_fundraising_qualify(organisation=organisation, case_no="C-1", actor=chief),
        )
        == "not_charity"
    )
    organisation_charity_recognise(organisation=organisation, case_no="C-2", actor=chief)
    assert (
        refused(
            Conflict,
            lambda: organisation_charity_recognise(organisation=organisation, case_no="C-3", actor=chief),
        )
        == "already_charity"
    )
    organisation_fundraising_qualify(organisation=organisation, case_no="C-4", actor=chief)
    assert (
        refused(
            Conflict,
            lambda: organisation_fundraising_qualify(organisation=organisation, case_no="C-5", actor=chief),
        )
        == "already_fundraising"
    )
    assert organisation.versions.count() == 3  # establish, charity, fundraising: no version for a refusal


def test_bad_rows_refuse_the_whole_import(administrator):
    bad = [GOOD[0], ["", "51430000MJJ509249A", "社团", "正常"] + [""] * 12]
    with pytest.raises(ValidationFailed) as err:
        organisations_import(rows=read_rows(xlsx(bad), "r.xlsx"), actor=administrator)
    assert err.value.code == "import_rows" and [r["row"] for r in err.value.details["rows"]] == [3]
    assert not Organisation.objects.exists()


def test_an_import_racing_another_is_refused_and_writes_nothing(administrator, monkeypatch):
    rows = read_rows(xlsx(GOOD[:1]), "r.xlsx")
    valid, errors = services.validate_rows(rows)
    assert not errors
    organisations_import(rows=rows, actor=administrator)
    # A concurrent import committed the same code after this one validated its rows.
    monkeypatch.setattr(services, "validate_rows", lambda rows: (valid, []))
    assert refused(Conflict, lambda: organisations_import(rows=rows, actor=administrator)) == "import_race"
    assert Organisation.objects.count() == 1 and OrganisationVersion.objects.count() == 1


@pytest.mark.parametrize(
    "content, name",
    [
        (b"not a zip", "r.xlsx"),
        (b"x", "r.txt"),
        (b"", "r.csv"),
        ("名称\n甲".encode(), "r.csv"),
    ],
)
def test_an_unreadable_register_file_is_refused(content, name):
    assert refused(ValidationFailed, lambda: read_rows(content, name)) == "import_file"


def test_the_import_page_shows_the_file_refusal(login, administrator):
    response = login(administrator).post(
        "/organisations/import/", {"file": SimpleUploadedFile("r.txt", b"x")}
    )
    assert response.status_code == 200 and "请上传.xlsx或.csv文件。" in response.content.decode()
    assert not Organisation.objects.exists()


def test_override_refusals_through_the_api(api, administrator):
    client = api(administrator)
    response = client.post("/api/v1/organisations/overrides", {"code": "9144030070846113", "reason": "x"})
    assert response.status_code == 422 and response.json()["code"] == "uscc_length"
    response = client.post("/api/v1/organisations/overrides", {"code": "91440300708461136T", "reason": "x"})
    assert response.status_code == 422 and response.json()["code"] == "override_needless"
    assert (
        client.post("/api/v1/organisations/overrides", {"code": BAD, "reason": "经核实"}).status_code == 201
    )
    response = client.post("/api/v1/organisations/overrides", {"code": BAD, "reason": "再次"})
    assert response.status_code == 409 and response.json()["code"] == "override_exists"
    assert UsccOverride.objects.count() == 1


def test_unknown_credit_code_is_not_found(api, clerk):
    response = api(clerk).get("/api/v1/organisations/51430000MJJ509249B")
    assert response.status_code == 404 and response.json()["code"] == "organisation_not_found"
