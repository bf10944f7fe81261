"""Calendar writes: overrides, notices and the change signal."""

import datetime

import pytest
from django.utils import translation

from onewindow.audit.models import AuditEvent
from onewindow.core.errors import ValidationFailed
from onewindow.workdays import calendar, services
from onewindow.workdays.models import CalendarState, NoticeYear, WorkdayOverride
from onewindow.workdays.signals import calendar_changed

from .test_calendar import NOTICE_2027

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    calls = []

    def receiver(sender, first, last, **kwargs):
        calls.append((first, last))

    calendar_changed.connect(receiver)
    yield calls
    calendar_changed.disconnect(receiver)


def test_override_set_and_delete_are_audited_and_signalled(administrator, received,
                                                            django_capture_on_commit_callbacks):
    day = D(2026, 6, 1)  # a Monday
    with django_capture_on_commit_callbacks(execute=True):
        services.override_set(day=day, is_working=False, note="停电", actor=administrator)
    assert not services.is_working_day(day)
    assert received == [(day, day)]
    event = AuditEvent.objects.get(action="workdays.override_set")
    assert event.actor == administrator and event.changes["is_working"] == [None, False]
    with django_capture_on_commit_callbacks(execute=True):
        services.override_delete(day=day, actor=administrator)
    assert services.is_working_day(day)
    assert AuditEvent.objects.filter(action="workdays.override_deleted").count() == 1
    with pytest.raises(ValidationFailed):
        services.override_delete(day=day, actor=administrator)


def test_signal_waits_for_commit(administrator, received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        services.override_set(day=D(2026, 6, 1), is_working=False, actor=administrator)
        assert received == []
    assert callbacks


def test_notice_parse_errors_name_the_line():
    cases = {
        "2027-01-01 holiday 元旦": "year",
        "year 2027\nyear 2028\n2027-01-01 holiday": "Line 2",
        "year 2027\n2027-13-01 holiday 元旦": "Line 2",
        "year 2027\n2027-01-03..2027-01-01 holiday": "Line 2",
        "year 2027\n2027-01-01 vacation": "Line 2",
        "year 2027\n2027-01-01..2027-01-03 holiday\n\n2027-01-02 workday": "Line 4",
        "year 2027\nhello": "Line 2",
        "year 2027\n2030-01-01 holiday": "Line 2",
        "year 2027\n# nothing": "no holidays",
    }
    for text, expected in cases.items():
        with translation.override("en"):
            with pytest.raises(ValidationFailed) as info:
                services.notice_parse(text)
            assert expected in str(info.value.message), text
        assert info.value.code == "notice_invalid"
    with translation.override("zh-hans"), pytest.raises(ValidationFailed, match="第 2 行"):
        services.notice_parse("year 2027\nhello")


def test_notice_parse_accepts_chinese_keywords_and_comments():
    notice = services.notice_parse("# 通知\nyear 2027\n2027-01-01 .. 2027-01-02 休 元旦\n2027-02-14 班\n")
    assert notice.year == 2027
    assert notice.days() == {D(2027, 1, 1): (False, "元旦"), D(2027, 1, 2): (False, "元旦"),
                             D(2027, 2, 14): (True, "")}


def test_notice_diff_and_import(administrator, received, django_capture_on_commit_callbacks):
    services.override_set(day=D(2027, 3, 1), is_working=False, note="guess", actor=administrator)
    notice = services.notice_parse(NOTICE_2027)
    diff = services.notice_diff(notice)
    assert diff.confirms_year
    assert diff.overrides_removed == (D(2027, 3, 1),)
    changed = {c.date: (c.was_working, c.is_working) for c in diff.changes}
    assert D(2027, 1, 1) not in changed  # already off: the statutory 元旦 of the provisional year
    assert changed[D(2027, 2, 9)] == (True, False)
    assert changed[D(2027, 2, 5)] == (False, True)  # the provisional 除夕; this (test) notice makes it a working day
    assert changed[D(2027, 2, 14)] == (False, True)
    assert changed[D(2027, 3, 1)] == (False, True)
    assert D(2027, 1, 2) not in changed  # a Saturday stays off
    with django_capture_on_commit_callbacks(execute=True):
        applied = services.notice_import(notice=notice, actor=administrator)
    assert applied == diff
    assert NoticeYear.objects.filter(year=2027).exists()
    assert not WorkdayOverride.objects.filter(date=D(2027, 3, 1)).exists()
    assert received == [(D(2027, 1, 1), D(2027, 12, 31))]
    assert not services.is_provisional(D(2027, 6, 1)) and services.is_provisional(D(2028, 6, 1))
    event = AuditEvent.objects.get(action="workdays.notice_imported")
    assert event.changes["changed_days"]["2027-02-09"] == ["working", "off"]
    # Importing the same notice again changes nothing.
    assert services.notice_import(notice=notice, actor=administrator).empty
    assert AuditEvent.objects.filter(action="workdays.notice_imported").count() == 1


def test_cache_follows_another_process(administrator):
    assert services.is_working_day(D(2026, 6, 1))
    # Another process writes an override and a new version stamp behind this process's back.
    WorkdayOverride.objects.create(date=D(2026, 6, 1), is_working=False)
    CalendarState.objects.filter(pk=1).update(version="from-another-process")
    calendar._holder.checked_at = 0  # as if RECHECK_SECONDS had passed
    assert not services.is_working_day(D(2026, 6, 1))


def test_far_dates_are_refused(administrator):
    with pytest.raises(ValidationFailed) as info:
        services.override_set(day=D(2999, 1, 1), is_working=False, actor=administrator)
    assert info.value.code == "date_out_of_range"
