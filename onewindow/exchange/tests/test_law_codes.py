"""Exchange codes the issue #14 rules need: the 服务对象 of the applicant (GB/T 39046 A.3) read from the
credit code's structure (GB 32100 positions 1-2), and the handling action sent as its code."""

import pytest

from onewindow.cases.models import ApplicantKind, Case, IdType
from onewindow.exchange.events import applicant_type
from onewindow.exchange.mapping import load_mappings
from onewindow.exchange.models import PlatformProfile


@pytest.mark.parametrize(("kind", "id_type", "number", "expected", "code"), [
    (ApplicantKind.PERSON, IdType.RESIDENT_ID, "430102199003076545", "person", "1"),
    (ApplicantKind.ORGANISATION, IdType.USCC, "91440300708461136T", "enterprise", "2"),
    (ApplicantKind.ORGANISATION, IdType.USCC, "12430000MJJ509249B", "public_institution", "3"),
    (ApplicantKind.ORGANISATION, IdType.USCC, "51430000MJJ509249B", "social_organisation", "4"),
    (ApplicantKind.ORGANISATION, IdType.USCC, "11430000006122340X", "government", "6"),
    (ApplicantKind.ORGANISATION, IdType.USCC, "Y1430000MJJ509249B", "other_organisation", "9"),
])
def test_applicant_type_codes(db, kind, id_type, number, expected, code):
    case = Case(applicant_kind=kind, id_type=id_type, id_number=number)
    assert applicant_type(case) == expected
    mappings = load_mappings(PlatformProfile.objects.get(name="gbt39046"))
    assert mappings[("applyer_type", expected)] == code


@pytest.mark.parametrize(("action", "code"), [("pass", "1"), ("return", "2"), ("other", "9")])
def test_handling_action_is_sent_as_its_code(db, action, code):
    assert load_mappings(PlatformProfile.objects.get(name="gbt39046"))[("handle_action", action)] == code


def test_new_art45_pause_kinds_have_codes(db):
    mappings = load_mappings(PlatformProfile.objects.get(name="gbt39046"))
    assert all(mappings[("special_type", kind)] == "2" for kind in ("tender", "auction", "quarantine"))
