"""Real browser: a clerk mistypes the password five times, is told in Chinese that sign-in is locked (even
with the right password now), the administrator lifts the lock, and the clerk signs in."""

import re

import pytest
from django.core.management import call_command

from onewindow.accounts.models import Role
from onewindow.accounts.services import staff_upsert

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "browser-pass-123"


def _try(page, password):
    page.goto("/accounts/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", password)
    page.get_by_role("button", name="登录").click()


def test_locked_out_clerk_is_told_and_unlocked_by_the_administrator(new_context):
    staff_upsert(username="clerk", full_name="受理员 李娜", roles=[Role.CLERK], password=PASSWORD)
    page = new_context().new_page()
    for _i in range(5):
        _try(page, "wrong-pass")
        assert "登录失败次数过多" not in page.content()
    _try(page, PASSWORD)
    assert "登录失败次数过多，该账号或地址已被锁定 15 分钟" in page.content()
    assert "/workbench/" not in page.url
    call_command("signin", "unlock", "clerk")
    _try(page, PASSWORD)
    page.wait_for_url(re.compile(r"/workbench/"))
