"""Real browser: the chief approver extends a case once (行政许可法 Art. 42) and starts an Art. 45 special
procedure on the workbench; each issues its notice, and a refused input is explained in Chinese."""

import re

import pytest

from onewindow.accounts.models import Role
from onewindow.accounts.services import staff_upsert
from onewindow.cases import services
from onewindow.cases.models import CaseDocument
from onewindow.catalog.models import LimitUnit

from .factories import make_case, make_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "browser-pass-123"


def test_extension_and_special_procedure_issue_their_notices(new_context, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    chief = staff_upsert(username="chief", full_name="首席审批员 王建国", roles=[Role.CHIEF_APPROVER, Role.CLERK],
                         password=PASSWORD)
    item = make_item(promised=(20, LimitUnit.WORKING_DAYS), statutory=(20, LimitUnit.WORKING_DAYS))
    case = services.case_accept(case=make_case(item, chief), actor=chief)

    page = new_context().new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/workbench/"))
    page.goto(f"/workbench/cases/{case.case_no}/")

    # More than the item's maximum: refused with the reason in Chinese, nothing changed. 延长 and 特别程序
    # are rare actions, folded behind 更多操作.
    page.locator("details.rare-actions summary").click()
    extend = page.locator("form.action", has=page.get_by_role("button", name="延长"))
    extend.get_by_label("天数").evaluate("el => el.removeAttribute('max')")
    extend.get_by_label("天数").fill("11")
    extend.get_by_label("理由").fill("需组织实地核查")
    extend.get_by_role("button", name="延长").click()
    page.wait_for_selector("text=本事项延长期限为1至10个工作日")
    assert not case.documents.filter(kind=CaseDocument.Kind.EXTENSION).exists()

    extend = page.locator("form.action", has=page.get_by_role("button", name="延长"))
    extend.get_by_label("天数").fill("10")
    extend.get_by_label("理由").fill("需组织实地核查")
    extend.get_by_role("button", name="延长").click()
    page.wait_for_selector("text=延长审查期限告知书")
    assert page.get_by_role("button", name="延长").count() == 0  # one extension per case

    # Only Art. 45 procedures are offered for this item; 公示 is not.
    page.locator("details.rare-actions summary").click()
    suspend = page.locator("form.action", has=page.get_by_role("button", name="启动特别程序"))
    options = suspend.locator("select[name=kind] option").all_inner_texts()
    assert "专家评审" in options and "公示" not in options
    suspend.locator("select[name=kind]").select_option(label="专家评审")
    suspend.get_by_label("理由").fill("组织专家评审")
    suspend.get_by_label("预计所需时间（工作日）").fill("5")
    suspend.get_by_role("button", name="启动特别程序").click()
    page.wait_for_selector("text=特别程序告知书")
    notice = case.documents.get(kind=CaseDocument.Kind.SPECIAL_PROCEDURE)
    response = page.request.get(f"/workbench/cases/{case.case_no}/documents/{notice.pk}/")
    assert response.ok and response.headers["content-type"] == "application/pdf"

