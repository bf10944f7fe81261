"""我的证照 and 我的办件 of an organisation account include what the organisation got at the window."""

import pytest
from django.db import transaction
from django.urls import reverse

from onewindow.cases import services as cases
from onewindow.cases.models import ApplicantKind, CaseMaterial, IdType
from onewindow.certificates import services as certificates
from onewindow.certificates.models import Certificate

from .factories import make_applicant


@pytest.fixture
def window_case(item, organisation, chief):
    """A change of the organisation filed, decided and issued at the window (not by the portal account)."""
    applicant = cases.Applicant(kind=ApplicantKind.ORGANISATION, name=organisation.name, id_type=IdType.USCC,
                                id_number=organisation.credit_code, contact_name="李明", contact_mobile="13900001111")
    case = cases.case_create(actor=chief, item=item, applicant=applicant, form_data={"name": "湖南康养职业培训学校"})
    for row in case.materials.select_related("material"):
        cases.case_material_record(case=case, actor=chief, material=row.material, mode=CaseMaterial.Mode.PAPER,
                                   original_seen=True, copies=1)
    cases.case_accept(case=case, actor=chief)
    return cases.case_decide(case=case, actor=chief, outcome="grant")


def test_my_certificates_lists_the_organisations_valid_certificates(window_case, organisation, org_user, person,
                                                                   login):
    issued = Certificate.objects.get(case_no=window_case.case_no)
    with transaction.atomic():  # an older certificate, since superseded, is not listed
        certificates.certificate_issue(organisation=organisation, kind="private_non_enterprise", case_no="",
                                       actor=None)
    older = Certificate.objects.exclude(pk=issued.pk).get()
    Certificate.objects.filter(pk=older.pk).update(status=Certificate.Status.SUPERSEDED)
    page = login(org_user).get(reverse("portal:my_certificates")).content.decode()
    assert issued.number in page and older.number not in page
    download = reverse("portal:certificate_download", args=[issued.token])
    assert login(org_user).get(download).status_code == 200
    assert login(org_user).get(reverse("portal:certificate_download", args=[older.token])).status_code == 404
    assert issued.number not in login(person).get(reverse("portal:my_certificates")).content.decode()
    assert login(person).get(download).status_code == 404
    other = make_applicant("13600003333", organisation=None, name="张三")
    assert login(other).get(download).status_code == 404


def test_my_cases_lists_the_organisations_window_cases_read_only(window_case, org_user, person, login,
                                                                 django_assert_max_num_queries):
    client = login(org_user)
    with django_assert_max_num_queries(9):
        page = client.get(reverse("portal:my_cases")).content.decode()
    assert "本单位在窗口办理的事项（只读）" in page and window_case.case_no in page
    assert reverse("portal:case", args=[window_case.case_no]) not in page  # listed, not opened
    assert client.get(reverse("portal:case", args=[window_case.case_no])).status_code == 404
    assert window_case.case_no not in login(person).get(reverse("portal:my_cases")).content.decode()
