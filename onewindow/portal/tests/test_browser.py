"""Real-browser tests: Playwright drives Debian's Chromium against the live server.

The main scenario follows an organisation's handler from sign-up to the verified certificate and the
rating of the completed case, with the window clerk and the chief approver in their own browser contexts."""

import datetime
import re

import pytest

from onewindow.accounts.models import Role
from onewindow.accounts.services import staff_upsert
from onewindow.catalog.models import Item
from onewindow.portal import services

from .conftest import last_code
from .factories import PDF, PNG, make_applicant, make_item, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
STAFF_PASSWORD = "browser-pass-123"


def _staff_login(context, username: str):
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/workbench/"))
    return page


def _file(name: str, content: bytes, mime: str) -> dict:
    return {"name": name, "mimeType": mime, "buffer": content}


def test_sign_up_apply_decide_verify_collect_and_rate(new_context, live_server):
    from onewindow.catalog.loader import catalog_load_reference
    from onewindow.demo.staff import demo_authority_setup

    catalog_load_reference()
    demo_authority_setup()
    staff_upsert(username="clerk", full_name="窗口受理员 李敏", roles=[Role.CLERK], password=STAFF_PASSWORD)
    staff_upsert(username="chief", full_name="首席审批员 王建国", roles=[Role.CHIEF_APPROVER, Role.CLERK],
                 password=STAFF_PASSWORD)
    organisation = make_organisation()
    item = Item.objects.get(current_version__name="民办非企业单位变更登记")

    applicant = new_context()
    page = applicant.new_page()
    # Sign up for the organisation: the code arrives through the SMS backend.
    page.goto("/signup/organisation/")
    page.get_by_label("单位名称").fill(organisation.name)
    page.get_by_label("统一社会信用代码（18位）").fill(organisation.credit_code)
    page.get_by_label("经办人姓名").fill("李明")
    page.get_by_label("经办人身份证号码").fill("430102199003076545")
    page.get_by_label("手机号码").fill("13900001111")
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_selector("text=验证码已发送")
    assert page.get_by_label("单位名称").input_value() == organisation.name  # nothing typed is lost
    page.get_by_label("短信验证码（6位）").fill(last_code("13900001111"))
    page.get_by_label("授权委托书（PDF、JPEG 或 PNG）").set_input_files(_file("授权委托书.pdf", PDF, "application/pdf"))
    page.get_by_role("button", name="注册").click()
    page.wait_for_url("**/my/cases/")
    # Anyone can type a public credit code: the account waits until the window has checked the letter.
    page.get_by_role("link", name="我的单位").click()
    assert "待审核" in page.content()
    clerk = _staff_login(new_context(), "clerk")
    clerk.goto("/staff/bindings/")
    row = clerk.locator("tr", has_text=organisation.name)
    assert row.get_by_role("link", name="授权委托书").count() == 1
    row.get_by_role("button", name="拒绝").click()  # no reason: refused with a message, nothing decided
    clerk.wait_for_selector("text=请填写拒绝理由")
    clerk.locator("tr", has_text=organisation.name).get_by_role("button", name="同意").click()
    clerk.wait_for_selector("text=审核结果已记录")
    page.reload()
    assert "本账号已与该单位绑定" in page.content()

    # Find the service by pinyin initials and start the application.
    page.goto("/services/?q=mbfqydwbgdj")
    page.get_by_role("link", name="在线申请：民办非企业单位变更登记").first.click()
    page.get_by_role("button", name="开始申请").click()
    page.wait_for_url(re.compile(r"/my/cases/.+/edit/"))
    page.get_by_label("名称", exact=True).fill("湖南康养职业培训学校")
    page.wait_for_selector("#autosave-status:has-text('已自动保存')")
    # A file whose extension lies is refused on the spot with a clear message.
    first = page.locator("fieldset.material").first
    first.locator("input[type=file]").set_input_files(_file("申请表.pdf", PNG, "application/pdf"))
    first.locator(".upload-msg.field-error").wait_for()
    assert "image/png" in first.locator(".upload-msg").inner_text()
    for box in page.locator("fieldset.material").all():
        reuse = box.locator("input[type=checkbox]")
        if reuse.count():
            reuse.check()
            continue
        box.locator("input[type=file]").set_input_files(_file("材料.pdf", PDF, "application/pdf"))
        box.locator(".upload-msg:has-text('已上传')").wait_for()
    page.get_by_role("button", name="下一步：核对信息").click()
    page.wait_for_url(re.compile(r"/confirm/$"))
    assert "湖南康养职业培训学校" in page.content()
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url(re.compile(r"/receipt/$"))
    case_no = page.locator("#case-no").inner_text().strip()
    assert case_no.startswith(item.code)
    query_code = page.locator("#query-code").inner_text().strip()  # the receipt's progress query code
    assert len(query_code) == 8

    # The clerk accepts at the workbench; the chief approver decides.
    clerk.goto(f"/workbench/cases/{case_no}/")
    clerk.locator(f"form[action='/workbench/cases/{case_no}/act/accept/'] button").click()
    clerk.wait_for_selector("text=受理通知书")
    chief = _staff_login(new_context(), "chief")
    chief.goto(f"/workbench/cases/{case_no}/")
    chief.locator(f"form[action='/workbench/cases/{case_no}/act/decide/'] button").click()
    chief.wait_for_selector("text=准予许可决定书")

    # Anyone holding the receipt follows the case with its query code, without signing in (issue 16).
    visitor = new_context().new_page()
    visitor.goto("/progress/")
    visitor.get_by_label("办件编号").fill(case_no)
    visitor.get_by_label("查询码或后四位").fill(query_code)
    visitor.get_by_role("button", name="查询").click()
    visitor.wait_for_url(f"**/progress/{case_no}")

    # The applicant sees the decision, downloads the certificate and opens its verification link.
    page.goto(f"/my/cases/{case_no}/")
    assert "准予" in page.locator("#case-decision").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载（PDF）").first.click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    page.get_by_role("link", name="核验链接").first.click()
    page.wait_for_url(re.compile(r"/verify/"))
    assert "有效" in page.locator("[role=status]").inner_text()
    assert "湖南康养职业培训学校" in page.content()
    page.goto("/my/certificates/")
    assert "湖南康养职业培训学校" in page.content() and page.get_by_role("link", name="核验链接").count() == 1
    page.goto("/my/inbox/")
    assert "已受理" in page.content() and "已准予" in page.content()
    # Collect at the window in a booked slot; the clerk hands the result out and the case completes.
    page.goto(f"/my/cases/{case_no}/")
    assert page.get_by_role("link", name="评价本次办理").count() == 0  # rated once completed
    slot = services.cases.today() + datetime.timedelta(days=1)
    while not services.workdays.is_working_day(slot):
        slot += datetime.timedelta(days=1)
    page.get_by_label("到窗口领取（预约时间）").check()
    page.get_by_label("日期（工作日）").fill(slot.isoformat())
    page.get_by_label("时段").select_option("am")
    page.get_by_role("button", name="保存选择").click()
    page.wait_for_selector("#delivery-current")
    clerk.goto(f"/workbench/cases/{case_no}/")
    issue = clerk.locator(f"form[action='/workbench/cases/{case_no}/act/issue/']")
    issue.locator("select[name=delivery]").select_option("window")
    issue.locator("input[name=collector_name]").fill("李明")
    issue.locator("input[name=collector_id_number]").fill("430102199003076545")
    issue.locator("button").click()
    clerk.wait_for_selector("text=送达回证")
    # 一事一评: the applicant rates the completed case.
    page.goto(f"/my/cases/{case_no}/")
    page.get_by_role("link", name="评价本次办理").click()
    page.get_by_label("非常满意", exact=True).check()
    page.get_by_role("button", name="提交", exact=True).click()
    page.wait_for_selector("text=谢谢，您的评价已记录。")


