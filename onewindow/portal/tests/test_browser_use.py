"""Issue 17 in a real browser, one scenario per group: complainants, the window, the portal, the words."""

import re

import pytest
from django.test import Client

from onewindow.accounts.models import Department, Role
from onewindow.accounts.services import staff_upsert
from onewindow.cases import services as cases
from onewindow.catalog.forms_files import guide_forms_generate
from onewindow.catalog.models import Item, Material
from onewindow.ratings import services as ratings
from onewindow.registry.models import Organisation

from .factories import PDF, make_applicant, make_item, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "browser-pass-123"


def _staff(username: str, *roles: str):
    return staff_upsert(username=username, full_name=username, roles=list(roles), password=PASSWORD)


def _login(context, username: str):
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/workbench/"))
    return page


def test_complainants_follow_their_complaint_and_anonymous_report(new_context, live_server):
    page = new_context().new_page()
    # A fully anonymous report: no name, no mobile; the success page gives a query code, once.
    page.goto("/ratings/complaints/new/?kind=report")
    page.get_by_label("主题").fill("窗口人员收受礼品")
    page.get_by_label("具体情况").fill("某日上午在12号窗口看到……")
    page.get_by_label(re.compile("匿名举报")).check()
    page.get_by_role("button", name="提交", exact=True).click()
    code = re.search(r"查询码是 (\d{6})", page.locator("#query-code").inner_text()).group(1)
    tracking_no = re.search(r"(JB\d{12})", page.content()).group(1)
    page.get_by_role("link", name=re.compile("查进度")).click()
    page.get_by_label("后四位").fill(code)
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(f"**/progress/complaint/{tracking_no}/")
    assert "已收到" in page.locator("#complaint-state").inner_text()
    assert "尚未答复" in page.locator("#complaint-reply").inner_text()

    # A complaint with a mobile, answered by the unit: the complainant reads the reply without an account.
    supervisor, chief = _staff("supervisor", Role.SUPERVISOR), _staff("chief", Role.CHIEF_APPROVER)
    unit = Department.objects.create(name="行政审批处")
    chief.department = unit
    chief.save(update_fields=["department"])
    complaint = ratings.complaint_create(kind="complaint", source="portal", subject="等候太久", content="排队两小时",
                                         person_name="赵晓红", person_mobile="13800004321")
    ratings.complaint_assign(complaint=complaint, actor=supervisor, department=unit, assignee=chief)
    ratings.complaint_reply(complaint=complaint, actor=chief, reply="已增设两个窗口")
    other = new_context().new_page()
    other.goto("/progress/")
    other.get_by_label("办件编号").fill(complaint.tracking_no)
    other.get_by_label("后四位").fill("0000")
    other.get_by_role("button", name="查询").click()
    assert "没有与该编号" in other.locator("[role=alert]").inner_text()
    other.get_by_label("后四位").fill("4321")
    other.get_by_role("button", name="查询").click()
    assert "已增设两个窗口" in other.locator("#complaint-reply").inner_text()


def _fill_intake(page):
    page.locator("input[name=contact_name]").fill("李明")
    page.locator("input[name=contact_mobile]").fill("13900001111")
    page.locator("input[name=form_name]").fill("湖南康养职业培训学校")


