"""Every notice and decision the window hands out: rendered to PDF, read back as text (pypdf), its QR code
decoded from the embedded image (zxing-cpp) and followed over HTTP to a page that answers 200."""

import urllib.request

import pytest
from django.db import transaction

from onewindow.cases import conf, services
from onewindow.cases.documents import document_pdf
from onewindow.cases.models import Case, CaseDocument
from onewindow.catalog.models import OrgKind, RegistryAction
from onewindow.core.tests.pdfread import flat, read_pdf
from onewindow.registry.services import organisation_establish

from .factories import PERSON_ID, make_case, make_item, mark

K = CaseDocument.Kind


def document(case: Case, kind: str) -> tuple[str, list[str]]:
    pages, codes = read_pdf(document_pdf(case.documents.get(kind=kind)))
    return flat("".join(pages)), codes


@pytest.fixture
def organisation(db):
    """Registered through the register's service, so it has its first version (as every real one has)."""
    with transaction.atomic():
        return organisation_establish(kind=OrgKind.PRIVATE_NON_ENTERPRISE, case_no="", actor=None, data={
            "name": "湖南某某职业培训中心", "address": "长沙市岳麓区", "purpose": "服务社会",
            "business_scope": "职业技能培训", "legal_representative": "王强", "registered_capital": "300000",
            "supervisor_unit": "湖南省人力资源和社会保障厅"})


def test_acceptance_lists_dates_materials_and_progress_link(chief, today, settings):
    settings.ONEWINDOW_PUBLIC_URL = "http://127.0.0.1:8765"
    case = services.case_accept(case=make_case(make_item(promised=(5, "working_days")), chief), actor=chief)
    text, codes = document(case, K.ACCEPTANCE)
    assert "受理通知书" in text and case.case_no in text
    assert "收件日期2026年3月25日" in text and "受理日期2026年3月25日" in text
    assert f"承诺办结日期{case.promised_due.year}年{case.promised_due.month}月{case.promised_due.day}日" in text
    assert "法定办结日期" in text
    assert "1.变更登记申请表（纸质（窗口核验），原件已核验，复印件1份）" in text  # name, form, original, copies
    assert "登记证书正副本（免提交（共享复用）" in text
    assert "投诉电话：0731-2" in text and "网上投诉：http://127.0.0.1:8765/ratings/complaints/new/" in text
    # The QR and the printed address follow the public base URL of the running site, not the snapshot.
    assert codes == [f"http://127.0.0.1:8765/progress/{case.case_no}"]
    assert codes[0] in text


def test_deemed_acceptance_and_provisional_dates_are_marked(chief, today):
    """行政许可法 Art. 32: no correction notice within 5 working days → accepted from receipt (视为受理)."""
    case = make_case(make_item(promised=(5, "working_days")), chief)
    Case.objects.filter(pk=case.pk).update(received_on="2026-03-10")
    services.case_accept(case=case, actor=chief)
    CaseDocument.objects.filter(case=case).update(data={**case.documents.get().data, "due_provisional": True})
    text, _codes = document(case, K.ACCEPTANCE)
    assert "视为受理" in text and "第三十二条" in text and "受理日期2026年3月10日（视为受理）" in text
    assert "（预计）" in text


def test_correction_notice_names_each_fault_the_rule_and_the_consequence(chief, today):
    """行政许可法 Art. 32(4): one notice naming everything to correct."""
    case = make_case(make_item(), chief)
    mark(case, chief, "application", mode="faulty", note="法定代表人未签字")
    mark(case, chief, "resolution", note="未提供理事会决议原件")
    services.case_request_correction(case=case, actor=chief)
    text, codes = document(case, K.CORRECTION)
    assert "一次性告知" in text and "第三十二条第一款第（四）项" in text
    assert "1变更登记申请表法定代表人未签字" in text and "2理事会决议未提供理事会决议原件" in text
    assert "一次性补正全部材料" in text and "不予受理" in text  # the rule and the consequence
    assert codes == [conf.public_progress_url(case.case_no)]


def test_correction_rule_is_the_departments_setting(chief, today, settings):
    settings.ONEWINDOW_CORRECTION_RULE = "请于收到本告知书之日起30日内补正。"
    case = make_case(make_item(), chief)
    mark(case, chief, "application")
    services.case_request_correction(case=case, actor=chief)
    assert "请于收到本告知书之日起30日内补正。" in document(case, K.CORRECTION)[0]


