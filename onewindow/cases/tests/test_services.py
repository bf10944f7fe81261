"""The rules behind the transitions: Art. 32, 补正 pauses, 容缺, special procedures, extension, numbers."""

import datetime

import pytest

from onewindow.cases import services
from onewindow.cases.models import Case, CaseDocument, CasePause, CaseState
from onewindow.catalog.models import LimitUnit
from onewindow.core.errors import Conflict, PermissionDenied, ValidationFailed
from onewindow.workdays.services import override_set

from .factories import make_case, make_item, mark
from .helpers import COLLECTOR

D = datetime.date
COMMITTED = {"promised": (20, LimitUnit.WORKING_DAYS), "statutory": (60, LimitUnit.WORKING_DAYS)}


class TestCaseNumbers:
    def test_default_format_and_daily_sequence(self, clerk, today):
        item = make_item()
        numbers = [make_case(item, clerk, complete_materials=False).case_no for _ in range(3)]
        assert numbers == [f"{item.code}20260325{n:04d}" for n in (1, 2, 3)]
        today.set(D(2026, 3, 26))
        assert make_case(item, clerk, complete_materials=False).case_no == f"{item.code}202603260001"

    def test_configurable_format(self, clerk, settings, today):
        settings.ONEWINDOW_CASE_NO_FORMAT = "HN{date:%y%m%d}-{seq:05d}"
        first, second = make_item(), make_item()
        assert make_case(first, clerk).case_no == "HN260325-00001"
        assert make_case(second, clerk).case_no == "HN260325-00002"  # one counter: numbers never collide

    def test_numbers_are_not_reused_after_a_failed_create(self, clerk, today):
        item = make_item()
        make_case(item, clerk)
        services.sequence_next(f"case:{item.code}202603250000")  # a number taken by a rolled-back intake
        assert make_case(item, clerk).case_no.endswith("0003")


class TestArticle32:
    def test_correction_within_five_working_days(self, clerk, today):
        case = make_case(make_item(), clerk)
        mark(case, clerk, "application")
        today.set(D(2026, 4, 1))  # 5th working day after receipt on 3/25
        assert services.case_request_correction(case=case, actor=clerk).state == CaseState.CORRECTION

    def test_late_correction_refused_and_acceptance_dates_from_receipt(self, clerk, today):
        case = make_case(make_item(**COMMITTED), clerk)
        mark(case, clerk, "application")
        today.set(D(2026, 4, 2))  # 6th working day
        with pytest.raises(Conflict) as refused:
            services.case_request_correction(case=case, actor=clerk)
        assert refused.value.code == "correction_too_late"
        assert Case.objects.get(pk=case.pk).state == CaseState.SUBMITTED
        mark(case, clerk, "application", mode="paper", note="")
        case = services.case_accept(case=case, actor=clerk)
        assert case.deemed_accepted and case.accepted_on == D(2026, 3, 25)
        # 20 working days from 3/25 (Qingming 4/4-6 off): 4/23
        assert case.promised_due == D(2026, 4, 23)
        assert case.documents.get(kind=CaseDocument.Kind.ACCEPTANCE).data["deemed"] is True


class TestCorrection:
    def test_one_notice_lists_every_missing_material_and_the_clock_waits(self, clerk, today):
        case = make_case(make_item(), clerk)
        mark(case, clerk, "application", note="缺法定代表人签字")
        mark(case, clerk, "resolution", mode="faulty", note="决议日期有误")
        today.set(D(2026, 3, 26))
        case = services.case_request_correction(case=case, actor=clerk)
        notice = case.documents.get(kind=CaseDocument.Kind.CORRECTION)
        assert [m["name"] for m in notice.data["missing"]] == ["变更登记申请表", "理事会决议"]
        assert notice.number == "湘民补字〔2026〕0001号"
        today.set(D(2026, 4, 8))
        with pytest.raises(Conflict):
            services.case_accept(case=case, actor=clerk)  # waiting for the applicant
        case = services.case_resubmit(case=case, actor=clerk)
        pause = case.pauses.get()
        assert (pause.kind, pause.started_on, pause.ended_on) == (CasePause.Kind.CORRECTION, D(2026, 3, 26),
                                                                  D(2026, 4, 8))
        assert case.paused_days == 9  # working days 3/26-4/8, Qingming off
        today.set(D(2026, 4, 9))
        # 10 working days since receipt, but the wait does not count: still within Art. 32.
        assert not services.correction_window_passed(case)
        mark(case, clerk, "application", mode="paper", note="")
        mark(case, clerk, "resolution", mode="paper", note="")
        case = services.case_accept(case=case, actor=clerk)
        assert case.accepted_on == D(2026, 4, 9) and not case.deemed_accepted

    def test_nothing_missing_means_no_notice(self, clerk, today):
        case = make_case(make_item(), clerk)
        with pytest.raises(ValidationFailed) as refused:
            services.case_request_correction(case=case, actor=clerk)
        assert refused.value.code == "nothing_missing"

    def test_accept_refused_while_materials_missing(self, clerk, today):
        case = make_case(make_item(), clerk)
        mark(case, clerk, "application")
        with pytest.raises(ValidationFailed) as refused:
            services.case_accept(case=case, actor=clerk)
        assert refused.value.details == {"materials": ["application"]}


