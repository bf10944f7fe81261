"""PostgreSQL row locks: parallel kiosks never share a number; parallel "next" never shares a ticket."""

import threading

import pytest
from django.db import connection

from onewindow.core.errors import NotFound
from onewindow.hall import services
from onewindow.hall.models import Ticket

from .conftest import window

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(actions):
    barrier, outcomes, errors = threading.Barrier(len(actions)), [], []

    def run(action):
        try:
            barrier.wait()
            outcomes.append(action())
        except NotFound as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)
        finally:
            connection.close()  # threads own their connections; free them for teardown

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return outcomes


def test_parallel_kiosks_never_duplicate_a_number(business):
    numbers = _race([lambda: services.ticket_take(business=business).number for _ in range(12)])
    assert sorted(numbers) == [f"A{n:03d}" for n in range(1, 13)]
    assert Ticket.objects.values("seq").distinct().count() == 12


def test_two_clerks_pressing_next_at_once_get_different_tickets(hall, business, clerks):
    services.ticket_take(business=business)
    services.ticket_take(business=business)
    w1, w2, w3 = (window(hall, n) for n in ("1", "2", "3"))
    called = _race([lambda: services.desk_call_next(window=w1, actor=clerks[0]).pk,
                    lambda: services.desk_call_next(window=w2, actor=clerks[1]).pk,
                    lambda: services.desk_call_next(window=w3, actor=clerks[2]).pk])
    tickets = [c for c in called if c != "nobody_waiting"]
    assert len(tickets) == 2 and len(set(tickets)) == 2 and called.count("nobody_waiting") == 1, called
    assert sorted(Ticket.objects.values_list("window__number", flat=True)) != [None, None]
    assert Ticket.objects.filter(state="called").values("window").distinct().count() == 2