def test_deficiency_notice_names_materials_commitment_deadline_and_lapse(chief, today):
    case = make_case(make_item(promised=(10, "working_days")), chief)
    mark(case, chief, "resolution", note="会后补交")
    services.case_accept_with_deficiency(case=case, actor=chief, supplement_due=today.value.replace(day=31),
                                         commitment_signed=True)
    text, codes = document(case, K.DEFICIENCY)
    assert "容缺受理" in text and "1.理事会决议：会后补交" in text
    assert "申请人已签署书面承诺" in text and "补齐期限2026年3月31日前" in text
    assert "终止办理本申请" in text
    assert codes == [conf.public_progress_url(case.case_no)]


def test_change_registration_decision_lists_items_before_and_after_and_the_certificate(chief, today,
                                                                                        organisation):
    item = make_item(registry_action=RegistryAction.CHANGE)
    case = make_case(item, chief, id_number=organisation.credit_code)
    case.form_data = {"name": "湖南康养职业培训学校", "business_scope": "养老护理职业技能培训"}
    Case.objects.filter(pk=case.pk).update(form_data=case.form_data)
    services.case_accept(case=case, actor=chief)
    services.case_decide(case=case, actor=chief, outcome="grant")
    case.refresh_from_db()
    text, codes = document(case, K.GRANT)
    assert "准予登记决定书" in text and "本机关决定准予登记" in text
    assert "名称湖南康养职业培训学校" in text and f"统一社会信用代码{organisation.credit_code}" in text  # items as they now stand
    assert "业务范围养老护理职业技能培训" in text and "法定代表人（负责人）王强" in text
    assert "变更前→变更后" in text
    assert "名称湖南某某职业培训中心湖南康养职业培训学校" in text  # before, after
    assert "业务范围职业技能培训养老护理职业技能培训" in text
    number = case.result_certificates[0]["number"]
    assert f"民办非企业单位(法人)登记证书（编号{number}）" in text
    assert "法律依据：《民办非企业单位登记管理暂行条例》" in text
    assert "湖南省民政厅（印章）2026年3月25日" in text  # the seal line and the date
    assert codes[0] == conf.public_progress_url(case.case_no)
    assert len(codes) == 2 and "/ratings/rate/" in codes[1]  # the result notice's rating QR


def test_licence_decision_without_register_says_what_is_permitted(chief, today):
    case = services.case_accept(case=make_case(make_item(name="慈善信托备案"), chief), actor=chief)
    services.case_decide(case=case, actor=chief, outcome="grant", reason="材料齐全，符合条件。")
    text, _codes = document(case, K.GRANT)
    assert "准予许可决定书" in text and "准予事项慈善信托备案" in text and "材料齐全，符合条件。" in text


def test_refusal_states_reasons_basis_and_remedies_with_their_time_limits(chief, today):
    """行政许可法 Art. 38(2): reasons, and the right to 行政复议 or 行政诉讼. Under the 行政复议法 as revised on
    1 September 2023 (in force 2024-01-01): Art. 20, within 60 days of knowing of the act; Art. 24(1)(1), the
    people's government at the same level reviews its departments' acts (a provincial department → the
    provincial people's government; no longer the applicant's choice of the higher department, old Art. 12).
    行政诉讼法 Art. 46: 6 months. Sources: the 2017/2023 comparison table published by 海南省市场监督管理局
    (amr.hainan.gov.cn/szscqj/xxgk/zcjd/202311/t20231106_3522231.html) and 商丘市人民政府's notice on the
    revised law (citing Art. 24); see docs/cases.md, Remedies."""
    case = services.case_accept(case=make_case(make_item(), chief), actor=chief)
    services.case_decide(case=case, actor=chief, outcome="refuse", reason="拟变更名称与已登记组织重名。")
    text, codes = document(case, K.REFUSAL)
    assert "不予许可决定书" in text and "理由：拟变更名称与已登记组织重名。" in text
    assert "第三十八条第二款" in text and "法律依据：《民办非企业单位登记管理暂行条例》" in text
    assert "60日内向湖南省人民政府申请行政复议" in text
    assert "6个月内向本机关所在地有管辖权的人民法院提起行政诉讼" in text
    assert "湖南省民政厅（印章）2026年3月25日" in text
    assert codes[0] == conf.public_progress_url(case.case_no)


