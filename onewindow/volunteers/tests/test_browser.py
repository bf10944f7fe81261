"""Real browser: a volunteer signs up on a phone, joins an activity, checks in and out by the activity's
QR page, the team manager confirms the hours, and the volunteer downloads the 志愿服务记录证明 and
verifies it. The services' clock is moved (the live server runs in this process) so that the afternoon
passes in seconds; the times are still the server's."""

import datetime
import re

import pytest
from django.utils import timezone

from onewindow.accounts.services import staff_upsert
from onewindow.portal import sms
from onewindow.portal.tests.conftest import last_code
from onewindow.volunteers import services

from .conftest import id_number, publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
STAFF_PASSWORD = "browser-pass-123"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def test_volunteer_signs_up_checks_in_and_out_on_a_phone_and_verifies_the_certificate(
        new_context, live_server, settings, clock, administrator):
    settings.PORTAL_SMS_BACKEND = "memory"
    sms.outbox.clear()
    manager = staff_upsert(username="teamlead", full_name="谢军", roles=[], password=STAFF_PASSWORD)
    team = services.team_create(name="“衡阳群众”学雷锋志愿服务队", unit_name="耒阳市民政局救助管理站",
                                actor=administrator, managers=[manager])
    start = (timezone.now() + datetime.timedelta(minutes=30)).replace(second=0, microsecond=0)
    activity = publish(team, manager, start, title="雨中文明交通劝导", place="五里牌街道金阳路口至金桥路口")

    # The volunteer signs up for a portal account on the phone (SMS code), then registers as a volunteer.
    phone = new_context(**PHONE).new_page()
    phone.goto("/signup/person/?next=/volunteers/register/")
    phone.get_by_label("姓名（与身份证一致）").fill("罗小燕")
    phone.get_by_label("身份证号码").fill(id_number("19950930", 4))
    phone.get_by_label("手机号码").fill("13907340004")
    phone.get_by_role("button", name="获取验证码").click()
    phone.wait_for_selector("text=验证码已发送")
    phone.get_by_label("短信验证码（6位）").fill(last_code("13907340004"))
    phone.get_by_role("button", name="注册").click()
    phone.wait_for_url("**/volunteers/register/")
    phone.get_by_label("服务技能").fill("交通劝导、环境清洁")
    phone.get_by_role("button", name="注册").click()
    phone.wait_for_url("**/volunteers/me/")

    # Finds the activity on the public page and signs up.
    phone.goto("/volunteers/")
    phone.get_by_role("link", name="雨中文明交通劝导").click()
    phone.get_by_role("button", name="报名").click()
    phone.wait_for_selector("text=报名成功")

    # The manager shows the check-in QR code at the place; its address is printed under it.
    desk = new_context().new_page()
    desk.goto("/accounts/login/?next=/volunteers/manage/")
    desk.fill("#id_username", "teamlead")
    desk.fill("#id_password", STAFF_PASSWORD)
    desk.click("button[type=submit]")
    desk.wait_for_url("**/volunteers/manage/")
    desk.get_by_role("link", name="雨中文明交通劝导").click()
    assert desk.get_by_role("img", name="签到二维码").is_visible()
    checkin_url = desk.locator("figcaption small").inner_text()
    assert re.search(rf"/volunteers/checkin/{activity.checkin_code}/$", checkin_url)

    # 15:58: the volunteer scans the code and checks in; a second tap is refused with a clear message.
    clock.set(start - datetime.timedelta(minutes=2))
    phone.goto(checkin_url.replace("http://testserver", live_server.url))
    phone.get_by_role("button", name="立即签到").click()
    phone.wait_for_selector(f"text=已于 {timezone.localtime(clock.value):%H:%M} 签到")
    phone.get_by_role("button", name="立即签到").click()
    phone.wait_for_selector("text=不能重复签到")
    # 17:30: the portal session (30 minutes idle) has ended, so the volunteer signs in again by SMS and
    # comes back to the check-in page; checks out. The time before the start is not counted.
    clock.set(start + datetime.timedelta(minutes=90))
    phone.reload()
    phone.get_by_label("手机号码").fill("13907340004")
    phone.get_by_role("button", name="获取验证码").click()
    phone.wait_for_selector("text=验证码已发送")
    phone.get_by_label("验证码", exact=True).fill(last_code("13907340004"))
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url(f"**/volunteers/checkin/{activity.checkin_code}/")
    phone.get_by_role("button", name="立即签退").click()
    phone.wait_for_selector("text=服务 1.5 小时")

    # The manager confirms the hours.
    desk.reload()
    desk.get_by_role("button", name="确认时长").click()
    desk.wait_for_selector("text=时长已确认")

    # The volunteer asks for the certificate (free), downloads it and verifies it.
    phone.goto("/volunteers/me/")
    phone.get_by_role("button", name="申请出具证明（免费）").click()
    phone.wait_for_selector("text=已出具")
    content_type, head = phone.evaluate(
        """async url => { const r = await fetch(url); const b = new Uint8Array(await r.arrayBuffer());
                          return [r.headers.get("content-type"), String.fromCharCode(...b.slice(0, 4))]; }""",
        phone.get_by_role("link", name="下载（PDF）").get_attribute("href"))
    assert content_type == "application/pdf" and head == "%PDF"
    phone.get_by_role("link", name="核验链接").click()
    phone.wait_for_url("**/verify/**")
    assert phone.get_by_text("有效").first.is_visible()
    assert phone.get_by_role("cell", name="1.5").first.is_visible()
    assert "4304**********" in phone.content() and id_number("19950930", 4) not in phone.content()