def test_the_window_no_duplicates_findable_cases_focused_case_page(new_context, live_server):
    item = make_item()
    organisation = make_organisation()
    _staff("clerk", Role.CLERK)
    _staff("chief", Role.CHIEF_APPROVER, Role.CLERK)
    _staff("supervisor", Role.SUPERVISOR)
    clerk = _login(new_context(), "clerk")
    menu = clerk.locator("nav.staff-nav")
    assert menu.get_by_role("link", name="新收件").count() == 1 and menu.get_by_role("link", name="统计").count() == 0
    clerk.goto(f"/workbench/intake/?item={item.pk}&find={organisation.credit_code}")
    _fill_intake(clerk)
    for select in clerk.locator("select[name^=mode_]").all():
        select.select_option("paper")
    clerk.get_by_role("button", name=re.compile("^受理")).first.click()
    clerk.wait_for_url(re.compile(r"/workbench/cases/.+/$"))
    first_url = clerk.url
    case_no = first_url.rstrip("/").rsplit("/", 1)[1]
    # Back, and the same form once more: the browser either restores the page with its one-time token (the
    # case is opened: "未重复建件") or fetches it anew (the same applicant and item today: asked first).
    clerk.go_back()
    clerk.get_by_role("button", name=re.compile("^受理")).first.click()
    clerk.wait_for_load_state()
    if clerk.url == first_url:
        assert "未重复建件" in clerk.locator(".messages").inner_text()
    else:
        assert "今天已就本事项" in clerk.locator("[role=alert]").first.inner_text()
        clerk.locator("#duplicates").get_by_role("link", name=case_no).click()
        clerk.wait_for_url(first_url)
    assert cases.Case.objects.count() == 1

    # The chief approver: the likely action first with its shortcut, the rare ones folded away.
    chief = _login(new_context(), "chief")
    chief.goto(first_url)
    first_button = chief.locator("section[aria-labelledby=h-actions] form button").first
    assert first_button.inner_text().startswith("决定") and "Alt+G" in first_button.inner_text()
    terminate = chief.locator(f"form[action='/workbench/cases/{case_no}/act/terminate/'] button")
    assert not terminate.is_visible()
    chief.get_by_text("更多操作").click()
    assert terminate.is_visible()
    decide = chief.locator(f"form[action='/workbench/cases/{case_no}/act/decide/']")
    assert decide.locator("input[name=opinion]").count() == 0
    # Headless Chromium ignores synthesized Alt+key for accesskeys: check the key, then press the button.
    assert first_button.get_attribute("accesskey") == "g"
    first_button.click()
    chief.wait_for_selector("text=准予许可决定书")

    # The supervisor finds the case among all cases by the applicant's name and opens it; no 新收件 link.
    supervisor = _login(new_context(), "supervisor")
    assert supervisor.locator("nav.staff-nav").get_by_role("link", name="新收件").count() == 0
    supervisor.get_by_role("link", name="全部办件").click()
    supervisor.get_by_label("搜索").fill(organisation.name[:6])
    supervisor.get_by_role("button", name="筛选").click()
    supervisor.get_by_role("link", name=case_no).click()
    supervisor.wait_for_url(first_url)


def test_the_portal_applies_under_the_current_registered_name(new_context, live_server):
    organisation = make_organisation()
    user = make_applicant("13900001111", organisation=organisation, name="李明")
    Organisation.objects.filter(pk=organisation.pk).update(name="湖南康养职业培训学校")  # 变更登记 done since
    item = make_item()
    signed_in = Client()
    signed_in.force_login(user)  # signing in is not what this scenario is about
    context = new_context()
    context.add_cookies([{"name": "sessionid", "value": signed_in.cookies["sessionid"].value,
                          "url": live_server.url}])
    page = context.new_page()
    page.goto(f"/services/?q={item.current_version.name}")
    page.get_by_role("link", name=f"在线申请：{item.current_version.name}").first.click()
    page.get_by_role("button", name="开始申请").click()
    page.wait_for_url(re.compile(r"/my/cases/.+/edit/"))
    case = cases.Case.objects.get()
    assert case.applicant_name == "湖南康养职业培训学校"
    assert page.locator("input[name=form_name]").input_value() == "湖南康养职业培训学校"  # prefilled from the register
    application = page.locator("fieldset.material").first
    application.locator("input[type=file]").set_input_files({"name": "申请表.pdf", "mimeType": "application/pdf",
                                                             "buffer": PDF})
    application.locator(".upload-msg:has-text('已上传')").wait_for()
    page.get_by_role("button", name="下一步：核对信息").click()
    page.wait_for_url(re.compile(r"/confirm/$"))
    assert "湖南康养职业培训学校" in page.content() and "湖南康养职业技能培训中心" not in page.content()

    # The guide's blank form downloads as a file that says it is a template.
    Material.objects.filter(version=item.current_version, key="application").update(blank_form="变更登记申请表.docx")
    guide_forms_generate(Item.objects.filter(pk=item.pk))
    page.goto(f"/guide/{item.code}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="变更登记申请表.docx").click()
    assert download.value.suggested_filename == "变更登记申请表.pdf"
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_words_at_1366_pixels(new_context, live_server):
    organisation = make_organisation()
    _staff("supervisor", Role.SUPERVISOR)
    page = _login(new_context(viewport={"width": 1366, "height": 768}), "supervisor")
    # The queue's filter button says 筛选 (Django's admin word 过滤器 used to win).
    assert page.get_by_role("button", name="筛选").count() == 1 and "过滤器" not in page.content()
    # A 民办非企业单位 registers 开办资金, not 注册资金.
    page.goto(f"/organisations/{organisation.credit_code}/")
    assert "开办资金（元）" in page.content() and "注册资金" not in page.content()
    # /stats/: the 28-column table scrolls sideways and its first column stays in view.
    page.goto("/stats/")
    box = page.locator("#figures")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")
    first = page.locator("#figures tr.total > :first-child")
    header = page.locator("#figures thead th").nth(1)
    assert header.bounding_box()["width"] >= 50  # no column one character wide
    x = first.bounding_box()["x"]
    box.evaluate("e => e.scrollLeft = 600")
    assert abs(first.bounding_box()["x"] - x) < 1
