"""The queue: the database selects, lights, counts and pages what the Python rules would."""

import datetime
import itertools

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onewindow.accounts.models import AuthorityGrant, Role
from onewindow.cases import selectors, services
from onewindow.cases.models import OPEN_STATES, Case, CaseState
from onewindow.catalog.models import LimitUnit, Route

from .conftest import TODAY
from .factories import PERSON_ID, make_case, make_item

_numbers = itertools.count(1)
LIMITS = [(0, LimitUnit.ON_THE_SPOT), (5, LimitUnit.WORKING_DAYS), (20, LimitUnit.WORKING_DAYS),
          (30, LimitUnit.CALENDAR_DAYS)]


def bare_case(item, **fields) -> Case:
    return Case(case_no=f"T{next(_numbers):08d}", item=item, item_version=item.current_version,
                applicant_kind="person", applicant_name="张三", id_type="resident_id", id_number=PERSON_ID,
                contact_name="张三", contact_mobile="13900001111", **fields)


# Every route, with and without 容缺 (each limit below is used at least once).
ITEM_KINDS = list(itertools.product(Route.values, (True, False)))


@pytest.fixture
def items(db):
    """Every combination the guards look at: route, 容缺 allowed, and the limits lights depend on."""
    return [make_item(route=route, allows_deficiency=deficiency, promised=limit)
            for (route, deficiency), limit in zip(ITEM_KINDS, itertools.cycle(LIMITS))]


case_specs = st.lists(st.fixed_dictionaries({
    "item": st.integers(0, len(ITEM_KINDS) - 1), "state": st.sampled_from(CaseState.values), "deficiency_pending": st.booleans(),
    "extension_days": st.sampled_from([0, 4, 10]), "own": st.booleans(),
    "due": st.one_of(st.none(), st.integers(-5, 40)),
}), max_size=25)
grant_specs = st.sets(st.tuples(st.integers(0, len(ITEM_KINDS) - 1), st.sampled_from(AuthorityGrant.Action.values),
                                st.sampled_from([Role.CLERK, Role.REVIEWER, Role.DECISION_MAKER])), max_size=12)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=case_specs, grant_rows=grant_specs)
def test_todo_is_exactly_what_the_rules_allow(items, make_staff, specs, grant_rows):
    user = make_staff("worker", Role.CLERK, Role.REVIEWER)  # holds two of the three roles granted below
    with transaction.atomic():
        AuthorityGrant.objects.all().delete()  # the items' default authority list
        AuthorityGrant.objects.bulk_create([AuthorityGrant(item=items[i], action=a, role=r) for i, a, r in grant_rows])
        Case.objects.bulk_create([bare_case(
            items[s["item"]], state=s["state"], deficiency_pending=s["deficiency_pending"],
            extension_days=s["extension_days"], owner=user if s["own"] else None,
            promised_due=None if s["due"] is None else TODAY + datetime.timedelta(days=s["due"])) for s in specs])
        queue = selectors.case_queue(user, selectors.QueueFilters(), today=TODAY, per_page=100)

        # The rules as the case page applies them, case by case.
        grants = {}
        for item_id, action in AuthorityGrant.objects.filter(role__in=[Role.CLERK, Role.REVIEWER]).values_list(
                "item_id", "action"):
            grants.setdefault(item_id, set()).add(action)
        expected = {case.pk for case in Case.objects.filter(state__in=OPEN_STATES).select_related("item_version")
                    if case.item_id in grants and selectors.allowed_actions(case, user, grants[case.item_id],
                                                                            art32=False)}
        assert {case.pk for case in queue.rows} == expected
        assert queue.total == len(expected)
        for case in queue.rows:
            assert case.light == selectors.case_light(case, TODAY)
        transaction.set_rollback(True)


@pytest.mark.parametrize("limit", LIMITS)
def test_lights_in_sql_match_case_light(db, clerk, limit):
    item = make_item(promised=limit)
    Case.objects.bulk_create([bare_case(item, state=CaseState.ACCEPTED, promised_due=TODAY + datetime.timedelta(days=d))
                              for d in range(-3, 45)])
    light = selectors.light_expression(TODAY, selectors.yellow_cutoffs(TODAY))
    cases = Case.objects.select_related("item_version").annotate(light=light)
    assert [c.light for c in cases] == [selectors.case_light(c, TODAY) for c in cases]
    lights = {c.light for c in cases}
    assert {"red", "green"} <= lights