class TestDeficiency:
    def test_success_result_held_until_materials_arrive(self, chief, today):
        case = make_case(make_item(), chief)
        mark(case, chief, "resolution")
        case = services.case_accept_with_deficiency(case=case, actor=chief, supplement_due=D(2026, 4, 1),
                                                    commitment_signed=True)
        assert case.deficiency_pending and case.supplement_due == D(2026, 4, 1)
        notice = case.documents.get(kind=CaseDocument.Kind.DEFICIENCY)
        assert notice.data["missing"][0]["name"] == "理事会决议"
        case = services.case_decide(case=case, actor=chief, outcome="grant")
        with pytest.raises(Conflict) as held:
            services.case_issue(case=case, actor=chief, **COLLECTOR)
        assert held.value.code == "deficiency_pending"
        mark(case, chief, "resolution", mode="paper", note="")
        case = services.case_supplement(case=case, actor=chief)
        case = services.case_issue(case=case, actor=chief, **COLLECTOR)
        assert case.state == CaseState.COMPLETED and case.result_kind == "granted"

    def test_missed_deadline_terminates_with_its_own_result(self, chief, today):
        case = make_case(make_item(), chief)
        mark(case, chief, "resolution")
        case = services.case_accept_with_deficiency(case=case, actor=chief, supplement_due=D(2026, 3, 27),
                                                    commitment_signed=True)
        today.set(D(2026, 3, 30))
        case = services.case_terminate(case=case, actor=chief, reason="容缺材料逾期未补齐")
        assert case.state == CaseState.COMPLETED and case.result_kind == "deficiency_terminated"

    def test_supplement_refused_while_still_missing(self, chief, today):
        case = make_case(make_item(), chief)
        mark(case, chief, "resolution")
        case = services.case_accept_with_deficiency(case=case, actor=chief, supplement_due=D(2026, 3, 27),
                                                    commitment_signed=True)
        with pytest.raises(ValidationFailed):
            services.case_supplement(case=case, actor=chief)

    @pytest.mark.parametrize(("setup", "kwargs", "code"), [
        ("application", {}, "core_materials_missing"),
        ("resolution", {"bad_credit": True}, "deficiency_not_eligible"),
        ("resolution", {"commitment_signed": False}, "commitment_required"),
        ("resolution", {"supplement_due": D(2026, 12, 31)}, "bad_supplement_due"),
        (None, {}, "nothing_missing"),
    ])
    def test_guards(self, chief, today, setup, kwargs, code):
        case = make_case(make_item(), chief)
        if setup:
            mark(case, chief, setup)
        arguments = {"supplement_due": D(2026, 3, 30), "commitment_signed": True} | kwargs
        with pytest.raises(ValidationFailed) as refused:
            services.case_accept_with_deficiency(case=case, actor=chief, **arguments)
        assert refused.value.code == code
        assert Case.objects.get(pk=case.pk).state == CaseState.SUBMITTED

    def test_item_that_does_not_allow_it(self, chief, today):
        case = make_case(make_item(allows_deficiency=False), chief)
        mark(case, chief, "resolution")
        with pytest.raises(ValidationFailed) as refused:
            services.case_accept_with_deficiency(case=case, actor=chief, supplement_due=D(2026, 3, 30),
                                                 commitment_signed=True)
        assert refused.value.code == "deficiency_not_allowed"