def test_non_acceptance_remedies_name_the_configured_bodies(chief, today, settings):
    """The bodies are configurable per department (ONEWINDOW_REMEDIES); the time limits are the law's."""
    settings.ONEWINDOW_REMEDIES = {"湖南省民政厅": {"court": "长沙市天心区人民法院"}, "*": {"review_body": "某省人民政府"}}
    case = services.case_reject(case=make_case(make_item(), chief), actor=chief, reason="不属于本机关职权范围。")
    text, _codes = document(case, K.NON_ACCEPTANCE)
    assert "不予受理通知书" in text and "理由：不属于本机关职权范围。" in text
    assert "60日内向某省人民政府申请行政复议" in text and "6个月内向长沙市天心区人民法院提起行政诉讼" in text
    assert conf.remedies("其他厅")["court"] == conf.DEFAULT_REMEDIES["court"]


def test_refusal_snapshot_without_remedies_still_prints_them(chief, today):
    """Art. 38 行政许可法 holds for refusals issued before the remedies were part of the snapshot."""
    case = services.case_reject(case=make_case(make_item(), chief), actor=chief, reason="不符合条件")
    notice = case.documents.get()
    CaseDocument.objects.filter(pk=notice.pk).update(data={k: v for k, v in notice.data.items() if k != "remedies"})
    assert "60日内向湖南省人民政府申请行政复议" in document(case, K.NON_ACCEPTANCE)[0]


def test_a_kind_without_its_own_body_prints_the_common_one(chief, today):
    from onewindow.cases.notices import render_context
    from onewindow.core.pdf import render_pdf

    case = services.case_reject(case=make_case(make_item(), chief), actor=chief, reason="不符合条件")
    notice = case.documents.get()
    notice.kind = "some_new_kind"  # e.g. a notice kind added later, before its template
    pages, codes = read_pdf(render_pdf("cases/pdf/document.html", render_context(notice)))
    assert "现告知如下" in flat(pages[0]) and "不符合条件" in flat(pages[0]) and codes


@pytest.mark.parametrize("delivery", ["window", "post"])
def test_proof_of_service_says_how_who_and_when(chief, today, delivery):
    case = services.case_accept(case=make_case(make_item(), chief), actor=chief)
    services.case_decide(case=case, actor=chief, outcome="grant")
    extra = ({"collector_name": "李明", "collector_id_number": PERSON_ID} if delivery == "window"
             else {"tracking_no": "SF1234567890"})
    services.case_issue(case=case, actor=chief, delivery=delivery, **extra)
    text, _codes = document(case, K.DELIVERY)
    grant = case.documents.get(kind=K.GRANT)
    assert "送达回证" in text and f"准予许可决定书{grant.number}" in text and "送达时间2026-" in text
    if delivery == "window":
        assert "送达方式窗口领取" in text and "领取人李明4301**********6545" in text
    else:
        assert "邮寄送达，邮件单号SF1234567890" in text and "领取人" not in text


@pytest.mark.django_db(transaction=True)
def test_every_notice_qr_opens_a_page_on_the_running_site(live_server, settings, chief):
    """The QR code decoded from each rendered notice is fetched over HTTP from the live server: 200."""
    settings.ONEWINDOW_PUBLIC_URL = live_server.url
    item = make_item()
    accepted = services.case_accept(case=make_case(item, chief), actor=chief)
    services.case_decide(case=accepted, actor=chief, outcome="refuse", reason="不符合条件")
    corrected = make_case(item, chief)
    mark(corrected, chief, "application")
    services.case_request_correction(case=corrected, actor=chief)
    rejected = services.case_reject(case=make_case(item, chief), actor=chief, reason="不予受理")
    documents = CaseDocument.objects.filter(case__in=[accepted, corrected, rejected])
    assert {d.kind for d in documents} == {K.ACCEPTANCE, K.REFUSAL, K.CORRECTION, K.NON_ACCEPTANCE}
    for notice in documents:
        _pages, codes = read_pdf(document_pdf(notice))
        assert codes and codes[0] == f"{live_server.url}/progress/{notice.case.case_no}"
        with urllib.request.urlopen(codes[0], timeout=30) as response:  # follows the redirect to the form
            assert response.status == 200
            assert notice.case.case_no in response.read().decode()
