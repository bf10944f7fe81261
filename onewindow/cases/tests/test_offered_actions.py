"""Issue 13: the actions offered to a person — the API's `allowed_actions` and the case page's forms — are
exactly the ones the services accept, for every route × state × role (and the applicant on their own
case; the correction of the form data and accept-and-grant included, and the counter intake's buttons),
on cases written straight into each state (no path through the services needed), with and without the
flags the guards read (容缺 outstanding, already extended, 容缺 not allowed, no sign-off step, the Art. 32
window over)."""

import datetime
import itertools
import re

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from onewindow.accounts.models import Role
from onewindow.cases import selectors, services
from onewindow.cases.actions import ACTIONS
from onewindow.cases.models import Case, CaseMaterial, CaseState
from onewindow.cases.routes import ROUTES
from onewindow.cases.views import COUNTER
from onewindow.core.errors import ServiceError

from .conftest import TODAY
from .factories import ORG_CODE, make_item
from .helpers import run_action

_numbers = itertools.count(1)
# (item flags, case flags): the plain case, and one with every flag a guard reads turned the other way.
VARIANTS = {
    "plain": ({}, {}),
    "flagged": ({"allows_deficiency": False}, {"deficiency_pending": True, "extension_days": 5}),
    # Art. 32: received more than 5 working days ago with no correction notice (deemed accepted).
    "late": ({}, {"received_on": TODAY - datetime.timedelta(days=14)}),
}
ACCEPTED_OR_LATER = {CaseState.ACCEPTED, CaseState.SUSPENDED, CaseState.REVIEWED, CaseState.SIGNED_OFF,
                     CaseState.FORWARDED, CaseState.DECIDED, CaseState.ISSUED, CaseState.COMPLETED}


def bare_case(item, state: str, owner, **flags) -> Case:
    """A case written straight into `state`, with the dates and decision that state implies (`flags`
    override them)."""
    now, handled = timezone.now(), state in ACCEPTED_OR_LATER
    case = Case.objects.create(**{
        "case_no": f"OFFER{next(_numbers):06d}", "item": item, "item_version": item.current_version, "state": state,
        "channel": "pc" if owner else "window", "owner": owner, "applicant_kind": "organisation",
        "applicant_name": "湖南某某职业培训中心", "id_type": "uscc", "id_number": ORG_CODE, "contact_name": "李明",
        "contact_mobile": "13900001111", "form_data": {"name": "湖南康养职业培训学校"},
        "submitted_at": None if state == CaseState.DRAFT else now,
        "received_on": None if state == CaseState.DRAFT else TODAY,
        "accepted_at": now if handled else None, "accepted_on": TODAY if handled else None,
        "promised_due": TODAY + datetime.timedelta(days=20) if handled else None,
        "statutory_due": TODAY + datetime.timedelta(days=60) if handled else None,
        "state_before_pause": CaseState.ACCEPTED if state == CaseState.SUSPENDED else "",
        "outcome": "grant" if state in (CaseState.DECIDED, CaseState.ISSUED) else "",
        "supplement_due": TODAY + datetime.timedelta(days=5) if flags.get("deficiency_pending") else None,
        **flags})
    CaseMaterial.objects.bulk_create([CaseMaterial(case=case, material=m, mode=CaseMaterial.Mode.PAPER)
                                      for m in item.current_version.materials.all()])
    return case


class _Undo(Exception):
    """Rolls an accepted action back, so that the next one starts from the same case."""


def accepted(case: Case, actor, name: str) -> bool:
    """Does the service carry the action out (with valid inputs and the materials its guards need)?"""
    try:
        with transaction.atomic():
            run_action(case, actor, name)
            raise _Undo
    except _Undo:
        return True
    except ServiceError:
        return False


def _page_forms(client, case) -> dict[str, set[str]]:
    """action → the names of its form's fields on the case page (the item's form fields, form_<key>, are the
    one input `form_data`)."""
    page = client.get(reverse("cases:case", args=[case.case_no])).content.decode()
    forms = re.findall(r'<form method="post" action="[^"]*"[^>]* data-action="([a-z_]+)"[^>]*>(.*?)</form>', page, re.S)
    return {name: {"form_data" if field.startswith("form_") else field
                   for field in re.findall(r'<(?:input|select|textarea)[^>]* name="([a-z_]+)"', html)}
            - {"csrfmiddlewaretoken"} for name, html in forms}


def _intake_buttons(client, item) -> set[str]:
    """The actions the counter intake offers for `item`."""
    page = client.get(reverse("cases:intake"), {"item": item.pk}).content.decode()
    return set(re.findall(r'<button type="submit" name="do" value="([a-z_]+)"', page))


@pytest.fixture
def people(make_staff, applicant):
    return {role: make_staff(f"only-{role}", role) for role in Role.values} | {"applicant": applicant}


PARAMS = [(route, state, variant) for route in ROUTES for state in CaseState.values for variant in VARIANTS]


@pytest.mark.parametrize(("route", "state", "variant"), PARAMS, ids=["-".join(p) for p in PARAMS])
def test_offered_is_exactly_what_the_services_accept(route, state, variant, people, api, login, today):
    item_flags, case_flags = VARIANTS[variant]
    item = make_item(route=route, **item_flags)
    if variant == "flagged":
        item.current_version.__class__.objects.filter(pk=item.current_version_id).update(sign_off_required=False)
        item.current_version.refresh_from_db()
    for who, person in people.items():
        case = bare_case(item, state, person if who == "applicant" else None, **case_flags)
        offered = api(person).get(f"/api/v1/cases/{case.case_no}").json()["allowed_actions"]
        assert offered == selectors.allowed_actions(case, person, selectors.user_grants(person, item.pk))
        if who != "applicant":
            forms = _page_forms(login(person), case)
            assert set(forms) == set(offered), who
            # The fields come from the declaration: a draft's submit asks for no opinion (issue 13).
            assert all(fields == set(ACTIONS[name].fields) for name, fields in forms.items()), forms
        taken = [name for name in ACTIONS if accepted(case, person, name)]
        assert offered == taken, (who, offered, taken)
        if state == CaseState.SUBMITTED and variant != "late" and person.has_role(*COUNTER):
            # The intake files a case like this one (submitted, received today) and offers on it the
            # declared intake actions the services accept.
            assert _intake_buttons(login(person), item) == {n for n in taken if ACTIONS[n].intake}, who


def test_every_declared_action_has_its_service_and_every_chain_step_its_route():
    for name, action in ACTIONS.items():
        assert callable(import_string(action.service) if action.service else getattr(services, f"case_{name}", None))
        assert all(part in ACTIONS and not ACTIONS[part].then for part in action.then), name
    for route in ROUTES.values():
        assert set(route.chain) <= set(ACTIONS) and set(route.own_actions) <= set(route.chain) | {"propose_refusal"}
        assert all(route.route in ACTIONS[name].routes for name in route.chain), route.route
        assert set(route.optional) <= set(route.chain)


@pytest.mark.django_db
def test_an_undeclared_action_is_not_found(chief):
    case = Case(case_no="X")
    with pytest.raises(ServiceError) as refused:
        services.case_act(case=case, actor=chief, action="approve_everything")
    assert refused.value.code == "action_not_found"
