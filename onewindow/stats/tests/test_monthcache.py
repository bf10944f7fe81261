"""Whole past months come from the cache; any change in a month makes it be computed again."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.stats import monthcache
from onewindow.stats.models import DailyFigure
from onewindow.stats.selectors import figures
from onewindow.stats.services import rollup_days

pytestmark = pytest.mark.django_db

MARCH, APRIL = datetime.date(2026, 3, 10), datetime.date(2026, 4, 20)


def _received(day, n):
    DailyFigure.objects.create(day=day, measure="received", n=n)


def _period():
    return figures(date_from=datetime.date(2026, 3, 1), date_to=datetime.date(2026, 4, 30), by="month")


def test_past_months_are_read_from_the_cache_and_add_up():
    _received(MARCH, 3)
    _received(APRIL, 4)
    first = _period()
    assert first.total.received == 7 and [row.received for row in first.rows] == [3, 4]
    with CaptureQueriesContext(connection) as queries:
        again = _period()
    assert not [q for q in queries.captured_queries if "stats_dailyfigure" in q["sql"]]
    assert again.total.received == 7


def test_a_change_in_a_month_recomputes_that_month():
    _received(MARCH, 3)
    _period()
    DailyFigure.objects.create(day=MARCH, measure="received", n=5, channel="pc")  # written behind the cache …
    assert _period().total.received == 3
    monthcache.days_changed([MARCH])  # … and what rollup_days, ratings and complaints do on every change
    assert _period().total.received == 8


def test_rollup_and_records_replace_the_generation_of_their_months():
    march, april = datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)

    def keys():
        return monthcache.entry_keys([march, april], None)

    before = keys()
    rollup_days({MARCH})
    after = keys()
    assert after[march] != before[march] and after[april] == before[april]
    rollup_days(None)  # a full rebuild: every month
    assert keys()[april] != after[april]


def test_partial_months_and_the_current_month_are_never_cached():
    today = datetime.date.today()
    _received(today, 2)
    figures(date_from=today.replace(day=1), date_to=today)
    DailyFigure.objects.filter(day=today).update(n=9)
    assert figures(date_from=today.replace(day=1), date_to=today).total.received == 9