def test_progress_query_elder_mode_and_phone(new_context, live_server):
    organisation = make_organisation()
    user = make_applicant("13900001111", organisation=organisation, name="李明")
    case = services.application_start(actor=user, item=make_item())
    version = case.item_version
    services.material_upload(case=case, actor=user, material=version.materials.get(key="application"),
                             name="a.pdf", content=PDF)
    services.material_reuse(case=case, actor=user, material=version.materials.get(key="certificate"))
    services.application_submit(case=case, actor=user)

    phone = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                        user_agent="Mozilla/5.0 (Linux; Android 14) Mobile Safari")
    page = phone.new_page()
    page.goto("/")
    # Large type: switched on any page, remembered per browser.
    page.locator("#elder-toggle").click()
    page.wait_for_function("document.documentElement.classList.contains('elder')")
    page.locator(".simple-steps").wait_for()  # simpler wording on the home page
    page.goto("/progress/")
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "22px"
    page.get_by_label("办件编号").fill(case.case_no)
    page.get_by_label("后四位").fill("0000")
    page.get_by_role("button", name="查询").click()
    assert "没有与该办件编号" in page.locator("[role=alert]").inner_text()
    assert page.get_by_label("办件编号").input_value() == case.case_no
    page.get_by_label("后四位").fill("1111")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(f"**/progress/{case.case_no}")
    assert "已收件" in page.locator("#case-state").inner_text()
    # Mobile-first: nothing wider than the phone's screen; targets stay large.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    height = page.evaluate("document.querySelector('.portal-nav a').getBoundingClientRect().height")
    assert height >= 24
    # Keyboard: the skip link is the first stop and leads to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
