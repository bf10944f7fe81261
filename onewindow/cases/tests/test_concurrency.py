"""Two clerks at once (PostgreSQL row locks): exactly one wins, numbers stay unique."""

import threading

import pytest
from django.db import connection

from onewindow.cases import services
from onewindow.cases.models import Case, CaseState
from onewindow.core.errors import Conflict

from .factories import make_case, make_item


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