def test_counts_filter_and_pages(db, clerk, today):
    item = make_item(promised=(5, LimitUnit.WORKING_DAYS))
    Case.objects.bulk_create([bare_case(item, state=CaseState.SUBMITTED, promised_due=TODAY + datetime.timedelta(days=d))
                              for d in range(-10, 50)])
    everything = selectors.case_queue(clerk, selectors.QueueFilters(), today=TODAY, per_page=25)
    assert everything.total == 60 and everything.pages == 3 and len(everything.rows) == 25
    assert sum(everything.counts.values()) == 60 and everything.counts["red"] == 10
    last = selectors.case_queue(clerk, selectors.QueueFilters(), today=TODAY, page=3, per_page=25)
    assert len(last.rows) == 10 and last.rows[-1].promised_due == TODAY + datetime.timedelta(days=49)
    for light in ("red", "yellow", "green"):
        lit = selectors.case_queue(clerk, selectors.QueueFilters(light=light), today=TODAY, per_page=100)
        assert lit.total == everything.counts[light] == len(lit.rows) and {c.light for c in lit.rows} == {light}
    dues = [c.promised_due for c in everything.rows]
    assert dues == sorted(dues)  # soonest due first


def test_done_total_is_capped(db, clerk, today, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 4)
    item = make_item()
    Case.objects.bulk_create([bare_case(item, state=CaseState.COMPLETED, filed_by=clerk) for _ in range(7)])
    first = selectors.case_queue(clerk, selectors.QueueFilters(tab="done"), per_page=2)
    assert (first.total, first.capped, first.pages) == (4, True, 3)
    last = selectors.case_queue(clerk, selectors.QueueFilters(tab="done"), page=4, per_page=2)
    assert (last.total, last.capped, len(last.rows)) == (7, False, 1)


def test_done_holds_what_i_handled_or_filed(db, clerk, chief, today):
    item = make_item()
    handled = services.case_accept(case=make_case(item, chief), actor=clerk)
    filed = make_case(item, clerk)
    make_case(item, chief)  # someone else's
    done = selectors.case_queue(clerk, selectors.QueueFilters(tab="done"))
    assert {c.pk for c in done.rows} == {handled.pk, filed.pk} and done.total == 2


def test_search_by_number_and_id_number(db, clerk, today):
    item = make_item()
    mine = make_case(item, clerk, kind="person", name="张三", id_type="resident_id", id_number=PERSON_ID)
    other = make_case(item, clerk)
    for term in (mine.case_no, PERSON_ID, "张三"):
        found = selectors.case_queue(clerk, selectors.QueueFilters(q=term))
        assert mine in found.rows and other not in found.rows, term


def test_page_links_keep_the_filters(login, clerk, today):
    item = make_item()
    Case.objects.bulk_create([bare_case(item, state=CaseState.SUBMITTED) for _ in range(selectors.PAGE_SIZE + 1)])
    html = login(clerk).get(reverse("cases:queue"), {"channel": "window", "page": 2}).content.decode()
    assert 'rel="prev"' in html and "channel=window&amp;page=1" in html and 'rel="next"' not in html


def test_done_is_the_same_for_few_and_many_handled(db, clerk, chief, today, monkeypatch):
    item = make_item()
    filed = Case.objects.bulk_create([bare_case(item, state=CaseState.COMPLETED, filed_by=clerk) for _ in range(3)])
    handled = services.case_accept(case=make_case(item, chief), actor=clerk)
    make_case(item, chief)  # neither
    few = selectors.case_queue(clerk, selectors.QueueFilters(tab="done"))
    monkeypatch.setattr(selectors, "FEW_HANDLED", 1)
    many = selectors.case_queue(clerk, selectors.QueueFilters(tab="done"))
    assert [c.pk for c in few.rows] == [c.pk for c in many.rows]
    assert {c.pk for c in few.rows} == {c.pk for c in filed} | {handled.pk}


def test_the_workbench_pages_cost_the_same_queries_at_any_size(login, clerk, chief, today):
    """`make bench`'s workbench pages (待办 of a clerk and a chief, 已办, search by case number, the case
    page) read a fixed number of queries: more cases, open or handled, add none."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    item = make_item()
    case = services.case_accept(case=make_case(item, chief), actor=chief)
    pages = [(clerk, reverse("cases:queue"), {}), (chief, reverse("cases:queue"), {}),
             (chief, reverse("cases:queue"), {"tab": "done"}), (chief, reverse("cases:queue"), {"q": case.case_no}),
             (chief, reverse("cases:case", args=[case.case_no]), {})]
    clients = {user: login(user) for user in (clerk, chief)}

    def counts() -> list[int]:
        result = []
        for user, url, params in pages:
            with CaptureQueriesContext(connection) as captured:
                assert clients[user].get(url, params).status_code == 200
            result.append(len(captured))
        return result

    few = counts()
    Case.objects.bulk_create([bare_case(item, state=state, filed_by=chief, promised_due=TODAY + datetime.timedelta(days=d))
                              for d in range(-5, 30) for state in (CaseState.SUBMITTED, CaseState.ACCEPTED,
                                                                    CaseState.COMPLETED)])
    assert counts() == few
    budgets = [10, 10, 12, 11, 15]  # 待办 clerk, 待办 chief, 已办, search, case page
    assert all(n <= budget for n, budget in zip(few, budgets, strict=True)), few
