"""Hypothesis properties over random dates and counts, across package years, 2027+ and the window edges."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onewindow.workdays import services
from onewindow.workdays.services import add_working_days, count_working_days, is_working_day

pytestmark = pytest.mark.django_db

days = st.dates(min_value=datetime.date(1998, 1, 1), max_value=datetime.date(2034, 12, 31))
counts = st.integers(min_value=0, max_value=400)
quick = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ONE = datetime.timedelta(days=1)


@quick
@given(start=days, n=st.integers(min_value=1, max_value=400))
def test_add_and_count_agree(start, n):
    due = add_working_days(start, n)
    assert is_working_day(due.date)
    assert count_working_days(start + ONE, due.date).days == n
    assert count_working_days(start + ONE, due.date - ONE).days == n - 1
    assert due.provisional == count_working_days(start + ONE, due.date).provisional


@quick
@given(start=days, n=counts, m=counts)
def test_monotonic_in_n(start, n, m):
    low, high = sorted((n, m))
    assert add_working_days(start, low).date <= add_working_days(start, high).date


@quick
@given(a=days, b=days, n=counts)
def test_monotonic_in_start(a, b, n):
    early, late = sorted((a, b))
    assert add_working_days(early, n).date <= add_working_days(late, n).date


@quick
@given(first=days, span=st.integers(min_value=-3, max_value=800))
def test_count_matches_listing(first, span):
    last = first + datetime.timedelta(days=span)
    listed = services.working_days_in(first, last)
    assert count_working_days(first, last).days == len(listed)
    assert all(is_working_day(d) for d in listed)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=st.dates(min_value=datetime.date(2004, 1, 1), max_value=datetime.date(2030, 12, 31)),
       working=st.booleans(), n=st.integers(min_value=1, max_value=30))
def test_overrides_win_over_the_package(administrator, day, working, n):
    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        services.override_set(day=day, is_working=working, note="测试", actor=administrator)
        assert is_working_day(day) is working
        due = add_working_days(day - ONE, 1)
        assert (due.date == day) is working
        assert count_working_days(day + ONE, add_working_days(day, n).date).days == n
        raise Rollback
    # Rolled back: the package (or Monday to Friday) decides again.
    assert is_working_day(day) is services.calendar.day_status(day, {}, frozenset())[0]


pauses = st.lists(st.tuples(st.integers(min_value=-5, max_value=120), st.integers(min_value=0, max_value=30)),
                  max_size=4)


@quick
@given(start=days, limit=st.integers(min_value=0, max_value=60), extension=st.integers(min_value=0, max_value=15),
       spans=pauses)
def test_clock_due_and_days_used_agree(start, limit, extension, spans):
    paused = [(start + datetime.timedelta(days=a), start + datetime.timedelta(days=a + length))
              for a, length in spans]
    due = services.clock_due(start=start, limit=limit, unit="working_days", paused=paused, extension=extension)
    assert services.working_days_used(start=start, today=due.date, paused=paused) == limit + extension
    if limit + extension:
        assert is_working_day(due.date)
        assert not any(a <= due.date <= b for a, b in paused)
        assert services.working_days_used(start=start, today=due.date - ONE, paused=paused) == limit + extension - 1
    plain = add_working_days(start, limit + extension)
    assert due.date >= plain.date
