"""Concurrent calendar writes queue on the CalendarState lock: every one of them lands."""

import datetime
import threading

import pytest
from django.db import connection

from onewindow.workdays import services
from onewindow.workdays.models import CalendarState, WorkdayOverride


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_overrides_serialise(administrator):
    days = [datetime.date(2026, 6, 1) + datetime.timedelta(days=i) for i in range(4)]
    errors = []
    barrier = threading.Barrier(len(days))

    def write(day):
        try:
            barrier.wait()
            services.override_set(day=day, is_working=False, note="并发", actor=administrator)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(day,)) for day in days]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert WorkdayOverride.objects.count() == len(days)
    assert CalendarState.objects.count() == 1
    assert not any(services.is_working_day(day) for day in days)
