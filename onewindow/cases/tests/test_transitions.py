"""Every (route, state, action): legal pairs reach the table's state, everything else is refused (409)."""

import pytest
from django.db import transaction

from onewindow.accounts.models import Role
from onewindow.audit.models import AuditEvent
from onewindow.cases.actions import ACTIONS, PREVIOUS, TRANSITIONS, actions_from
from onewindow.cases.models import Case, CaseState
from onewindow.core.errors import Conflict

from .factories import make_item
from .helpers import drive, run_action

REACHABLE = {
    "on_site": ["draft", "submitted", "correction", "accepted", "suspended", "decided", "completed"],
    "back_office": ["draft", "submitted", "correction", "accepted", "suspended", "reviewed", "signed_off", "forwarded",
                    "decided", "issued", "completed"],
}
PAIRS = [(route, state) for route, states in REACHABLE.items() for state in states]


@pytest.fixture
def boss(make_staff):
    return make_staff("boss", Role.CLERK, Role.CHIEF_APPROVER, Role.REVIEWER)


def expected(route: str, state: str, action: str) -> str | None:
    target = TRANSITIONS.get((state, action))
    if target is None or route not in ACTIONS[action].routes:
        return None
    if (state, action) == (CaseState.REVIEWED, "forward"):
        return None  # the factory's back-office items have the sign-off step: 签发 first
    if target == PREVIOUS:
        return CaseState.ACCEPTED  # `drive` suspends from accepted
    if action == "issue" and route == "on_site":
        return CaseState.COMPLETED  # completion follows issuance on the spot
    return target


class _Undo(Exception):
    """Raised to roll one action back so the next starts from the same case."""


@pytest.mark.parametrize(("route", "state"), PAIRS, ids=["-".join(p) for p in PAIRS])
def test_every_action_from(route, state, boss, today):
    item = make_item(route=route)
    case = drive(item, boss, state)
    assert case.state == state
    for action in ACTIONS:
        target = expected(route, state, action)
        try:
            with transaction.atomic():
                _check(case, boss, action, target)
                raise _Undo
        except _Undo:
            pass


def _check(case, actor, action, target):
    state = case.state
    if action == "supplement":  # as if accepted with deficiency (the table's pairs, not the 容缺 guard, are tested)
        Case.objects.filter(pk=case.pk).update(deficiency_pending=True)
    steps_before = case.steps.count()
    events_before = AuditEvent.objects.count()
    if target is None:
        with pytest.raises(Conflict) as refused:
            run_action(case, actor, action)
        assert refused.value.status == 409, action
        assert Case.objects.get(pk=case.pk).state == state, action
        assert case.steps.count() == steps_before, action
    else:
        result = run_action(case, actor, action)
        assert (action, result.state) == (action, target)
        assert Case.objects.get(pk=case.pk).state == target, action
        assert AuditEvent.objects.count() > events_before, action


def test_every_action_is_reachable_from_some_state():
    assert {action for (_state, action) in TRANSITIONS} == set(ACTIONS)
    assert actions_from(CaseState.COMPLETED) == []
