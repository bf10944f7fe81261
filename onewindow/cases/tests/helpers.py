"""Drive a case into any state through the services, for table-driven tests."""

from onewindow.cases import services
from onewindow.cases.models import Case, CaseMaterial, CaseState

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


# Valid inputs of each action that needs any (an action missing here is called without inputs).
INPUTS = {
    "accept_with_deficiency": {"supplement_due": None, "commitment_signed": True},
    "reject": {"reason": "不符合条件"}, "review": {"opinion": "同意"}, "propose_refusal": {"reason": "不符合命名规则"},
    "sign_off": {"opinion": "同意"}, "forward": {"authority": "湖南省人民政府"},
    "record_external_decision": {"outcome": "grant", "document_no": "湘政函〔2026〕2号"},
    "decide": {"outcome": "grant"}, "suspend": {"kind": "hearing", "reason": "听证", "expected_days": 5},
    "resume": {"result": "听证结束"}, "extend": {"days": 5, "reason": "情况复杂"}, "withdraw": {"reason": "申请人撤回"},
    "terminate": {"reason": "终止"}, "issue": COLLECTOR,
    "form_correct": {"form_data": {"name": "湖南康养职业技能培训学校"}, "reason": "申请人笔误"},
}
# The material an action's guard needs missing (marked without the services, so any person may try it).
MISSING_FIRST = {"accept_with_deficiency": "resolution", "request_correction": "application"}


def run_action(case: Case, actor, action: str) -> Case:
    """Call the service for `action` with valid inputs and the materials its guards need."""
    if action in MISSING_FIRST:
        case.materials.filter(material__key=MISSING_FIRST[action]).update(mode=CaseMaterial.Mode.MISSING, note="未提供")
    return services.case_act(case=case, actor=actor, action=action, **INPUTS.get(action, {}))
