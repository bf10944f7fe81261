"""Drive a case into any state through the services, for table-driven tests."""

import datetime

from onewindow.cases import services
from onewindow.cases.models import Case, CaseState

from .factories import make_case, mark

COLLECTOR = {"delivery": "window", "collector_name": "李明", "collector_id_number": "430102199003076545"}


def drive(item, actor, state: str) -> Case:
    """A case of `item` in `state`, reached by legal actions only."""
    if state == CaseState.DRAFT:
        return make_case(item, actor, submit=False)
    case = make_case(item, actor)
    if state == CaseState.SUBMITTED:
        return case
    if state == CaseState.CORRECTION:
        mark(case, actor, "application")
        return services.case_request_correction(case=case, actor=actor)
    if state == CaseState.COMPLETED:
        return services.case_reject(case=case, actor=actor, reason="不符合受理条件")
    case = services.case_accept(case=case, actor=actor)
    if state == CaseState.ACCEPTED:
        return case
    if state == CaseState.SUSPENDED:
        return services.case_suspend(case=case, actor=actor, kind="expert_review", reason="专家评审", expected_days=5)
    if item.current_version.route == "on_site":
        case = services.case_decide(case=case, actor=actor, outcome="grant")
        assert state == CaseState.DECIDED, state
        return case
    case = services.case_review(case=case, actor=actor, opinion="初审通过")
    if state == CaseState.REVIEWED:
        return case
    case = services.case_sign_off(case=case, actor=actor, opinion="同意，报省政府")
    if state == CaseState.SIGNED_OFF:
        return case
    case = services.case_forward(case=case, actor=actor, authority="湖南省人民政府")
    if state == CaseState.FORWARDED:
        return case
    case = services.case_record_external_decision(case=case, actor=actor, outcome="grant", document_no="湘政函〔2026〕1号")
    if state == CaseState.DECIDED:
        return case
    assert state == CaseState.ISSUED, state
    return services.case_issue(case=case, actor=actor, **COLLECTOR)


def run_action(case: Case, actor, action: str, today: datetime.date) -> Case:
    """Call the service for `action` with valid arguments (and the preconditions its guards need)."""
    if action == "accept_with_deficiency":
        mark(case, actor, "resolution")
        return services.case_accept_with_deficiency(case=case, actor=actor, supplement_due=today,
                                                    commitment_signed=True)
    if action == "request_correction":
        mark(case, actor, "application")
        return services.case_request_correction(case=case, actor=actor)
    if action == "supplement":
        Case.objects.filter(pk=case.pk).update(deficiency_pending=True)  # as if accepted with deficiency
    calls = {
        "submit": lambda: services.case_submit(case=case, actor=actor),
        "accept": lambda: services.case_accept(case=case, actor=actor),
        "resubmit": lambda: services.case_resubmit(case=case, actor=actor),
        "supplement": lambda: services.case_supplement(case=case, actor=actor),
        "reject": lambda: services.case_reject(case=case, actor=actor, reason="不符合条件"),
        "review": lambda: services.case_review(case=case, actor=actor, opinion="同意"),
        "propose_refusal": lambda: services.case_propose_refusal(case=case, actor=actor, reason="不符合命名规则"),
        "sign_off": lambda: services.case_sign_off(case=case, actor=actor, opinion="同意"),
        "forward": lambda: services.case_forward(case=case, actor=actor, authority="湖南省人民政府"),
        "record_external_decision": lambda: services.case_record_external_decision(
            case=case, actor=actor, outcome="grant", document_no="湘政函〔2026〕2号"),
        "decide": lambda: services.case_decide(case=case, actor=actor, outcome="grant"),
        "suspend": lambda: services.case_suspend(case=case, actor=actor, kind="hearing", reason="听证", expected_days=5),
        "resume": lambda: services.case_resume(case=case, actor=actor, result="听证结束"),
        "extend": lambda: services.case_extend(case=case, actor=actor, days=5, reason="情况复杂"),
        "withdraw": lambda: services.case_withdraw(case=case, actor=actor, reason="申请人撤回"),
        "terminate": lambda: services.case_terminate(case=case, actor=actor, reason="终止"),
        "issue": lambda: services.case_issue(case=case, actor=actor, **COLLECTOR),
        "complete": lambda: services.case_complete(case=case, actor=actor),
    }
    return calls[action]()
