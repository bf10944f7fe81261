import datetime
import threading
import zoneinfo

import pytest
from django.utils import timezone

from onewindow.core import clock

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MOMENT = datetime.datetime(2020, 5, 6, 23, 30, tzinfo=SHANGHAI)


def test_outside_frozen_at_the_clock_is_the_real_time():
    before = timezone.now()
    assert before <= clock.now() <= timezone.now()


def test_frozen_at_answers_the_moment_then_moves_only_when_told():
    with clock.frozen_at(MOMENT) as frozen:
        assert clock.now() == MOMENT
        assert clock.today() == datetime.date(2020, 5, 6)  # the local date, not UTC's (15:30 on the 6th)
        frozen.advance(datetime.timedelta(hours=1))
        assert clock.now() == MOMENT + datetime.timedelta(hours=1)
        assert clock.today() == datetime.date(2020, 5, 7)
        frozen.set(MOMENT)
        assert frozen.now() == MOMENT
    assert clock.now() != MOMENT


def test_frozen_at_nests_and_restores_the_outer_clock_even_after_an_error():
    later = MOMENT + datetime.timedelta(days=1)
    with clock.frozen_at(MOMENT):
        with pytest.raises(RuntimeError), clock.frozen_at(later):
            assert clock.now() == later
            raise RuntimeError
        assert clock.now() == MOMENT


def test_a_frozen_clock_is_this_thread_s_only():
    seen = []
    with clock.frozen_at(MOMENT):
        thread = threading.Thread(target=lambda: seen.append(clock.now()))
        thread.start()
        thread.join()
    assert seen and seen[0] != MOMENT


def test_naive_moments_are_refused():
    with pytest.raises(ValueError), clock.frozen_at(datetime.datetime(2020, 5, 6, 9)):
        pass
    with clock.frozen_at(MOMENT) as frozen, pytest.raises(ValueError):
        frozen.set(datetime.datetime(2020, 5, 6, 9))
