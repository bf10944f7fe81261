"""Case numbers, certificate numbers and credit codes are links wherever staff meet them."""

import datetime

from django.db import transaction
from django.test import Client
from django.urls import reverse

from onewindow.cases import services
from onewindow.cases.models import Case
from onewindow.catalog.models import OrgKind, RegistryAction
from onewindow.ratings.services import complaint_create
from onewindow.registry.services import organisation_establish
from onewindow.registry.tests.conftest import PNE_ITEMS

from .factories import make_case, make_item


def test_case_page_links_certificates_and_the_organisation(chief, login, today):
    with transaction.atomic():
        organisation = organisation_establish(kind=OrgKind.PRIVATE_NON_ENTERPRISE, data=PNE_ITEMS, case_no="",
                                              actor=None)
    case = make_case(make_item(registry_action=RegistryAction.CHANGE), chief, id_number=organisation.credit_code)
    services.case_accept(case=case, actor=chief)
    services.case_decide(case=case, actor=chief, outcome="grant")
    case.refresh_from_db()
    token = case.result_certificates[0]["token"]
    page = login(chief).get(reverse("cases:case", args=[case.case_no])).content.decode()
    assert f'href="{reverse("certificates:verify", args=[token])}"' in page
    assert f'href="{reverse("registry:detail", args=[organisation.credit_code])}"' in page
    detail = login(chief).get(reverse("registry:detail", args=[organisation.credit_code])).content.decode()
    assert f'href="{reverse("cases:case", args=[case.case_no])}"' in detail  # the register's history
    search = reverse("registry:search") + "?q=" + organisation.credit_code
    assert f'href="{reverse("registry:detail", args=[organisation.credit_code])}"' in login(chief).get(search).content.decode()
    assert "/organisations/" + organisation.credit_code not in Client().get(search).content.decode()  # public: text


def test_board_and_complaint_link_the_case_for_staff(chief, supervisor, login, today):
    case = services.case_accept(case=make_case(make_item(promised=(5, "working_days")), chief), actor=chief)
    Case.objects.filter(pk=case.pk).update(promised_due=today.value - datetime.timedelta(days=3))  # red
    link = f'href="{reverse("cases:case", args=[case.case_no])}"'
    assert link in login(supervisor).get(reverse("ratings:board")).content.decode()
    complaint = complaint_create(kind="complaint", source="window", actor=chief, subject="办理超期", content="承诺时限已过仍未办结",
                                 case_no=case.case_no, person_name="李明", person_mobile="13900001111")
    assert link in login(supervisor).get(reverse("ratings:complaint", args=[complaint.tracking_no])).content.decode()
