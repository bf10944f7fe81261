"""Binding by the legal representative in a real browser: the handler types the representative's ID number
and mobile, the code arrives at the recorded mobile, entering it binds the account (issue 16)."""

import re

import pytest

from onewindow.portal.models import ApplicantProfile, Binding
from onewindow.registry.models import Organisation

from .conftest import last_code
from .factories import OTHER_ID, PERSON_ID, make_applicant, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "browser-pass-123"


def test_handler_binds_the_account_with_the_representatives_code(new_context, live_server):
    organisation = make_organisation()
    Organisation.objects.filter(pk=organisation.pk).update(
        legal_representative_id_number=PERSON_ID, legal_representative_mobile="13600001234"
    )
    make_applicant(
        "13500005555",
        organisation=organisation,
        id_number=OTHER_ID,
        name="王办",
        password=PASSWORD,
        binding=Binding.PENDING,
    )
    page = new_context().new_page()
    page.goto("/signin/")
    page.locator("input[name=mobile]").fill("13500005555")
    page.locator("input[name=method][value=password]").check()
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(re.compile(r"/my/"))
    page.goto("/my/organisation/")

    page.get_by_label("法定代表人身份证号码").fill(PERSON_ID)
    page.get_by_label("法定代表人手机号码").fill("13600009999")  # not the recorded one
    page.get_by_role("button", name="获取验证码").click()
    assert "不一致" in page.locator("[role=alert]").first.inner_text()

    page.get_by_label("法定代表人手机号码").fill("13600001234")
    page.get_by_role("button", name="获取验证码").click()
    assert re.search(r"验证码已发送至法定代表人手机", page.content())
    page.get_by_label("验证码").fill(last_code("13600001234"))
    page.get_by_role("button", name="绑定", exact=True).click()
    page.wait_for_url(re.compile(r"/my/organisation/$"))
    assert "本账号已绑定该单位" in page.content()
    assert ApplicantProfile.objects.get(credit_code=organisation.credit_code).binding == Binding.BOUND
