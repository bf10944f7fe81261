"""The calendar's answers: the 2026 notice, provisional years, notices turning them firm, case clocks."""

import datetime

import pytest

from onewindow.workdays import services
from onewindow.workdays.services import (
    CountAnswer,
    DateAnswer,
    add_working_days,
    clock_due,
    count_working_days,
    deadline_for,
    is_provisional,
    is_working_day,
    working_days_in,
    working_days_used,
)

D = datetime.date
pytestmark = pytest.mark.django_db

NOTICE_2027 = """
# 国务院办公厅关于2027年部分节假日安排的通知 (test data)
year 2027
2027-01-01..2027-01-03 holiday 元旦
2027-02-06..2027-02-12 holiday 春节
2027-02-14 workday 春节调休
2027-02-20 workday 春节调休
"""


@pytest.mark.parametrize("day,working", [
    (D(2026, 1, 1), False), (D(2026, 1, 3), False), (D(2026, 1, 4), True),
    (D(2026, 2, 14), True), (D(2026, 2, 15), False), (D(2026, 2, 23), False), (D(2026, 2, 24), True),
    (D(2026, 2, 28), True), (D(2026, 9, 20), True), (D(2026, 10, 1), False), (D(2026, 10, 7), False),
    (D(2026, 10, 8), True), (D(2026, 10, 10), True), (D(2026, 10, 11), False), (D(2026, 5, 9), True),
    (D(2026, 3, 2), True), (D(2026, 3, 7), False),
])
def test_2026_notice(day, working):
    assert is_working_day(day) is working
    assert not is_provisional(day)


def test_spring_festival_2026_counts():
    # 2/14 (Sat) works, 2/15-23 off: the working day after Friday 2/13 is Saturday 2/14, then 2/24.
    assert add_working_days(D(2026, 2, 13), 1) == DateAnswer(D(2026, 2, 14), False)
    assert add_working_days(D(2026, 2, 13), 2) == DateAnswer(D(2026, 2, 24), False)
    assert count_working_days(D(2026, 2, 14), D(2026, 2, 28)) == CountAnswer(6, False)
    assert working_days_in(D(2026, 2, 14), D(2026, 2, 28)) == [
        D(2026, 2, 14), D(2026, 2, 24), D(2026, 2, 25), D(2026, 2, 26), D(2026, 2, 27), D(2026, 2, 28)]


def test_national_day_2026():
    assert add_working_days(D(2026, 9, 30), 1) == DateAnswer(D(2026, 10, 8), False)
    # 9/20 works; 中秋 9/25-27 and 国庆 10/1-7 are off; 10/10 works.
    assert count_working_days(D(2026, 9, 19), D(2026, 10, 11)) == CountAnswer(11, False)


def test_n_zero_is_start_and_negative_is_refused():
    assert add_working_days(D(2026, 10, 3), 0) == DateAnswer(D(2026, 10, 3), False)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 10, 3), -1)


def test_limit_crossing_into_2027_is_provisional_without_exception():
    answer = add_working_days(D(2026, 12, 15), 20)
    assert answer.provisional
    assert answer.date == D(2027, 1, 13)  # weekdays after 12/31 less 元旦 (statutory holiday, provisional)
    assert not add_working_days(D(2026, 12, 1), 5).provisional
    assert is_provisional(D(2027, 1, 1)) and not is_provisional(D(2026, 12, 31))
    assert not is_working_day(D(2027, 1, 1))  # 元旦 by 全国年节及纪念日放假办法, before any notice
    assert count_working_days(D(2026, 12, 28), D(2027, 1, 8)).provisional
    # Far outside any window: still no exception.
    assert add_working_days(D(2100, 1, 1), 3) == DateAnswer(D(2100, 1, 6), True)
    assert count_working_days(D(1990, 1, 1), D(1990, 1, 7)) == CountAnswer(5, True)


def test_importing_the_2027_notice_turns_the_deadline_firm(administrator):
    before = add_working_days(D(2026, 12, 15), 20)
    assert before == DateAnswer(D(2027, 1, 13), True)
    services.notice_import(notice=services.notice_parse(NOTICE_2027), actor=administrator)
    after = add_working_days(D(2026, 12, 15), 20)
    # The notice confirms 1/1 (Fri) as a holiday: the same date, now firm.
    assert after == DateAnswer(D(2027, 1, 13), False)
    assert not is_working_day(D(2027, 2, 8)) and is_working_day(D(2027, 2, 14))


