"""The register records the legal representative's ID number and mobile from the registration and change
forms (not registered items: never printed or versioned); they prove a handler acts for the organisation
(portal binding by the legal representative, issue 16)."""

import pytest

from onewindow.catalog.models import OrgKind
from onewindow.core.errors import ValidationFailed
from onewindow.registry.models import Organisation
from onewindow.registry.services import organisation_change, organisation_establish

pytestmark = pytest.mark.django_db

DATA = {
    "name": "长沙市测试培训中心",
    "address": "长沙市岳麓区1号",
    "purpose": "培训",
    "business_scope": "培训",
    "legal_representative": "赵晓红",
    "registered_capital": "300000",
    "supervisor_unit": "某厅",
    "legal_representative_id_number": "43010219900307104x",
    "legal_representative_mobile": "13800000001",
}


def test_establishment_records_the_representatives_contact_out_of_the_versions():
    org = organisation_establish(kind=OrgKind.PRIVATE_NON_ENTERPRISE, data=DATA, case_no="", actor=None)
    org.refresh_from_db()
    assert (org.legal_representative_id_number, org.legal_representative_mobile) == (
        "43010219900307104X",
        "13800000001",
    )
    assert "13800000001" not in str(org.versions.get().data)


def test_a_bad_contact_is_refused_with_the_field_named():
    with pytest.raises(ValidationFailed) as refused:
        organisation_establish(
            kind=OrgKind.PRIVATE_NON_ENTERPRISE,
            data=DATA | {"legal_representative_mobile": "12345"},
            case_no="",
            actor=None,
        )
    assert "legal_representative_mobile" in refused.value.details
    assert not Organisation.objects.exists()


def test_a_new_representative_replaces_or_clears_the_recorded_contact():
    org = organisation_establish(kind=OrgKind.PRIVATE_NON_ENTERPRISE, data=DATA, case_no="", actor=None)
    org, _ = organisation_change(
        organisation=org,
        data={
            "legal_representative_mobile": "13900000002",
            "legal_representative_id_number": DATA["legal_representative_id_number"],
        },
        case_no="C1",
        actor=None,
    )
    assert org.legal_representative_mobile == "13900000002"  # a contact-only change is a change
    org, _ = organisation_change(
        organisation=org, data={"legal_representative": "钱多多"}, case_no="C2", actor=None
    )
    # The recorded contact was the previous representative's: it no longer proves anything.
    assert (org.legal_representative_id_number, org.legal_representative_mobile) == ("", "")
