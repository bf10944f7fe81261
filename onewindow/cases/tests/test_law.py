"""The rules of the 行政许可法 (Administrative Licensing Law) and of 容缺受理 in the case engine.

Each test names the article it checks. Texts: 《中华人民共和国行政许可法》 Art. 32 (acceptance; one-time
correction notice within 5 days, otherwise accepted from receipt), Art. 42 (20 days, extension by 10 with
the head's approval, once, reasons told to the applicant; "法律、法规另有规定的，依照其规定"), Art. 44
(delivery within 10 days of a grant), Art. 45 (听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审 not counted,
the applicant told in writing). See docs/cases.md.
"""

import datetime

import pytest

from onewindow.cases import art32, services
from onewindow.cases.models import Case, CaseDocument, CasePause, CaseState
from onewindow.catalog.models import ItemVersion, LimitUnit, RegistryAction
from onewindow.certificates.models import Certificate
from onewindow.core.errors import Conflict, ValidationFailed
from onewindow.registry.models import Organisation

from .factories import applicant, make_case, make_item, mark
from .helpers import COLLECTOR
from .test_documents import pdf_text

D = datetime.date
COMMITTED = {"promised": (20, LimitUnit.WORKING_DAYS), "statutory": (20, LimitUnit.WORKING_DAYS)}
ESTABLISH_FORM = {"name": "湖南省康养职业培训学校", "address": "长沙市岳麓区麓山路1号", "purpose": "职业技能培训",
                  "business_scope": "养老护理员培训", "legal_representative": "王芳", "registered_capital": "100000",
                  "supervisor_unit": "湖南省人力资源和社会保障厅"}


def configure(item, **fields):
    ItemVersion.objects.filter(pk=item.current_version_id).update(**fields)
    item.refresh_from_db()
    return item


def establishing_case(actor):
    item = make_item(registry_action=RegistryAction.ESTABLISH)
    case = services.case_create(actor=actor, item=item, applicant=applicant(), form_data=ESTABLISH_FORM)
    for row in case.materials.select_related("material"):
        mode = "reused" if row.material.reusable_as else "paper"
        services.case_material_record(case=case, actor=actor, material=row.material, mode=mode, original_seen=True)
    mark(case, actor, "resolution")
    return services.case_accept_with_deficiency(case=case, actor=actor, supplement_due=None, commitment_signed=True)


class TestDeficiencyEffect:
    """容缺受理: nothing of the case is in force while a 容缺 material is outstanding."""

    def test_grant_takes_effect_only_when_the_last_material_is_in(self, chief, today):
        case = establishing_case(chief)
        case = services.case_decide(case=case, actor=chief, outcome="grant")
        assert case.state == CaseState.DECIDED and case.outcome == "grant"
        assert not Organisation.objects.filter(name=ESTABLISH_FORM["name"]).exists()
        assert not Certificate.objects.exists() and case.result_certificates == []
        grant = case.documents.get(kind=CaseDocument.Kind.GRANT)
        assert grant.data["effect_deferred"] is True
        today.set(D(2026, 3, 30))
        mark(case, chief, "resolution", mode="paper", note="")
        case = services.case_supplement(case=case, actor=chief)
        organisation = Organisation.objects.get(name=ESTABLISH_FORM["name"])
        assert organisation.status == Organisation.Status.REGISTERED
        assert Certificate.objects.get(organisation=organisation).status == Certificate.Status.VALID
        assert case.result_certificates and case.organisation_id == organisation.pk
        # Art. 44: delivery within 10 working days from the day the grant took effect.
        assert case.delivery_due == D(2026, 4, 14)  # 3/31..4/14 less 清明 4/6 (2026: Sat 4/4 – Mon 4/6)
        case = services.case_issue(case=case, actor=chief, **COLLECTOR)
        assert case.result_kind == "granted"

    def test_lapse_terminates_with_a_notice_and_nothing_in_force(self, chief, today):
        case = establishing_case(chief)
        case = services.case_decide(case=case, actor=chief, outcome="grant")
        today.set(case.supplement_due + datetime.timedelta(days=1))
        assert services.deficiencies_expire() == [case.case_no]
        case.refresh_from_db()
        assert case.state == CaseState.COMPLETED and case.result_kind == "deficiency_terminated"
        assert not Organisation.objects.exists() and not Certificate.objects.exists()
        notice = case.documents.get(kind=CaseDocument.Kind.TERMINATION)
        assert notice.data["deficiency"] and notice.data["decision_void"]
        assert notice.number.startswith("湘民终字〔2026〕")
        text = pdf_text(notice)
        assert case.case_no in text and "终止" in text

    def test_supplement_deadline_defaults_to_the_items_maximum_in_working_days(self, chief, today):
        case = make_case(make_item(**COMMITTED), chief)
        mark(case, chief, "resolution")
        case = services.case_accept_with_deficiency(case=case, actor=chief, supplement_due=None,
                                                    commitment_signed=True)
        assert case.supplement_due == D(2026, 4, 9)  # 10 working days after 3/25, 清明 4/6 off
        notice = case.documents.get(kind=CaseDocument.Kind.DEFICIENCY)
        assert notice.data["supplement_due"] == "2026-04-09" and notice.data["supplement_working_days"] == 10
        assert "2026年4月9日" in pdf_text(notice)

    def test_supplement_deadline_beyond_the_items_maximum_is_refused(self, chief, today):
        item = configure(make_item(**COMMITTED), deficiency_max_days=3)
        case = make_case(item, chief)
        mark(case, chief, "resolution")
        with pytest.raises(ValidationFailed) as refused:
            services.case_accept_with_deficiency(case=case, actor=chief, supplement_due=D(2026, 3, 31),
                                                 commitment_signed=True)
        assert refused.value.code == "bad_supplement_due" and refused.value.details == {"latest": "2026-03-30"}
        assert Case.objects.get(pk=case.pk).state == CaseState.SUBMITTED

    def test_supplement_deadline_never_beyond_the_statutory_limit(self, chief, today):
        item = configure(make_item(statutory=(2, LimitUnit.WORKING_DAYS)), deficiency_max_days=10)
        case = make_case(item, chief)
        mark(case, chief, "resolution")
        case = services.case_accept_with_deficiency(case=case, actor=chief, supplement_due=None,
                                                    commitment_signed=True)
        assert case.supplement_due == case.statutory_due == D(2026, 3, 27)


