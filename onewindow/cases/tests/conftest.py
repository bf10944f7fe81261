import datetime
import zoneinfo

import pytest

TODAY = datetime.date(2026, 3, 25)  # the article's example: a Wednesday
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


class Today:
    """The date the test runs on: time-machine puts the whole process at 09:00 (Asia/Shanghai) that day,
    time running on from there; the services read it through `core.clock`."""

    def __init__(self, traveller):
        self._traveller = traveller

    def set(self, day: datetime.date):
        self.value = day
        self._traveller.move_to(datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=SHANGHAI))


@pytest.fixture
def today(time_machine):
    """Pin today (default `TODAY`); `today.set(date)` moves it."""
    pinned = Today(time_machine)
    pinned.set(TODAY)
    return pinned


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
