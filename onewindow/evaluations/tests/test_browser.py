"""Real-browser scenario (Playwright, Debian Chromium): the bureau uploads a ledger tagged to two indicators,
two evaluators score, the leader records the team's scores and concludes, the report PDF lists the ledger
once under each indicator it supports, and the bureau answers the recommendation."""

import re
import subprocess

import pytest

from .conftest import PDF, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "browser-pass-123"


def _login(context, username: str, evaluation_pk: int):
    page = context.new_page()
    page.goto("/accounts/login/?next=/evaluations/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/evaluations/$"))
    page.get_by_role("link", name="结项评估").click()
    page.wait_for_url(re.compile(rf"/evaluations/{evaluation_pk}/$"))
    return page


def _score(page, scores: dict[str, str]):
    for name, value in scores.items():
        page.get_by_label(f"评分 {name}", exact=True).fill(value)
    page.get_by_label("意见 创新成效", exact=True).fill("创新成果突出")
    page.get_by_role("button", name="提交我的评分").click()
    page.wait_for_selector("text=已保存")


def test_bureau_uploads_evaluators_score_leader_concludes_report_lists_evidence(new_context, tmp_path):  # noqa: F811
    world = make_world(password=PASSWORD)
    evaluation = world.evaluation

    # The bureau uploads a ledger into the zone's library, tagged to two indicators; a lying file is refused.
    bureau = new_context()
    page = bureau.new_page()
    page.goto("/accounts/login/?next=/evaluations/")
    page.fill("#id_username", "bureau")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_role("link", name="益阳市资阳区").click()
    form = page.locator("#upload-form")  # the zone page's 添加佐证材料 form
    form.get_by_label("标题").fill("南岳宫社区服务台账")
    form.get_by_label("类别").select_option(label="台账")
    form.get_by_label("结项评估 1 组织领导").check()
    form.get_by_label("结项评估 3 创新成效").check()
    form.get_by_label("文件（PDF、JPEG 或 PNG）").set_input_files(
        {"name": "台账.png", "mimeType": "image/png", "buffer": PDF})
    form.get_by_role("button", name="上传", exact=True).click()
    assert "application/pdf" in page.get_by_role("alert").inner_text()
    # what was typed and ticked is still there; only the file is chosen again
    assert form.get_by_label("标题").input_value() == "南岳宫社区服务台账"
    assert form.get_by_label("结项评估 1 组织领导").is_checked() and form.get_by_label("结项评估 3 创新成效").is_checked()
    form.get_by_label("文件（PDF、JPEG 或 PNG）").set_input_files(
        {"name": "台账.pdf", "mimeType": "application/pdf", "buffer": PDF})
    form.get_by_role("button", name="上传", exact=True).click()
    page.wait_for_selector("text=佐证材料已上传")
    row = page.locator("#evidence tr", has_text="南岳宫社区服务台账")
    assert "1 组织领导" in row.inner_text() and "3 创新成效" in row.inner_text()

    # The leader opens scoring and scores; the expert scores and then sees the leader's scores and the flag.
    leader = _login(new_context(), "mojf", evaluation.pk)
    leader.get_by_role("button", name="开始评分").click()
    leader.wait_for_selector("text=评分中")
    assert leader.locator("#indicator-1").get_by_role("link", name="南岳宫社区服务台账").count() == 1
    _score(leader, {"组织领导": "90", "制度建设": "85", "创新成效": "95", "群众满意度": "88"})
    expert = _login(new_context(), "expert", evaluation.pk)
    assert "莫健飞" not in expert.locator("#scores").inner_text()  # not before submitting
    _score(expert, {"组织领导": "88", "制度建设": "80", "创新成效": "70", "群众满意度": "90"})
    assert "莫健飞：95" in expert.locator("#indicator-3").inner_text()
    assert "分歧较大" in expert.locator("#indicator-3").inner_text()

    # The leader records the team's scores and concludes.
    leader.reload()
    for name, value in {"组织领导": "90", "制度建设": "82", "创新成效": "85", "群众满意度": "90"}.items():
        leader.get_by_label(f"评估组得分 {name}", exact=True).fill(value)
    leader.get_by_role("button", name="保存评估组得分").click()
    leader.wait_for_selector("text=已保存")
    leader.get_by_label("评估建议（每行一条）").fill("用好创新实验成果，继续扩面和深化")
    leader.get_by_role("button", name="作出评估结论").click()
    leader.wait_for_selector("#conclusion")
    # 90×25% + 82×25% + 85×30% + 90×20% = 22.5 + 20.5 + 25.5 + 18 = 86.5: 合格 (excellent from 90)
    assert leader.locator("#conclusion").inner_text() == "合格"
    assert "86.50" in leader.locator("#result").inner_text()

    # The report PDF: numbered, and the ledger once under each of its two indicators.
    href = leader.get_by_role("link", name="评估报告（PDF）").get_attribute("href")
    response = leader.request.get(href)
    assert response.ok and response.body()[:5] == b"%PDF-"
    (tmp_path / "report.pdf").write_bytes(response.body())
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "湘民评字〔" in text and "合格" in text
    assert text.count("南岳宫社区服务台账") == 2
    lines = [line for line in text.splitlines() if "南岳宫社区服务台账" in line]
    assert "组织领导" in lines[0] and "创新成效" in lines[1]

    # The bureau sees the result and answers the recommendation (整改).
    page.goto(f"/evaluations/{evaluation.pk}/")
    assert page.locator("#conclusion").inner_text() == "合格"
    page.get_by_label("整改情况").fill("已制定扩面方案，在全区推广")
    page.get_by_role("button", name="答复").click()
    page.wait_for_selector("text=已制定扩面方案，在全区推广（")
