"""The case state machine as data: {(state, action): next_state}.

Services look the pair up before anything else; a pair that is not here is refused with a conflict.
Guards that depend on more than the state (route, 容缺 outstanding, who acts) live in the services.
`PREVIOUS` means "back to the state the case was in before the special procedure began".
"""

from .models import CaseState as S

PREVIOUS = "previous"

ACTIONS = (
    "submit", "accept", "accept_with_deficiency", "request_correction", "resubmit", "supplement", "reject",
    "review", "propose_refusal", "sign_off", "forward", "record_external_decision", "decide", "suspend", "resume", "extend", "withdraw",
    "terminate", "issue", "complete",
)

# States in which the case is under substantive handling (the clock runs).
_HANDLING = (S.ACCEPTED, S.REVIEWED, S.SIGNED_OFF, S.FORWARDED)

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, "submit"): S.SUBMITTED,
    (S.DRAFT, "withdraw"): S.COMPLETED,
    (S.SUBMITTED, "accept"): S.ACCEPTED,
    (S.SUBMITTED, "accept_with_deficiency"): S.ACCEPTED,
    (S.SUBMITTED, "request_correction"): S.CORRECTION,
    (S.SUBMITTED, "reject"): S.COMPLETED,
    (S.SUBMITTED, "withdraw"): S.COMPLETED,
    (S.CORRECTION, "resubmit"): S.SUBMITTED,
    (S.CORRECTION, "reject"): S.COMPLETED,
    (S.CORRECTION, "withdraw"): S.COMPLETED,
    (S.ACCEPTED, "review"): S.REVIEWED,  # back_office only
    # 初审 not passed: still goes up, with the proposal to refuse; the higher authority decides.
    (S.ACCEPTED, "propose_refusal"): S.REVIEWED,  # back_office only
    (S.ACCEPTED, "decide"): S.DECIDED,  # on_site only
    # 签发: a holder of the leader's authority signs the 初审 opinion before it goes up (items whose chain
    # has the sign-off step; the others forward straight from REVIEWED, see `case_forward`).
    (S.REVIEWED, "sign_off"): S.SIGNED_OFF,  # back_office only
    (S.REVIEWED, "forward"): S.FORWARDED,  # only for items without the sign-off step
    (S.SIGNED_OFF, "forward"): S.FORWARDED,
    (S.FORWARDED, "record_external_decision"): S.DECIDED,
    (S.FORWARDED, "complete"): S.COMPLETED,  # 转报办结: the higher authority delivers the result itself
    (S.SUSPENDED, "resume"): PREVIOUS,
    (S.SUSPENDED, "withdraw"): S.COMPLETED,
    (S.SUSPENDED, "terminate"): S.COMPLETED,
    (S.DECIDED, "supplement"): S.DECIDED,
    (S.DECIDED, "issue"): S.ISSUED,  # on_site items complete at once (see case_issue)
    (S.DECIDED, "terminate"): S.COMPLETED,
    (S.ISSUED, "complete"): S.COMPLETED,
}
for _state in _HANDLING:
    TRANSITIONS[(_state, "suspend")] = S.SUSPENDED
    TRANSITIONS[(_state, "extend")] = _state
    TRANSITIONS[(_state, "supplement")] = _state
    TRANSITIONS[(_state, "withdraw")] = S.COMPLETED
    TRANSITIONS[(_state, "terminate")] = S.COMPLETED


def next_state(state: str, action: str) -> str | None:
    return TRANSITIONS.get((state, action))


def actions_from(state: str) -> list[str]:
    return [action for action in ACTIONS if (state, action) in TRANSITIONS]