class TestArt32Acceptance:
    """行政许可法 Art. 32: one 一次性告知书 within 5 (working) days, otherwise accepted from receipt."""

    def test_a_second_correction_notice_is_refused(self, clerk, today):
        case = make_case(make_item(), clerk)
        mark(case, clerk, "application")
        case = services.case_request_correction(case=case, actor=clerk)
        case = services.case_resubmit(case=case, actor=clerk)
        with pytest.raises(Conflict) as refused:
            services.case_request_correction(case=case, actor=clerk)
        assert refused.value.code == "correction_already_notified"
        assert Case.objects.get(pk=case.pk).state == CaseState.SUBMITTED
        assert case.documents.filter(kind=CaseDocument.Kind.CORRECTION).count() == 1
        assert "request_correction" not in services_allowed(case, clerk)

    def test_deemed_acceptance_by_the_daily_job(self, clerk, today):
        case = make_case(make_item(**COMMITTED), clerk)
        mark(case, clerk, "application")  # something is missing, but nobody said so in time
        today.set(D(2026, 4, 1))  # the fifth working day after 3/25
        assert services.deemed_acceptances_apply() == []
        today.set(D(2026, 4, 2))
        assert services.deemed_acceptances_apply() == [case.case_no]
        case.refresh_from_db()
        assert case.state == CaseState.ACCEPTED and case.deemed_accepted
        assert case.accepted_on == D(2026, 3, 25)  # from receipt
        notice = case.documents.get(kind=CaseDocument.Kind.ACCEPTANCE)
        assert notice.data["accepted_on"] == "2026-03-25" and notice.data["deemed"]
        assert "视为受理" in pdf_text(notice)
        assert case.steps.get(code="deemed_accept").handler is None
        assert services.deemed_acceptances_apply() == []  # safe to run twice

    def test_correction_waits_are_excluded_and_a_notified_case_is_never_deemed(self, clerk, today):
        case = make_case(make_item(), clerk)
        mark(case, clerk, "application")
        services.case_request_correction(case=case, actor=clerk)
        today.set(D(2026, 4, 20))
        assert services.deemed_acceptances_apply() == []

    def test_non_acceptance_refused_after_deemed_acceptance(self, clerk, today):
        case = make_case(make_item(), clerk)
        today.set(D(2026, 4, 2))
        with pytest.raises(Conflict) as refused:
            services.case_reject(case=case, actor=clerk, reason="不符合条件")
        assert refused.value.code == "deemed_accepted"
        assert Case.objects.get(pk=case.pk).state == CaseState.SUBMITTED
        assert "reject" not in services_allowed(case, clerk)


