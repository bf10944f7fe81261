"""Every case action, declared once: its name, label, the event it emits, who may do it, the states it
moves between, the step it records, the routes it applies to, its guards and its input. The counter
intake's buttons (`Action.intake`), accepting and granting on the spot (a composite, `Action.then`) and
staff's correction of the form data before the decision (`form_correct`) are actions like the others.

Everything else reads this declaration: the services (`services._begin` checks authority, state and
guards from it; `_step` and `_finish` take the step and the event), the queue's "can act now" condition
(`selectors.actionable`, the guards' SQL), the case page's offer and forms (`selectors.allowed_actions`,
`views`, `templates/cases/_action_form.html`), the API's action endpoints and their OpenAPI schemas
(`api.py`), and the subscribers of `case_acted` (exchange reports) and `case_transitioned` (portal notices, figures), which
compare `CaseEvent` members. A guard is data (fields and the values they must have) read both ways, as a
Python test and as SQL, so the two cannot drift; the Art. 32 rules read the case's pauses and exist in
Python only (the queue lists such cases and the case page leaves the action out).
"""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from onewindow.accounts.models import AuthorityGrant, Role
from onewindow.catalog.models import ItemVersion, Route
from onewindow.core.errors import Conflict, ServiceError, ValidationFailed
from onewindow.core.masking import is_personal_key

from . import art32
from .models import CasePause, CaseStep, Delivery, Outcome
from .models import CaseState as S
from .routes import ROUTES, routes_of

A = AuthorityGrant.Action
PREVIOUS = "previous"  # back to the state the case was in before the special procedure began
# States in which the case is under substantive handling (the clock runs).
HANDLING = (S.ACCEPTED, S.REVIEWED, S.SIGNED_OFF, S.FORWARDED)


class CaseEvent(StrEnum):
    """What a case action emits: audited as "case.<event>", sent with `case_acted` and `case_transitioned`,
    reported to the exchange and told to the applicant."""

    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    ACCEPTED_WITH_DEFICIENCY = "accepted_with_deficiency"
    CORRECTION_REQUESTED = "correction_requested"
    RESUBMITTED = "resubmitted"
    SUPPLEMENTED = "supplemented"
    REJECTED = "rejected"
    REVIEWED = "reviewed"
    REFUSAL_PROPOSED = "refusal_proposed"
    SIGNED_OFF = "signed_off"
    FORWARDED = "forwarded"
    EXTERNAL_DECISION_RECORDED = "external_decision_recorded"
    DECIDED = "decided"
    SUSPENDED = "suspended"
    RESUMED = "resumed"
    EXTENDED = "extended"
    WITHDRAWN = "withdrawn"
    TERMINATED = "terminated"
    ISSUED = "issued"
    COMPLETED = "completed"
    FORM_CORRECTED = "form_corrected"  # audited only: the state does not change and nobody else is told


@dataclass(frozen=True)
class Refusal:
    """How a guard refuses: the error, its message (or the message for the case) and stable code, and the
    details from the case."""
    error: type[ServiceError]
    message: Promise | Callable[[object], Promise]
    code: str
    details: Callable[[object], dict] = lambda case: {"state": case.state}

    def __call__(self, case) -> ServiceError:
        message = self.message(case) if callable(self.message) else self.message
        return self.error(message, code=self.code, details=self.details(case))


@dataclass(frozen=True, eq=False)
class Guard:
    """A condition beyond the state. As data: item-version and case fields with the values they may have
    (read in Python by `holds`, in SQL by `q`); `negate` turns it into "not all of these"; leaving a state
    of `except_from` the guard does not apply. A `rule` instead is a Python-only test that reads more than
    the row (the Art. 32 window reads the case's pauses): the queue does not filter on it."""
    refusal: Refusal
    version: Mapping[str, tuple] = field(default_factory=dict)
    case: Mapping[str, tuple] = field(default_factory=dict)
    negate: bool = False
    except_from: tuple[str, ...] = ()
    rule: Callable[[object], bool] | None = None

    def _condition(self) -> tuple:
        return (tuple(self.version.items()), tuple(self.case.items()), self.negate, self.except_from, self.rule)

    def __eq__(self, other) -> bool:  # the same condition is the same guard, whatever its refusal
        return isinstance(other, Guard) and self._condition() == other._condition()

    def __hash__(self) -> int:
        return hash(self._condition())

    def holds(self, case) -> bool:
        if self.rule is not None:
            return self.rule(case)
        if case.state in self.except_from:
            return True
        version = case.item_version
        met = (all(getattr(version, name) in values for name, values in self.version.items())
               and all(getattr(case, name) in values for name, values in self.case.items()))
        return met != self.negate

    def q(self) -> Q:
        """The guard as a condition on a case row; item-version conditions are subqueries over the (small)
        version table, so the case rows need no join to it."""
        assert self.rule is None, "a rule has no SQL"
        met = Q()
        if self.version:
            versions = ItemVersion.objects.filter(**{f"{name}__in": values for name, values in self.version.items()})
            met &= Q(item_version__in=versions.values("pk"))
        for name, values in self.case.items():
            met &= Q(**{name: values[0]}) if len(values) == 1 else Q(**{f"{name}__in": values})
        met = ~met if self.negate else met
        return Q(state__in=self.except_from) | met if self.except_from else met


