"""Real browser: a window clerk prints the notices and the certificate of a decided case from its page."""

import re

import pytest
from django.db import transaction

from onewindow.accounts.models import Role
from onewindow.accounts.services import staff_upsert
from onewindow.audit.models import AuditEvent
from onewindow.cases import services
from onewindow.catalog.models import OrgKind, RegistryAction
from onewindow.certificates.models import Certificate
from onewindow.core.pdf import warm_up
from onewindow.core.tests.pdfread import flat, read_pdf
from onewindow.registry.services import organisation_establish
from onewindow.registry.tests.conftest import PNE_ITEMS

from .factories import PERSON_ID, make_case, make_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "browser-pass-123"
PDF_WAIT = 60_000  # ms: a first render on a busy machine takes seconds


def test_clerk_prints_notices_and_certificate_from_the_case_page(new_context, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ONEWINDOW_PUBLIC_URL = live_server.url
    clerk = staff_upsert(username="clerk", full_name="窗口受理员 李敏", roles=[Role.CLERK], password=PASSWORD)
    chief = staff_upsert(username="chief", full_name="首席审批员 王建国", roles=[Role.CHIEF_APPROVER, Role.CLERK],
                         password=PASSWORD)
    with transaction.atomic():
        organisation = organisation_establish(kind=OrgKind.PRIVATE_NON_ENTERPRISE, data=PNE_ITEMS, case_no="",
                                              actor=None)
    case = make_case(make_item(registry_action=RegistryAction.CHANGE), chief, id_number=organisation.credit_code)
    services.case_accept(case=case, actor=chief)
    services.case_decide(case=case, actor=chief, outcome="grant")
    services.case_issue(case=case, actor=clerk, delivery="window", collector_name="李明", collector_id_number=PERSON_ID)
    certificate = Certificate.objects.get(case_no=case.case_no)
    warm_up()  # the server's PDF engine, as gunicorn workers do at start (the first render loads the fonts)

    context = new_context()
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/workbench/"))
    page.goto(f"/workbench/cases/{case.case_no}/")

    section = page.locator("section#documents")
    assert section.get_by_role("heading", name="文书与打印").is_visible()
    for title in ("受理通知书", "准予许可决定书", "送达回证"):
        assert section.get_by_role("cell", name=title).is_visible()
    row = section.locator("tr", has_text=certificate.number)
    assert row.get_by_role("cell", name="0", exact=True).is_visible()  # no reprint yet

    # Print the 正本: it opens in a new tab as the PDF of that sheet, with a QR code to its verification page.
    with context.expect_event("response", predicate=lambda r: "/pdf" in r.url, timeout=PDF_WAIT) as opened:
        row.get_by_role("link", name="打印正本").click()
    response = opened.value
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pages, codes = read_pdf(context.request.get(response.url, timeout=PDF_WAIT).body())
    assert len(pages) == 1 and "正本" in flat(pages[0]) and certificate.number in flat(pages[0])
    assert codes == [f"{live_server.url}/verify/{certificate.token}"]

    # The acceptance notice opens too, with its progress QR.
    with context.expect_event("response", predicate=lambda r: "/documents/" in r.url,
                              timeout=PDF_WAIT) as opened:
        section.locator("tr", has_text="受理通知书").get_by_role("link", name="打开并打印").click()
    assert opened.value.status == 200
    _pages, codes = read_pdf(context.request.get(opened.value.url, timeout=PDF_WAIT).body())
    assert codes == [f"{live_server.url}/progress/{case.case_no}"]

    # A reprint of the 副本 is counted on the certificate, audited, and printed with its copy number.
    with context.expect_event("response", predicate=lambda r: "/pdf?copy=duplicate" in r.url,
                              timeout=PDF_WAIT) as opened:
        row.get_by_role("button", name="补打副本（计数）").click()
    assert opened.value.status == 200
    pages, _codes = read_pdf(context.request.get(opened.value.url, timeout=PDF_WAIT).body())
    assert "副本" in flat(pages[0]) and "打印序号：1" in flat(pages[0])
    certificate.refresh_from_db()
    assert certificate.print_count == 1
    assert AuditEvent.objects.filter(action="certificate.printed", actor=clerk).count() == 1
    page.reload()
    assert page.locator("section#documents tr", has_text=certificate.number).get_by_role(
        "cell", name="1", exact=True).is_visible()