def test_deadline_for_units():
    assert deadline_for(D(2026, 9, 28), 5, "working_days") == DateAnswer(D(2026, 10, 10), False)
    # 20 calendar days from 9/11 is 10/1, a holiday: moved to the next working day.
    assert deadline_for(D(2026, 9, 11), 20, "calendar_days") == DateAnswer(D(2026, 10, 8), False)
    assert deadline_for(D(2026, 9, 11), 19, "calendar_days") == DateAnswer(D(2026, 9, 30), False)
    assert deadline_for(D(2026, 10, 3), 0, "on_the_spot") == DateAnswer(D(2026, 10, 3), False)
    with pytest.raises(ValueError):
        deadline_for(D(2026, 10, 3), 1, "fortnights")


def test_clock_with_pauses_and_extension():
    start = D(2026, 3, 2)  # Monday; the clock starts Tuesday 3/3
    assert clock_due(start=start, limit=5, unit="working_days") == DateAnswer(D(2026, 3, 9), False)
    # A 补正 wait over Wed 3/4 - Thu 3/5: those two working days do not count.
    paused = [(D(2026, 3, 4), D(2026, 3, 5))]
    assert clock_due(start=start, limit=5, unit="working_days", paused=paused).date == D(2026, 3, 11)
    assert clock_due(start=start, limit=5, unit="working_days", paused=paused, extension=2).date == D(2026, 3, 13)
    # Overlapping and unsorted pauses merge; pauses before the start are ignored.
    paused = [(D(2026, 3, 5), D(2026, 3, 6)), (D(2026, 2, 1), D(2026, 2, 3)), (D(2026, 3, 4), D(2026, 3, 5))]
    assert clock_due(start=start, limit=5, unit="working_days", paused=paused).date == D(2026, 3, 12)
    # An open pause is treated as resuming today.
    open_pause = [(D(2026, 3, 4), None)]
    assert clock_due(start=start, limit=5, unit="working_days", paused=open_pause,
                     today=D(2026, 3, 5)).date == D(2026, 3, 11)
    assert clock_due(start=start, limit=5, unit="working_days", paused=open_pause,
                     today=D(2026, 3, 10)).date == D(2026, 3, 14 + 2)
    # 即办 is due the day of acceptance.
    assert clock_due(start=start, limit=0, unit="on_the_spot").date == start


def test_clock_calendar_days_with_pause():
    start = D(2026, 3, 2)
    assert clock_due(start=start, limit=10, unit="calendar_days").date == D(2026, 3, 12)
    paused = [(D(2026, 3, 4), D(2026, 3, 6))]  # three calendar days stopped
    assert clock_due(start=start, limit=10, unit="calendar_days", paused=paused).date == D(2026, 3, 16)


def test_working_days_used():
    start = D(2026, 3, 2)
    assert working_days_used(start=start, today=start) == 0
    assert working_days_used(start=start, today=D(2026, 3, 9)) == 5
    paused = [(D(2026, 3, 4), D(2026, 3, 5))]
    assert working_days_used(start=start, today=D(2026, 3, 9), paused=paused) == 3
    assert working_days_used(start=start, today=D(2026, 3, 4), paused=[(D(2026, 3, 4), None)]) == 1


@pytest.mark.parametrize(("day", "name"), [
    (D(2027, 1, 1), "元旦"), (D(2027, 2, 5), "春节"), (D(2027, 2, 8), "春节"), (D(2027, 4, 5), "清明节"),
    (D(2027, 5, 1), "劳动节"), (D(2027, 5, 2), "劳动节"), (D(2027, 6, 9), "端午节"), (D(2027, 9, 15), "中秋节"),
    (D(2027, 10, 3), "国庆节"), (D(2028, 1, 25), "春节"), (D(2028, 5, 28), "端午节"),
])
def test_provisional_year_has_the_statutory_holidays(day, name):
    """全国年节及纪念日放假办法 (2024 revision, State Council Decree No. 795) Art. 2: 元旦 1 day; 春节 4 days
    (农历除夕、正月初一至初三); 清明 1 day; 劳动节 2 days (5/1, 5/2); 端午 1 day; 中秋 1 day; 国庆 3 days
    (10/1-10/3). In a year without the State Council's notice these days are off, provisionally."""
    from onewindow.workdays.calendar import statutory_holidays

    assert statutory_holidays(day.year)[day] == name
    assert is_provisional(day)
    if day.weekday() < 5:
        assert not is_working_day(day)


def test_provisional_year_guesses_no_make_up_days():
    """The make-up working days (调休) are set by each year's notice: a provisional Saturday stays off, and
    the day after the statutory 春节 is an ordinary working day."""
    from onewindow.workdays.calendar import statutory_holidays

    assert len(statutory_holidays(2027)) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3 days off
    assert not is_working_day(D(2027, 2, 6)) and is_working_day(D(2027, 2, 9))
    # A deadline can no longer fall on the Spring Festival: 3 working days after 2/3 skip 2/5-2/8.
    assert add_working_days(D(2027, 2, 3), 3) == DateAnswer(D(2027, 2, 10), True)
