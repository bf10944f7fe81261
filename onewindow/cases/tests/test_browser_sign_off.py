"""Real browser: the leader (审批决定人) finds a reviewed back-office case in 待办, signs the 初审 opinion
(签发, 《党政机关公文处理工作条例》 Art. 22), and only then does the reviewer's page offer 转报."""

import re

import pytest

from onewindow.accounts.models import Role
from onewindow.accounts.services import staff_upsert
from onewindow.cases import services
from onewindow.cases.models import Case, CaseState

from .factories import make_case, make_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "browser-pass-123"


def _login(context, username):
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/workbench/"))
    return page


def test_leader_signs_off_the_review_opinion_from_the_queue(new_context):
    chief = staff_upsert(username="chief", full_name="首席审批员 王建国", roles=[Role.CHIEF_APPROVER, Role.CLERK],
                         password=PASSWORD)
    reviewer = staff_upsert(username="reviewer", full_name="处室初审员 刘洋", roles=[Role.REVIEWER], password=PASSWORD)
    staff_upsert(username="leader", full_name="审批决定人 陈志强", roles=[Role.DECISION_MAKER], password=PASSWORD)
    case = services.case_accept(case=make_case(make_item(route="back_office", name="地名更名审批"), chief), actor=chief)
    services.case_review(case=case, actor=reviewer, opinion="初审同意")

    page = _login(new_context(), "reviewer")
    page.goto(f"/workbench/cases/{case.case_no}/")
    assert page.get_by_role("button", name="转报上级").count() == 0  # not before 签发

    page = _login(new_context(), "leader")
    page.get_by_role("link", name=case.case_no).click()
    sign = page.locator("form.action", has=page.get_by_role("button", name="签发初审意见"))
    sign.get_by_role("button", name="签发初审意见").click()  # no opinion: refused in Chinese
    page.wait_for_selector("text=请填写理由")
    assert Case.objects.get(pk=case.pk).state == CaseState.REVIEWED
    sign = page.locator("form.action", has=page.get_by_role("button", name="签发初审意见"))
    sign.get_by_label("意见").fill("同意初审意见，报省人民政府")
    sign.get_by_role("button", name="签发初审意见").click()
    page.wait_for_selector("text=初审意见已签发")
    assert Case.objects.get(pk=case.pk).state == CaseState.SIGNED_OFF

    page = _login(new_context(), "reviewer")
    page.goto(f"/workbench/cases/{case.case_no}/")
    assert page.get_by_role("button", name="转报上级").count() == 1