class TestArt42Extension:
    """行政许可法 Art. 42: one extension, before the limit ends, up to the item's maximum, with a notice."""

    def test_one_extension_with_a_notice(self, chief, today):
        case = services.case_accept(case=make_case(make_item(**COMMITTED), chief), actor=chief)
        assert case.statutory_due == D(2026, 4, 23)
        case = services.case_extend(case=case, actor=chief, days=10, reason="需实地核查，情况复杂")
        assert case.extension_days == 10 and case.statutory_due == D(2026, 5, 11)  # 劳动节 5/1-5/5 off, Sat 5/9 worked
        notice = case.documents.get(kind=CaseDocument.Kind.EXTENSION)
        assert notice.data["statutory_due"] == "2026-05-11" and "第四十二条" in notice.data["basis"]
        text = pdf_text(notice)
        assert "2026年5月11日" in text and "需实地核查" in text
        with pytest.raises(Conflict) as refused:
            services.case_extend(case=case, actor=chief, days=1, reason="再次延长")
        assert refused.value.code == "already_extended"

    def test_extension_after_the_deadline_is_refused(self, chief, today):
        case = services.case_accept(case=make_case(make_item(**COMMITTED), chief), actor=chief)
        today.set(D(2026, 4, 24))
        with pytest.raises(Conflict) as refused:
            services.case_extend(case=case, actor=chief, days=5, reason="情况复杂")
        assert refused.value.code == "extension_too_late"
        assert Case.objects.get(pk=case.pk).extension_days == 0

    @pytest.mark.parametrize(("maximum", "days", "ok"), [(10, 11, False), (15, 15, True), (15, 0, False)])
    def test_maximum_per_item(self, chief, today, maximum, days, ok):
        """e.g. 15 for joint handling (Art. 42 second paragraph)."""
        item = configure(make_item(**COMMITTED), extension_max_days=maximum)
        case = services.case_accept(case=make_case(item, chief), actor=chief)
        if ok:
            assert services.case_extend(case=case, actor=chief, days=days, reason="联合办理").extension_days == days
        else:
            with pytest.raises(ValidationFailed) as refused:
                services.case_extend(case=case, actor=chief, days=days, reason="联合办理")
            assert refused.value.code == "bad_extension"

    def test_a_regulations_calendar_day_limit_is_not_extended(self, chief, today):
        """60 days of 民办非企业单位登记管理暂行条例 / 基金会管理条例: Art. 42 yields to them."""
        item = make_item(statutory=(60, LimitUnit.CALENDAR_DAYS))
        case = services.case_accept(case=make_case(item, chief), actor=chief)
        with pytest.raises(Conflict) as refused:
            services.case_extend(case=case, actor=chief, days=10, reason="情况复杂")
        assert refused.value.code == "extension_not_allowed"
        configure(item, calendar_limit_extendable=True)
        case = services.case_extend(case=Case.objects.get(pk=case.pk), actor=chief, days=10, reason="情况复杂")
        assert case.statutory_due == D(2026, 6, 8)  # 5/24 is a Sunday → Mon 5/25, then 10 working days


class TestArt45Pauses:
    """行政许可法 Art. 45: only its grounds stop the clock by default; the applicant is told in writing."""

    def test_art45_ground_pauses_with_a_notice(self, chief, today):
        case = services.case_accept(case=make_case(make_item(**COMMITTED), chief), actor=chief)
        case = services.case_suspend(case=case, actor=chief, kind="expert_review", reason="组织专家评审",
                                     expected_days=5)
        notice = case.documents.get(kind=CaseDocument.Kind.SPECIAL_PROCEDURE)
        assert notice.data["procedure"] == "专家评审" and notice.data["expected_days"] == 5
        assert notice.data["expected_end"] == "2026-04-01" and "第四十五条" in notice.data["basis"]
        text = pdf_text(notice)
        assert "专家评审" in text and "不计" in text
        assert case.pauses.get().expected_days == 5

    def test_other_pause_needs_a_provision_in_the_items_configuration(self, chief, today):
        item = make_item(**COMMITTED)
        case = services.case_accept(case=make_case(item, chief), actor=chief)
        with pytest.raises(ValidationFailed) as refused:
            services.case_suspend(case=case, actor=chief, kind="public_notice", reason="公示", expected_days=5)
        assert refused.value.code == "pause_not_allowed"
        assert not CasePause.objects.filter(case=case).exists()
        configure(item, pause_provisions={"public_notice": "《某某条例》第十条：登记前应当公示"})
        case = services.case_suspend(case=Case.objects.get(pk=case.pk), actor=chief, kind="public_notice",
                                     reason="依法公示", expected_days=5)
        notice = case.documents.get(kind=CaseDocument.Kind.SPECIAL_PROCEDURE)
        assert notice.data["basis"] == "《某某条例》第十条：登记前应当公示"

    @pytest.mark.parametrize("expected_days", [0, 366])
    def test_expected_duration_is_required(self, chief, today, expected_days):
        case = services.case_accept(case=make_case(make_item(**COMMITTED), chief), actor=chief)
        with pytest.raises(ValidationFailed) as refused:
            services.case_suspend(case=case, actor=chief, kind="hearing", reason="听证", expected_days=expected_days)
        assert refused.value.code == "bad_expected_days"
        assert Case.objects.get(pk=case.pk).state == CaseState.ACCEPTED


