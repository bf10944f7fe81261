"""Real browser: from the door to the rating. A person takes a ticket at the kiosk, the hall display shows
the call to window 3 within 2 s, the chief approver at window 3 starts the case from the ticket and grants it
on the spot, the person rates at the paired pad, and the figures show the wait and the service time."""

import re
import time

import pytest

from onewindow.accounts.models import Role, Window
from onewindow.accounts.services import staff_upsert
from onewindow.cases.tests.factories import make_item
from onewindow.demo.hall import demo_hall_setup
from onewindow.hall.models import Ticket
from onewindow.ratings.models import Rating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "browser-pass-123"
PERSON_ID = "430102199003076545"


def _staff_login(context, username):
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/workbench/"))
    return page


def test_ticket_call_case_rating_and_figures(new_context):
    hall = demo_hall_setup()
    item = make_item()
    window3 = Window.objects.get(hall=hall, number="3")
    staff_upsert(username="chief", full_name="首席审批员 王建国", roles=[Role.CHIEF_APPROVER, Role.CLERK],
                 window=window3, password=PASSWORD)

    display = new_context().new_page()
    display.goto("/hall/display/")
    chief = _staff_login(new_context(), "chief")
    chief.get_by_role("link", name="叫号").click()  # from the workbench's navigation
    chief.get_by_role("button", name="配对评价器").click()
    code = chief.locator("#pad-code").inner_text()
    pad = new_context().new_page()
    pad.goto("/ratings/pad/")
    assert pad.get_by_role("link", name=re.compile("待办|新收件|工作台")).count() == 0
    pad.get_by_label("配对码（在窗口叫号页面获取）").fill(code)
    pad.get_by_role("button", name="与窗口配对").click()
    assert "3号窗口" not in pad.content() and "综合受理窗口" in pad.content()

    # The person takes a ticket at the kiosk.
    person = new_context().new_page()
    person.goto("/hall/kiosk/")
    person.get_by_label("社会组织登记").check()
    person.get_by_label(re.compile("^2. 身份证号码")).fill(PERSON_ID)
    person.get_by_role("button", name="取号").click()
    assert person.locator("#ticket-number").inner_text() == "A001"
    assert "您前面还有0人" in person.locator("#ticket-state").inner_text()
    assert "4301**********6545" in person.content() and PERSON_ID not in person.content()

    # The clerk calls; the display shows A001 → window 3 within 2 seconds and announces it.
    started = time.monotonic()
    chief.get_by_role("button", name="呼叫下一位").click()
    display.locator("#calls tr", has_text="A001").filter(has_text="3").wait_for(timeout=2000)
    shown_after = time.monotonic() - started
    assert shown_after < 2.0
    assert "A001" in display.locator("#latest").text_content()  # blinking: visible half the time
    assert display.evaluate("document.body.dataset.announced") in ("voice", "chime")
    assert PERSON_ID[:6] not in display.content()

    # The clerk starts the case from the ticket (applicant's ID number filled in) and grants it on the spot.
    chief.get_by_role("link", name="据此号发起办件").click()
    chief.locator("select[name=item]").select_option(str(item.pk))
    chief.wait_for_load_state()
    assert chief.locator("input[name=id_number]").input_value() == PERSON_ID
    chief.locator("select[name=kind]").select_option("person")
    chief.locator("select[name=id_type]").select_option("resident_id")
    chief.locator("input[name=name]").fill("张三")
    chief.locator("input[name=contact_name]").fill("张三")
    chief.locator("input[name=contact_mobile]").fill("13912345678")
    chief.locator("input[name=form_name]").fill("湖南康养职业培训学校")
    for material in ("变更登记申请表", "理事会决议", "登记证书正副本"):
        chief.get_by_label(material).select_option("paper")
    chief.get_by_role("button", name=re.compile("受理并当场准予")).click()
    chief.wait_for_url(re.compile(r"/workbench/cases/"))
    ticket = Ticket.objects.get(number="A001")
    assert ticket.case is not None and ticket.case.applicant_name == "张三"
    chief.goto("/hall/desk/")
    chief.get_by_role("button", name="办结").click()

    # The person rates at the pad: the ticket and its case.
    pad.locator("#pad-subject", has_text="A001").wait_for(timeout=8000)
    assert ticket.case.case_no in pad.locator("#pad-subject").inner_text()
    pad.get_by_role("button", name="非常满意").click()
    pad.wait_for_selector("text=谢谢您的评价")
    assert Ticket.objects.get(pk=ticket.pk).rating == "very_satisfied"
    assert Rating.objects.get(case=ticket.case).channel == "window_pad"

    # The figures show the wait and the service time.
    chief.goto("/hall/figures/")
    assert chief.locator("#hall-avg-wait").inner_text() not in ("", "—")
    assert chief.locator("#hall-avg-service").inner_text() not in ("", "—")
    print(f"display showed the call after {shown_after:.2f} s")


