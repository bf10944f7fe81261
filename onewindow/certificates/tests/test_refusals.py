"""Every refusal of the certificate services, by its code, and on the staff pages where a person meets it."""

import pytest
from django.db import transaction

from onewindow.audit.models import AuditEvent
from onewindow.catalog.models import RegistryAction
from onewindow.certificates.models import Certificate, CertificateKind
from onewindow.certificates.services import certificate_issue, certificate_print, certificate_void
from onewindow.core.errors import Conflict, ValidationFailed
from onewindow.registry.effects import case_grant_apply
from onewindow.registry.models import Organisation

pytestmark = pytest.mark.django_db


def grant(case, actor):
    with transaction.atomic():
        return case_grant_apply(case=case, actor=actor)


def test_issue_refuses_an_unknown_kind_and_a_closed_organisation(establish, chief):
    organisation, _ = establish()
    with pytest.raises(ValidationFailed) as err, transaction.atomic():
        certificate_issue(organisation=organisation, kind="diploma", case_no="C-1", actor=chief)
    assert err.value.code == "certificate_kind"
    Organisation.objects.filter(pk=organisation.pk).update(status=Organisation.Status.DEREGISTERED)
    organisation.refresh_from_db()
    with pytest.raises(Conflict) as err, transaction.atomic():
        certificate_issue(
            organisation=organisation, kind=CertificateKind.FUNDRAISING, case_no="C-2", actor=chief
        )
    assert err.value.code == "not_registered"
    assert Certificate.objects.count() == 1


def test_replacing_needs_a_valid_certificate(establish, make_case, chief, administrator):
    organisation, certificate = establish()
    certificate_void(certificate=certificate, reason="错发", actor=administrator)
    with pytest.raises(Conflict) as err:
        grant(
            make_case(RegistryAction.REPLACE_CERTIFICATE, {"reason": "lost"}, organisation=organisation),
            chief,
        )
    assert err.value.code == "no_certificate"
    assert Certificate.objects.count() == 1


def test_a_void_certificate_is_neither_voided_again_nor_printed(establish, administrator):
    _, certificate = establish()
    certificate_void(certificate=certificate, reason="错发", actor=administrator)
    with pytest.raises(Conflict) as err:
        certificate_void(certificate=certificate, reason="再次", actor=administrator)
    assert err.value.code == "not_valid"
    with pytest.raises(Conflict) as err:
        certificate_print(certificate=certificate, actor=administrator)
    assert err.value.code == "not_valid"
    certificate.refresh_from_db()
    assert certificate.print_count == 0 and certificate.ended_reason == "错发"
    assert AuditEvent.objects.filter(action="certificate.voided").count() == 1


def test_staff_pages_show_the_not_valid_refusal(establish, login, administrator):
    _, certificate = establish()
    admin_client = login(administrator)
    void = f"/verify/staff/{certificate.token}/void"
    assert admin_client.post(void, {"reason": "错发"}).status_code == 302
    response = admin_client.post(void, {"reason": "再次"})
    assert response.status_code == 409 and "只有有效的证书才能作废。" in response.content.decode()
    response = admin_client.post(f"/verify/staff/{certificate.token}/reprint")
    assert response.status_code == 409 and "只有有效的证书才能打印。" in response.content.decode()