@dataclass(frozen=True)
class Input:
    """One input of an action: a field of its workbench form and of its API body (same name), and the
    service's keyword argument. `required`: the API body must carry it (the service still decides whether
    an empty value will do)."""
    name: str
    type: object = str  # str, int, bool, datetime.date | None, or a choices enum / Literal
    required: bool = False
    default: object = ""
    ge: int | None = None
    le: int | None = None
    invalid: Promise | None = None  # the message for a value typed in the workbench that cannot be read
    description: str = ""  # for the API's OpenAPI body

    def read(self, post):
        """The value of this input in a workbench form post."""
        if self.type == dict[str, str]:
            # The item's form fields, posted as form_<key>. An ID number or mobile is shown masked and never
            # prefilled, so left blank it stays as it is.
            return {key.removeprefix("form_"): value for key, value in post.items()
                    if key.startswith("form_") and (value.strip() or not is_personal_key(key))}
        raw = post.get(self.name, "")
        if self.type is bool:
            return raw == "on"
        raw = raw.strip()
        if self.type is int:
            return int(raw) if raw.isdigit() else 0
        if self.type == datetime.date | None:
            try:
                return datetime.date.fromisoformat(raw) if raw else None
            except ValueError:
                raise ValidationFailed(self.invalid, details={self.name: "required"}) from None
        return raw


OPINION = Input("opinion")
REASON = Input("reason", required=True)


@dataclass(frozen=True)
class Action:
    name: str
    label: Promise
    event: CaseEvent | None  # None for a composite: its parts emit theirs
    moves: Mapping[str, str]  # from state → next state
    authority: tuple[str, ...]  # lines of the authority list (授权清单), any of which allows it
    applicant: bool = False  # the applicant may take it on their own (online) case
    roles: tuple[str, ...] = ()  # only staff holding one of these roles may, besides the authority (() = any)
    state_refusal: Refusal | None = None  # how a state it does not move from is refused (else `invalid_state`)
    then: tuple[str, ...] = ()  # a composite: these actions in turn, in one transaction (their checks and events)
    step: str = ""  # 环节名称 of the handling step it records (data, so in Chinese); "" records none
    step_action: str = CaseStep.Action.PASS  # 业务动作 of that step
    visit: bool = False  # its step needs the applicant at the counter (a visit, 跑一次, in the figures)
    guards: tuple[Guard, ...] = ()
    inputs: tuple[Input, ...] = ()
    rare: bool = False  # 撤回, 终止, 延长, 特别程序: folded behind "more actions" on the case page
    key: str = ""  # accesskey on the case page; "q" is the page's link back to the queue
    rank: int = 99  # among the actions open to a person, the most likely next one is offered first
    intake: str = ""  # offered by the counter intake on the case it files, with this accesskey ("" = not)
    own_form: str = ""  # the case page shows it with this template beside the data it changes, not among the actions
    service: str = ""  # its service's dotted path, when it is not `services.case_<name>`
    api: str = ""  # its API path under the case, when it is not `actions/<name>`

    @property
    def routes(self) -> tuple[str, ...]:
        if self.then:  # a composite goes where each of its parts goes
            return tuple(r for r in ROUTES if all(r in ACTIONS[part].routes for part in self.then))
        return routes_of(self.name)

    @property
    def all_guards(self) -> tuple[Guard, ...]:
        """The route's guard (when the action is not on every route) and the action's own (a composite's
        include its parts')."""
        routes = self.routes
        own = tuple(dict.fromkeys(g for part in self.then for g in ACTIONS[part].guards)) + self.guards
        if len(routes) == len(ROUTES):
            return own
        return (Guard(WRONG_ROUTE, version={"route": routes}), *own)

    @property
    def path(self) -> str:
        """Its API path under /api/v1/cases/{case_no}/."""
        return self.api or f"actions/{self.name}"

    def permits(self, lines, own: bool = False) -> bool:
        """Do these lines of the authority list (or the case being the person's own) allow it? A composite
        needs what each of its parts needs."""
        if self.then:
            return all(ACTIONS[part].permits(lines, own) for part in self.then)
        return bool(set(self.authority) & set(lines)) or (own and self.applicant)

    def items(self, grants: Mapping[str, set[int]]) -> frozenset[int]:
        """The items on which it is allowed, from {authority-list line: item ids}."""
        if self.then:
            return frozenset.intersection(*(ACTIONS[part].items(grants) for part in self.then))
        return frozenset().union(*(grants.get(line, ()) for line in self.authority))

    def held_by(self, user) -> bool:
        """Does `user` hold a role it is restricted to (if it is)?"""
        return not self.roles or (getattr(user, "is_staff_member", False) and user.has_role(*self.roles))

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.inputs)

    def offer(self, case) -> bool:
        """Do the guards let a person take this action on `case` now (state and authority aside)?"""
        return all(guard.holds(case) for guard in self.all_guards)


