"""Two clerks at once (PostgreSQL row locks): exactly one wins, numbers stay unique."""

import datetime
import threading

import pytest
from django.db import connection

from onewindow.cases import services
from onewindow.cases.models import Case, CaseState
from onewindow.core.errors import Conflict

from .factories import make_case, make_item
from .test_law import COMMITTED


def run_together(functions):
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def worker(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as exc:  # collected for the assertions
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_accept_at_once(make_staff):
    first, second = make_staff("clerk1", "clerk"), make_staff("clerk2", "clerk")
    case = make_case(make_item(), first)
    results = run_together([lambda: services.case_accept(case=Case.objects.get(pk=case.pk), actor=first),
                            lambda: services.case_accept(case=Case.objects.get(pk=case.pk), actor=second)])
    winners = [r for r in results if isinstance(r, Case)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0].status == 409 and losers[0].details["state"] == CaseState.ACCEPTED
    assert case.steps.filter(code="accept").count() == 1
    assert case.documents.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_intake_gets_distinct_numbers(make_staff):
    clerks = [make_staff(f"c{i}", "clerk") for i in range(4)]
    item = make_item()
    results = run_together([lambda c=c: make_case(item, c, complete_materials=False) for c in clerks])
    assert all(isinstance(r, Case) for r in results), results
    numbers = sorted(r.case_no for r in results)
    assert [n[-4:] for n in numbers] == ["0001", "0002", "0003", "0004"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_calendar_refresh_never_overwrites_an_extension_made_meanwhile(chief, today, monkeypatch):
    """A calendar change refreshes open due dates (on the worker) while a leader extends one of the cases
    (行政许可法 Art. 42). The refresh locks the cases it rewrites, so the extension waits and recomputes
    after it: the extended due date stands. (Unlocked, the refresh wrote back the due date it had computed
    from the case as it was before the extension.)"""
    case = services.case_accept(case=make_case(make_item(**COMMITTED), chief), actor=chief)
    assert case.statutory_due == datetime.date(2026, 4, 23)
    computed, go = threading.Event(), threading.Event()
    compute = services.deadlines_compute

    def slow_compute(c):
        compute(c)
        if threading.current_thread().name == "refresh":  # hold the refresh between its read and its write
            computed.set()
            go.wait(10)

    monkeypatch.setattr(services, "deadlines_compute", slow_compute)
    results = {}

    def run(name, function):
        try:
            results[name] = function()
        except Exception as exc:  # collected for the assertions
            results[name] = exc
        finally:
            connection.close()

    refresh = threading.Thread(name="refresh", target=run, args=("refresh", lambda: services.deadlines_refresh(
        first=datetime.date(2026, 3, 1), last=datetime.date(2026, 12, 31))))
    refresh.start()
    assert computed.wait(10)
    extend = threading.Thread(target=run, args=("extend", lambda: services.case_extend(
        case=Case.objects.get(pk=case.pk), actor=chief, days=10, reason="需实地核查，情况复杂")))
    extend.start()
    extend.join(1.0)
    assert extend.is_alive()  # the extension waits for the refresh's row lock
    go.set()
    refresh.join(30)
    extend.join(30)
    assert results["refresh"] == 1 and isinstance(results["extend"], Case), results
    case.refresh_from_db()
    assert case.extension_days == 10 and case.statutory_due == datetime.date(2026, 5, 11)