def test_art44_delivery_due_within_10_working_days_of_the_grant(chief, today):
    """行政许可法 Art. 44: the licence is delivered within 10 days of the decision."""
    case = services.case_accept(case=make_case(make_item(), chief), actor=chief)
    case = services.case_decide(case=case, actor=chief, outcome="grant")
    assert case.delivery_due == D(2026, 4, 9)
    from onewindow.cases.selectors import delivery_light

    assert delivery_light(case, D(2026, 3, 25)) == "green"
    assert delivery_light(case, D(2026, 4, 8)) == "yellow"
    assert delivery_light(case, D(2026, 4, 10)) == "red"


def services_allowed(case, user):
    from onewindow.cases import selectors

    case = Case.objects.select_related("item_version").get(pk=case.pk)
    return selectors.allowed_actions(case, user, selectors.user_grants(user, case.item_id))


def test_the_daily_command_applies_art32_and_lapses(clerk, chief, today):
    """`onewindow cases_daily`: 行政许可法 Art. 32 deemed acceptance and 容缺 lapses in one daily run."""
    from io import StringIO

    from django.core.management import call_command

    waiting = make_case(make_item(), clerk)
    lapsing = make_case(make_item(**COMMITTED), chief)
    mark(lapsing, chief, "resolution")
    lapsing = services.case_accept_with_deficiency(case=lapsing, actor=chief, supplement_due=D(2026, 3, 26),
                                                   commitment_signed=True)
    today.set(D(2026, 4, 2))
    out = StringIO()
    call_command("cases_daily", stdout=out)
    assert f"deemed accepted: {waiting.case_no}" in out.getvalue()
    assert f"terminated: {lapsing.case_no}" in out.getvalue()
    assert Case.objects.get(pk=waiting.pk).state == CaseState.ACCEPTED


def test_supervision_board_uses_the_cases_art32_rule(clerk, chief, today):
    """行政许可法 Art. 32 on the supervision board: the notice due date excludes correction waits, and a case
    whose one notice has gone out is no longer listed; Art. 44 deliveries due are listed."""
    from onewindow.ratings.selectors import board

    waiting = make_case(make_item(), clerk)
    notified = make_case(make_item(), clerk)
    mark(notified, clerk, "application")
    services.case_request_correction(case=notified, actor=clerk)
    services.case_resubmit(case=notified, actor=clerk)
    granted = services.case_decide(case=services.case_accept(case=make_case(make_item(), chief), actor=chief),
                                   actor=chief, outcome="grant")
    today.set(D(2026, 4, 8))
    result = board(today=D(2026, 4, 8))
    assert [c.case_no for c in result.corrections] == [waiting.case_no]
    assert result.corrections[0].notice_due == art32.correction_notice_due(waiting).date == D(2026, 4, 1)
    assert [(c.case_no, c.light) for c in result.deliveries] == [(granted.case_no, "yellow")]


def test_queue_shows_the_art44_delivery_due(chief, login, today):
    """行政许可法 Art. 44 on the queue: a granted case not yet handed out shows its delivery due and light."""
    case = services.case_decide(case=services.case_accept(case=make_case(make_item(), chief), actor=chief),
                                actor=chief, outcome="grant")
    html = login(chief).get("/workbench/").content.decode()
    assert case.case_no in html and "送达期限（第四十四条）" in html and "2026-04-09" in html