# An action of another route is refused with the case's route's own message (`CaseRoute.elsewhere`).
WRONG_ROUTE = Refusal(Conflict, lambda case: ROUTES[case.item_version.route].elsewhere, "wrong_route")


def _in_handling(target: str | None = None) -> dict[str, str]:
    return {state: target or state for state in HANDLING}


def _correction_possible(case) -> bool:
    return not art32.correction_notified(case)


def _correction_in_time(case) -> bool:
    return not art32.correction_window_passed(case)


def _not_deemed_accepted(case) -> bool:
    return not art32.deemed_accepted_now(case)


DEFICIENCY_OUTSTANDING = Guard(Refusal(Conflict, _("No materials are outstanding on this case."), "no_deficiency"),
                               case={"deficiency_pending": (True,)})
SIGN_OFF_STEP = Guard(Refusal(Conflict, _("This item's chain has no sign-off step; forward the case."),
                              "no_sign_off_step"),
                      version={"sign_off_required": (True,)})

ACTIONS: dict[str, Action] = {action.name: action for action in (
    Action("submit", _("Submit"), CaseEvent.SUBMITTED, {S.DRAFT: S.SUBMITTED}, (A.ACCEPT,), applicant=True,
           key="s", rank=10),
    Action("accept", _("Accept"), CaseEvent.ACCEPTED, {S.SUBMITTED: S.ACCEPTED}, (A.ACCEPT,), step="受理", visit=True,
           inputs=(OPINION,), key="a", rank=4, intake="a"),
    Action("accept_with_deficiency", _("Accept with deficiency"), CaseEvent.ACCEPTED_WITH_DEFICIENCY,
           {S.SUBMITTED: S.ACCEPTED}, (A.ACCEPT,), step="容缺受理", visit=True,
           guards=(Guard(Refusal(ValidationFailed, _("This item does not allow acceptance with missing materials."),
                                 "deficiency_not_allowed", lambda case: {}),
                         version={"allows_deficiency": (True,)}),),
           inputs=(Input("supplement_due", datetime.date | None, default=None,
                         invalid=_("Enter the supplement deadline.")),
                   Input("commitment_signed", bool, required=True, default=False),
                   Input("bad_credit", bool, default=False), OPINION),
           key="d", rank=12, intake="d"),
    Action("request_correction", _("Request correction"), CaseEvent.CORRECTION_REQUESTED,
           {S.SUBMITTED: S.CORRECTION}, (A.ACCEPT,), step="补正告知", step_action=CaseStep.Action.RETURN, visit=True,
           guards=(
               # 行政许可法 Art. 32(4): one 一次性告知书, within 5 working days of receipt.
               Guard(Refusal(Conflict, _("A one-time correction notice has already been issued for this application "
                                         "(Art. 32): accept it or issue a non-acceptance notice."),
                             "correction_already_notified"), rule=_correction_possible),
               Guard(Refusal(Conflict, _("More than 5 working days have passed since receipt: the application counts "
                                         "as accepted from receipt (Art. 32) and must be accepted."),
                             "correction_too_late",
                             lambda case: {"state": case.state, "received_on": str(case.received_on)}),
                     rule=_correction_in_time)),
           inputs=(OPINION,), key="c", rank=13, intake="c"),
    Action("resubmit", _("Corrections received"), CaseEvent.RESUBMITTED, {S.CORRECTION: S.SUBMITTED}, (A.ACCEPT,),
           applicant=True, step="补正材料提交", step_action=CaseStep.Action.OTHER, visit=True, inputs=(OPINION,), key="r",
           rank=9),
    Action("supplement", _("Deficient materials received"), CaseEvent.SUPPLEMENTED,
           {**_in_handling(), S.DECIDED: S.DECIDED}, (A.ACCEPT,), step="容缺材料补齐",
           step_action=CaseStep.Action.OTHER, visit=True, guards=(DEFICIENCY_OUTSTANDING,), inputs=(OPINION,), key="u",
           rank=8),
    Action("reject", _("Do not accept"), CaseEvent.REJECTED, {S.SUBMITTED: S.COMPLETED, S.CORRECTION: S.COMPLETED},
           (A.ACCEPT,), step="不予受理", step_action=CaseStep.Action.RETURN, visit=True,
           guards=(Guard(Refusal(Conflict, _("No correction notice was issued within 5 working days of receipt: the "
                                             "application counts as accepted from receipt (Art. 32) and can no "
                                             "longer be refused acceptance."), "deemed_accepted",
                                 lambda case: {"state": case.state, "received_on": str(case.received_on)}),
                         rule=_not_deemed_accepted),),
           inputs=(REASON,), key="j", rank=15, intake="r"),  # Alt+R at the intake, where nothing is resubmitted
    Action("review", _("Pass preliminary review"), CaseEvent.REVIEWED, {S.ACCEPTED: S.REVIEWED}, (A.REVIEW,),
           step="初审", inputs=(OPINION,), key="v", rank=3),
    # 初审 not passed: the case still goes up, with the proposal to refuse; the higher authority decides.
    Action("propose_refusal", _("Fail preliminary review: propose refusal"), CaseEvent.REFUSAL_PROPOSED,
           {S.ACCEPTED: S.REVIEWED}, (A.REVIEW,), step="初审",
           step_action=CaseStep.Action.OTHER,  # not 退回: the case goes on up, not back
           inputs=(REASON,), key="p", rank=14),
    # 签发: a holder of the leader's authority (审批决定人) signs the 初审 opinion before it goes up.
    Action("sign_off", _("Sign off review opinion"), CaseEvent.SIGNED_OFF, {S.REVIEWED: S.SIGNED_OFF}, (A.DECIDE,),
           step="签发", guards=(SIGN_OFF_STEP,), inputs=(OPINION,), key="n", rank=2),
    # From REVIEWED only where the item's chain has no sign-off step.
    Action("forward", _("Forward to higher authority"), CaseEvent.FORWARDED,
           {S.REVIEWED: S.FORWARDED, S.SIGNED_OFF: S.FORWARDED}, (A.REVIEW,), step="转报",
           guards=(Guard(Refusal(Conflict, _("The preliminary-review opinion must be signed off by a holder of "
                                             "decision authority before the case is forwarded."), "sign_off_required",
                                 lambda case: {"state": case.state, "basis": case.item_version.sign_off_basis}),
                         version={"route": (Route.BACK_OFFICE,), "sign_off_required": (True,)},
                         negate=True, except_from=(S.SIGNED_OFF,)),),
           inputs=(Input("authority", required=True), OPINION), key="f", rank=11),
    Action("record_external_decision", _("Record higher authority's decision"),
           CaseEvent.EXTERNAL_DECISION_RECORDED, {S.FORWARDED: S.DECIDED}, (A.REVIEW,), step="上级决定",
           inputs=(Input("outcome", Outcome, required=True), Input("document_no", required=True), Input("reason")),
           key="h", rank=1),
    Action("decide", _("Decide"), CaseEvent.DECIDED, {S.ACCEPTED: S.DECIDED}, (A.DECIDE,), step="决定",
           inputs=(Input("outcome", Outcome, required=True), Input("reason")), key="g", rank=0),
    # 即办 at the counter: a holder of accept and decide authority accepts and grants in one sitting.
    Action("accept_decide", _("Accept and grant on the spot"), None, {S.SUBMITTED: S.DECIDED}, (),
           then=("accept", "decide"), inputs=(OPINION, Input("reason")), key="k", rank=16, intake="g"),
    Action("suspend", _("Start special procedure"), CaseEvent.SUSPENDED, _in_handling(S.SUSPENDED),
           (A.DECIDE, A.REVIEW),
           inputs=(Input("kind", Literal[tuple(k for k in CasePause.Kind.values if k != CasePause.Kind.CORRECTION)],
                         required=True),
                   REASON, Input("expected_days", int, required=True, default=0, ge=1, le=365)),
           rare=True),
    Action("resume", _("End special procedure"), CaseEvent.RESUMED, {S.SUSPENDED: PREVIOUS}, (A.DECIDE, A.REVIEW),
           inputs=(Input("result"),), key="e", rank=7),
    Action("extend", _("Extend"), CaseEvent.EXTENDED, _in_handling(), (A.DECIDE,), step="延长审批",
           step_action=CaseStep.Action.OTHER,
           guards=(Guard(Refusal(Conflict, _("The time limit of this case has already been extended once (Art. 42)."),
                                 "already_extended",
                                 lambda case: {"state": case.state, "extension_days": case.extension_days}),
                         case={"extension_days": (0,)}),),
           inputs=(Input("days", int, required=True, default=0, ge=1, le=60), REASON), rare=True),
    Action("withdraw", _("Withdraw"), CaseEvent.WITHDRAWN,
           {S.DRAFT: S.COMPLETED, S.SUBMITTED: S.COMPLETED, S.CORRECTION: S.COMPLETED, **_in_handling(S.COMPLETED),
            S.SUSPENDED: S.COMPLETED}, (A.ACCEPT,), applicant=True, step="撤回", step_action=CaseStep.Action.OTHER,
           inputs=(REASON,), rare=True),
    Action("terminate", _("Terminate"), CaseEvent.TERMINATED,
           {**_in_handling(S.COMPLETED), S.SUSPENDED: S.COMPLETED, S.DECIDED: S.COMPLETED}, (A.DECIDE,), step="终止",
           step_action=CaseStep.Action.OTHER, inputs=(REASON,), rare=True),
    # On-site items complete at once (`CaseRoute.issue_completes`).
    Action("issue", _("Hand out result"), CaseEvent.ISSUED, {S.DECIDED: S.ISSUED}, (A.ISSUE,),
           guards=(Guard(Refusal(Conflict, _("Deficient materials are still outstanding; the result cannot be "
                                             "handed out yet."), "deficiency_pending",
                                 lambda case: {"state": case.state, "supplement_due": str(case.supplement_due)}),
                         case={"deficiency_pending": (False,)}),),
           inputs=(Input("delivery", Delivery, required=True), Input("collector_name"),
                   Input("collector_id_number"), Input("tracking_no")), key="i", rank=5),
    # From FORWARDED: 转报办结, the higher authority delivers the result itself.
    Action("complete", _("Complete"), CaseEvent.COMPLETED, {S.ISSUED: S.COMPLETED, S.FORWARDED: S.COMPLETED},
           (A.ISSUE,), inputs=(Input("note"),), key="o", rank=6),
    # 更正: what the applicant typed, corrected by the window after acceptance and before the decision.
    Action("form_correct", _("Correct the form data"), CaseEvent.FORM_CORRECTED,
           {state: state for state in (S.ACCEPTED, S.SUSPENDED, S.REVIEWED, S.SIGNED_OFF, S.FORWARDED)},
           (A.ACCEPT, A.DECIDE), roles=(Role.CLERK, Role.CHIEF_APPROVER),  # the window's people
           state_refusal=Refusal(Conflict, lambda case: _("Form data can be corrected only after acceptance and "
                                                          "before the decision; the case is now “%(state)s”.")
                                 % {"state": S(case.state).label}, "not_correctable"),
           inputs=(Input("form_data", dict[str, str], required=True,
                         description="The fields to correct (keys of the item's form)"),
                   Input("reason", required=True,
                         description="Why the form data is corrected (kept with the case and audited)")),
           own_form="cases/_correct_form.html", service="onewindow.cases.corrections.case_form_correct",
           api="form-corrections"),
)}

# Recording materials is no transition, but it needs authority like one (and the applicant may, on their case).
MATERIALS_AUTHORITY = (A.ACCEPT,)

# The state machine: {(state, action): next state}.
TRANSITIONS: dict[tuple[str, str], str] = {
    (state, action.name): target for action in ACTIONS.values() for state, target in action.moves.items()}

# Steps recorded by a rule rather than an action (环节名称 as data, so in Chinese).
RULE_STEPS = {"deemed_accept": "视为受理"}
STEP_NAMES = {name: action.step for name, action in ACTIONS.items() if action.step} | RULE_STEPS
STEP_ACTIONS = {name: action.step_action for name, action in ACTIONS.items() if action.step}


def next_state(state: str, action: str) -> str | None:
    return TRANSITIONS.get((state, action))


def actions_from(state: str) -> list[str]:
    return [name for name in ACTIONS if (state, name) in TRANSITIONS]