def test_book_an_appointment_online(new_context):
    import datetime

    from django.utils import timezone

    from onewindow.hall.models import AppointmentSlot, Business

    demo_hall_setup()
    business = Business.objects.get(code="cishan")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    AppointmentSlot.objects.filter(date=tomorrow).delete()
    AppointmentSlot.objects.create(business=business, date=tomorrow, starts_at=datetime.time(9),
                                   ends_at=datetime.time(12), capacity=3)
    page = new_context().new_page()
    page.goto("/hall/book/")
    page.get_by_label("业务").select_option(label="慈善")
    page.get_by_label("日期").fill(str(tomorrow))
    page.get_by_role("button", name="查看可约时段").click()
    page.get_by_label(re.compile("09:00-12:00")).check()
    page.get_by_label("身份证号码").fill("430102199003076546")  # a wrong check character
    page.get_by_label("手机号码").fill("13912345678")
    page.get_by_role("button", name="预约", exact=True).click()
    assert "第18位" in page.locator("form .errorlist").first.inner_text()
    assert page.get_by_label("手机号码").input_value() == "13912345678"  # nothing typed is lost
    page.get_by_label(re.compile("09:00-12:00")).check()
    page.get_by_label("身份证号码").fill(PERSON_ID)
    page.get_by_role("button", name="预约", exact=True).click()
    code = page.locator("#appointment-code").inner_text()
    assert len(code) == 8 and "已约" not in page.content()


def test_portal_links_booking_and_online_ticket(new_context):
    """门户首页 → 预约到大厅办理 (book tomorrow, get the code) → 已在大厅？在线取号 (a ticket on the portal channel)."""
    import datetime

    from django.utils import timezone

    from onewindow.hall.models import AppointmentSlot, Business

    hall = demo_hall_setup()
    business = Business.objects.get(hall=hall, code="shzz")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    slot = AppointmentSlot.objects.create(business=business, date=tomorrow, starts_at=datetime.time(10, 15),
                                          ends_at=datetime.time(11, 15), capacity=3)
    page = new_context().new_page()
    page.goto("/")
    page.get_by_role("link", name="预约到大厅办理").click()  # 第一步：从门户首页进入预约
    page.select_option("select[name=business]", label="社会组织登记")
    page.fill("input[name=date]", tomorrow.isoformat())
    page.locator("form[method=get] button[type=submit]").click()
    page.check(f"input[name=slot][value='{slot.pk}']")
    page.fill("input[name=id_number]", PERSON_ID)
    page.fill("input[name=mobile]", "13900001111")
    page.get_by_role("button", name="预约", exact=True).click()
    assert len(page.locator("#appointment-code").inner_text()) == 8

    page.goto("/")
    page.get_by_role("link", name="已在大厅？在线取号").click()  # 第二步：到大厅后在线取号
    assert "在线取号" in page.content()
    page.get_by_label("社会组织登记").check()
    page.get_by_role("button", name="取号").click()
    assert page.locator("#ticket-number").inner_text() == "A001"
    assert Ticket.objects.get().channel == Ticket.Channel.PORTAL
