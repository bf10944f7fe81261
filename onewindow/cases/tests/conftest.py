import datetime

import pytest

from onewindow.cases import services

TODAY = datetime.date(2026, 3, 25)  # the article's example: a Wednesday


@pytest.fixture
def today(monkeypatch):
    """Pin the services' idea of today; `today.set(date)` moves it."""

    class Clock:
        value = TODAY

        def set(self, day):
            self.value = day

    clock = Clock()
    monkeypatch.setattr(services, "today", lambda: clock.value)
    return clock


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
