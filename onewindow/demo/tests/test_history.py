import datetime
import zoneinfo

import pytest

from onewindow.cases.tests.factories import make_item
from onewindow.demo.history import history_generate
from onewindow.demo.staff import demo_people_setup

from .stamps import stamps

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db(transaction=True)  # each day's transaction commits: its on-commit work runs on the day
def test_the_history_is_stamped_on_its_own_days_by_the_frozen_clock():
    demo_people_setup()  # the chief approver at window A12
    make_item(name="社会组织印章式样备案")
    before = stamps()
    report = history_generate(since=datetime.date(2026, 3, 2), until=datetime.date(2026, 3, 4), completed=6)
    assert (report.created, report.days) == (6, 3)
    written = stamps() - before
    first, last = (datetime.datetime(2026, 3, d, tzinfo=SHANGHAI) for d in (2, 5))
    assert {
        "cases.Case.created_at",
        "cases.Case.completed_at",
        "ratings.Rating.rated_at",
        "audit.AuditEvent.at",
    } <= {name for name, _value in written}
    deadlines = {"ratings.RatingWindow.closes_at"}  # the rating window closes 15 days after completion
    outside = sorted({name for name, value in written if not first <= value < last} - deadlines)
    assert outside == []