class TestClock:
    def test_special_procedure_pauses_and_extension(self, chief, today):
        case = services.case_accept(case=make_case(make_item(**COMMITTED), chief), actor=chief)
        assert case.promised_due == D(2026, 4, 23)
        today.set(D(2026, 3, 27))
        case = services.case_suspend(case=case, actor=chief, kind="expert_review", reason="专家评审", expected_days=5)
        today.set(D(2026, 3, 31))
        case = services.case_resume(case=case, actor=chief, result="评审通过")
        assert case.state == CaseState.ACCEPTED
        assert case.promised_due == D(2026, 4, 28)  # 3/27, 3/30, 3/31 did not count
        assert case.paused_days == 3
        case = services.case_extend(case=case, actor=chief, days=10, reason="情况复杂")
        assert case.promised_due == D(2026, 5, 14)  # 10 working days more: 劳动节 5/1-5 off, Sat 5/9 worked
        with pytest.raises(Conflict) as refused:  # 行政许可法 Art. 42: one extension per case
            services.case_extend(case=case, actor=chief, days=1, reason="再延")
        assert refused.value.code == "already_extended"

    def test_special_procedure_needs_a_kind_and_reason(self, chief, today):
        case = services.case_accept(case=make_case(make_item(), chief), actor=chief)
        with pytest.raises(ValidationFailed):
            services.case_suspend(case=case, actor=chief, kind="correction", reason="x", expected_days=5)
        with pytest.raises(ValidationFailed):
            services.case_suspend(case=case, actor=chief, kind="hearing", reason=" ", expected_days=5)

    def test_calendar_change_recomputes_open_cases(self, chief, administrator, today,
                                                   django_capture_on_commit_callbacks):
        case = services.case_accept(case=make_case(make_item(**COMMITTED), chief), actor=chief)
        closed = services.case_reject(case=make_case(make_item(**COMMITTED), chief), actor=chief, reason="不符合")
        with django_capture_on_commit_callbacks(execute=True):
            override_set(day=D(2026, 4, 10), is_working=False, note="test", actor=administrator)
        case.refresh_from_db()
        assert case.promised_due == D(2026, 4, 24)
        assert Case.objects.get(pk=closed.pk).promised_due is None


class TestAuthority:
    def test_clerk_accepts_but_cannot_decide_or_extend(self, clerk, today):
        case = services.case_accept(case=make_case(make_item(), clerk), actor=clerk)
        for call in (lambda: services.case_decide(case=case, actor=clerk, outcome="grant"),
                     lambda: services.case_extend(case=case, actor=clerk, days=1, reason="x")):
            with pytest.raises(PermissionDenied):
                call()

    def test_refusal_needs_reasons(self, chief, today):
        case = services.case_accept(case=make_case(make_item(), chief), actor=chief)
        with pytest.raises(ValidationFailed) as refused:
            services.case_decide(case=case, actor=chief, outcome="refuse")
        assert refused.value.code == "reason_required"
        case = services.case_decide(case=case, actor=chief, outcome="refuse", reason="名称与已登记组织重复")
        assert case.documents.get(kind=CaseDocument.Kind.REFUSAL).data["reason"] == "名称与已登记组织重复"
        case = services.case_issue(case=case, actor=chief, delivery="post", tracking_no="EMS1")
        assert case.result_kind == "refused"

    def test_applicant_withdraws_own_case(self, applicant, clerk, today):
        case = services.case_create(actor=applicant, item=make_item(), channel="pc", applicant=services.Applicant(
            kind="person", name="赵晓红", id_type="resident_id", id_number="430102199003076545",
            contact_name="赵晓红", contact_mobile="13800000000"), form_data={"name": "x"})
        assert case.owner == applicant and case.filed_by is None
        with pytest.raises(PermissionDenied):
            services.case_accept(case=case, actor=applicant)
        case = services.case_withdraw(case=case, actor=applicant, reason="不再需要")
        assert case.result_kind == "withdrawn"


def test_overdue_deficiencies_are_terminated_by_the_command(chief, today):
    from django.core.management import call_command

    case = make_case(make_item(), chief)
    mark(case, chief, "resolution")
    services.case_accept_with_deficiency(case=case, actor=chief, supplement_due=D(2026, 3, 27), commitment_signed=True)
    on_time = make_case(make_item(), chief)
    mark(on_time, chief, "resolution")
    services.case_accept_with_deficiency(case=on_time, actor=chief, supplement_due=D(2026, 3, 31),
                                         commitment_signed=True)
    today.set(D(2026, 3, 30))
    call_command("cases_overdue_deficiencies")
    case.refresh_from_db()
    assert (case.state, case.result_kind) == (CaseState.COMPLETED, "deficiency_terminated")
    assert case.steps.last().handler_name == "系统"
    assert Case.objects.get(pk=on_time.pk).state == CaseState.ACCEPTED


def test_a_write_is_refused_when_the_state_moved_under_it(chief, today):
    """Defence behind the row lock: each write is conditional on the state that was locked, so a path that
    bypassed the lock answers 409 state_changed instead of overwriting another clerk's action."""
    case = make_case(make_item(), chief)
    case.state = CaseState.ACCEPTED
    with pytest.raises(Conflict) as refused:
        services._save(case, CaseState.CORRECTION, ["state"])
    assert refused.value.code == "state_changed" and refused.value.details["state"] == CaseState.SUBMITTED
    assert Case.objects.get(pk=case.pk).state == CaseState.SUBMITTED
