"""How the case page offers each action: the fields its form shows, whether it is a rare one folded behind
"more actions", and its keyboard shortcut (accesskey, Alt+key in Chromium and Edge).

One explicit declaration per action: the template asks `"reason" in form.fields`, a tuple membership, so
that no action gets a field by a substring accident (issue 13: `action in "accept … review"` was true for
"view"). `tests/test_action_forms.py` checks that every action of the state machine is declared here.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ActionForm:
    fields: tuple[str, ...] = ()
    rare: bool = False  # 撤回, 终止, 延长, 特别程序: behind one control
    key: str = ""  # accesskey; "q" is the page's link back to the queue


FORMS = {
    "submit": ActionForm(key="s"),
    "accept": ActionForm(("opinion",), key="a"),
    "accept_with_deficiency": ActionForm(("supplement_due", "commitment_signed", "bad_credit", "opinion"), key="d"),
    "request_correction": ActionForm(("opinion",), key="c"),
    "resubmit": ActionForm(("opinion",), key="r"),
    "supplement": ActionForm(("opinion",), key="u"),
    "reject": ActionForm(("reason",), key="j"),
    "review": ActionForm(("opinion",), key="v"),
    "propose_refusal": ActionForm(("reason",), key="p"),
    "sign_off": ActionForm(("opinion",), key="n"),  # 签发
    "forward": ActionForm(("authority", "opinion"), key="f"),
    "record_external_decision": ActionForm(("outcome", "document_no", "reason"), key="h"),
    "decide": ActionForm(("outcome", "reason"), key="g"),
    "resume": ActionForm(("result",), key="e"),
    "issue": ActionForm(("delivery", "collector_name", "collector_id_number", "tracking_no"), key="i"),
    "complete": ActionForm(("note",), key="o"),
    "suspend": ActionForm(("kind", "expected_days", "reason"), rare=True),
    "extend": ActionForm(("days", "reason"), rare=True),
    "withdraw": ActionForm(("reason",), rare=True),
    "terminate": ActionForm(("reason",), rare=True),
}

# The action a person most likely takes next, when several are open to them: move the case forward.
LIKELY_FIRST = ("decide", "record_external_decision", "sign_off", "review", "accept", "issue", "complete", "resume",
                "supplement", "resubmit", "submit", "forward", "accept_with_deficiency", "request_correction",
                "propose_refusal", "reject")


@dataclass(frozen=True)
class OfferedAction:
    name: str
    form: ActionForm
    primary: bool = False


def form_for(action: str) -> ActionForm:
    """The declaration; an action added to the state machine but not yet here asks for reasons (and the
    test names it)."""
    return FORMS.get(action, ActionForm(("reason",)))


def offered(allowed: list[str]) -> tuple[list[OfferedAction], list[OfferedAction]]:
    """(common actions with the most likely one first and marked primary, rare actions)."""
    common = sorted((a for a in allowed if not form_for(a).rare),
                    key=lambda a: LIKELY_FIRST.index(a) if a in LIKELY_FIRST else len(LIKELY_FIRST))
    rare = [OfferedAction(a, form_for(a)) for a in allowed if form_for(a).rare]
    return [OfferedAction(a, form_for(a), primary=i == 0) for i, a in enumerate(common)], rare
