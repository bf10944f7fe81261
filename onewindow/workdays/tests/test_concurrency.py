"""Concurrent calendar writes queue on the CalendarState lock and leave a consistent ordinal table."""

import datetime
import threading

import pytest
from django.db import connection

from onewindow.workdays import services
from onewindow.workdays.models import WorkdayOrdinal, WorkdayOverride


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
    working = list(WorkdayOrdinal.objects.filter(is_working=True).order_by("date").values_list("ordinal", flat=True))
    assert working == list(range(1, len(working) + 1))
    assert not any(services.is_working_day(day) for day in days)
