"""Real browser: the chief approver corrects a misspelt name in an accepted case's form data, with a reason,
from the case page (issue 16: staff correct form data before the decision)."""

import re

import pytest

from onewindow.accounts.models import Role
from onewindow.accounts.services import staff_upsert
from onewindow.cases import services
from onewindow.cases.models import CaseFormCorrection

from .factories import make_case, make_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "browser-pass-123"


def test_chief_corrects_the_form_data_with_a_reason(new_context):
    chief = staff_upsert(username="chief", full_name="首席审批员 王建国", roles=[Role.CHIEF_APPROVER, Role.CLERK],
                         password=PASSWORD)
    case = services.case_accept(case=make_case(make_item(), chief), actor=chief)
    old_name = case.form_data["name"]

    page = new_context().new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/workbench/"))
    page.goto(f"/workbench/cases/{case.case_no}/")

    page.get_by_text("更正表单数据（作出决定前，须填写理由）").click()
    form = page.locator("details.correct-form form")
    form.locator("input[name=form_name]").fill("湖南康养职业技能培训学校")
    form.get_by_label("更正理由").fill("申请人笔误，经电话核实")
    form.get_by_role("button", name="保存更正").click()

    page.wait_for_selector("text=表单数据更正记录")
    history = page.locator("ul.corrections")
    assert "申请人笔误，经电话核实" in history.inner_text()
    assert f"{old_name} → 湖南康养职业技能培训学校" in history.inner_text()
    assert CaseFormCorrection.objects.get(case=case).after == {"name": "湖南康养职业技能培训学校"}
