import pytest

from onewindow.catalog import rules
from onewindow.catalog.content import content_from_data
from onewindow.catalog.rules import guide_violations

from .factories import item_data

STEP = {"order": 1, "kind": "accept", "name": "受理", "time_limit": 0, "description": ""}


def step(order, kind, days=0):
    return {**STEP, "order": order, "kind": kind, "time_limit": days}


def content(**overrides):
    built = content_from_data(item_data(**overrides))
    assert built.errors == []
    return built


COMMITTED = {"promised_limit": 10, "promised_limit_unit": "working_days", "case_type": "committed"}

# (rule, overrides that break only that rule, overrides that satisfy it in a different way)
CASES = [
    (rules.rule_case_type_matches_limit, {"case_type": "committed"}, COMMITTED),
    (rules.rule_case_type_matches_limit, {**COMMITTED, "case_type": "immediate"}, {}),
    (rules.rule_certificate_result_type, {"result_name": "社会团体法人登记证", "result_type": "document"},
     {"result_name": "准予变更登记决定书", "result_type": "document", "result_sample": ""}),
    (rules.rule_certificate_needs_sample, {"result_sample": " "}, {}),
    (rules.rule_visits_need_reason, {"visits_reason": ""}, {"visits_required": 0, "visits_reason": ""}),
    (rules.rule_no_visit_offline_needs_delivery,
     {"visits_required": 0, "online": False, "supports_delivery": False},
     {"visits_required": 0, "online": True, "supports_delivery": False}),
    (rules.rule_phones, {"complaint_phone": "0731-84000001"}, {"complaint_phone": "12345"}),
    (rules.rule_phones, {"complaint_phone": " "}, {}),
    (rules.rule_hours_mention_working_days, {"hours": "周一至周五 9:00-17:00"}, {}),
    (rules.rule_address_to_window, {"address": "长沙市政务服务中心二楼"}, {"address": "长沙市政务服务中心B12号"}),
    (rules.rule_licence_has_faq, {"faqs": []}, {"faqs": [], "item_type": "public_service"}),
    (rules.rule_steps_within_promise, {**COMMITTED, "steps": [step(1, "accept", 5), step(2, "decide", 6)]},
     {**COMMITTED, "steps": [step(1, "accept", 5), step(2, "decide", 5)]}),
    (rules.rule_steps_within_promise, {"steps": [step(1, "accept", 1)]}, {"steps": [step(1, "accept")]}),
    (rules.rule_no_fee_no_payment, {"supports_online_payment": True},
     {"supports_online_payment": True, "charges_fee": True, "fee_standard": "10元"}),
    (rules.rule_promise_within_statute, {**COMMITTED, "promised_limit": 61},
     {**COMMITTED, "promised_limit": 60, "steps": [step(1, "accept")]}),
    (rules.rule_promise_within_statute,
     {**COMMITTED, "statutory_limit": 0, "statutory_limit_unit": "on_the_spot"}, {}),
    (rules.rule_has_material, {"materials": []}, {}),
    (rules.rule_material_keys_unique,
     {"materials": [{**item_data()["materials"][0]}, {**item_data()["materials"][1], "key": "application"}]}, {}),
    # 行政许可法 Art. 42 (10 days; 15 for joint handling) and Art. 45 (other pauses need a provision).
    (rules.rule_legal_settings, {"extension_max_days": 16}, {"extension_max_days": 15}),
    (rules.rule_legal_settings, {"extension_max_days": 15, "extension_basis": ""}, {"extension_max_days": 10,
                                                                                   "extension_basis": ""}),
    (rules.rule_legal_settings, {"deficiency_max_days": 0}, {"deficiency_max_days": 5}),
    (rules.rule_legal_settings, {"pause_provisions": {"hearing": "x"}}, {"pause_provisions": {"public_notice": "《某条例》第十条"}}),
    (rules.rule_legal_settings, {"pause_provisions": {"site_check": " "}}, {"pause_provisions": {}}),
    (rules.rule_back_office_steps, {**COMMITTED, "route": "back_office"},
     {**COMMITTED, "route": "back_office",
      "steps": [step(1, "accept"), step(2, "review", 3), step(3, "sign_off", 1), step(4, "forward", 1),
                step(5, "issue")]}),
    # 签发 (党政机关公文处理工作条例 Art. 22): the chain shows the sign-off step exactly when the item requires it.
    (rules.rule_back_office_steps,
     {**COMMITTED, "route": "back_office", "steps": [step(1, "accept"), step(2, "review", 3), step(3, "forward", 2)]},
     {**COMMITTED, "route": "back_office", "sign_off_required": False,
      "steps": [step(1, "accept"), step(2, "review", 3), step(3, "forward", 2)]}),
]


def test_base_data_breaks_no_rule():
    assert guide_violations(content()) == []


@pytest.mark.parametrize(("rule", "broken", "fixed"), CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_rule_fails_and_passes(rule, broken, fixed):
    bad = content(**broken)
    message = rule(bad)
    assert message is not None
    assert guide_violations(bad) == [str(message)]  # only the rule under test fires
    assert rule(content(**fixed)) is None
    assert guide_violations(content(**fixed)) == []


def test_messages_are_chinese():
    bad = content(hours="9:00-17:00", supports_online_payment=True, materials=[])
    messages = guide_violations(bad)
    assert len(messages) == 3
    assert any("工作日" in m for m in messages)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m.replace("工作日", "")) for m in messages)
