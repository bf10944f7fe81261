"""Calendar writes: overrides, notices, the ordinal table, the bulk SQL refresh and the change signal."""

import datetime

import pytest
from django.db import connection
from django.utils import translation

from onewindow.audit.models import AuditEvent
from onewindow.core.errors import ValidationFailed
from onewindow.workdays import calendar, services
from onewindow.workdays.models import CalendarState, NoticeYear, WorkdayOrdinal, WorkdayOverride
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


def test_ordinal_table_matches_the_service(administrator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # as if committed: the cache settles
        services.override_set(day=D(2026, 6, 1), is_working=False, actor=administrator)
        services.override_set(day=D(2026, 6, 6), is_working=True, actor=administrator)
        services.notice_import(notice=services.notice_parse(NOTICE_2027), actor=administrator)
        services.override_delete(day=D(2026, 6, 6), actor=administrator)
    state = CalendarState.objects.get(pk=1)
    rows = list(WorkdayOrdinal.objects.filter(date__range=(D(2025, 12, 1), D(2027, 12, 31))))
    assert rows[0].date == D(2025, 12, 1) and len(rows) == (D(2027, 12, 31) - D(2025, 12, 1)).days + 1
    by_ordinal = {r.ordinal: r.date for r in rows if r.is_working}
    for row in rows:
        assert row.is_working == services.is_working_day(row.date)
        assert row.provisional == services.is_provisional(row.date)
    for row in rows[:400]:
        due = services.add_working_days(row.date, 15).date
        assert by_ordinal[row.ordinal + 15] == due
    assert WorkdayOrdinal.objects.count() == (state.ordinals_through - state.ordinals_from).days + 1
    assert not WorkdayOrdinal.objects.get(date=D(2027, 1, 1)).is_working
    assert WorkdayOrdinal.objects.get(date=D(2028, 1, 3)).provisional
    # Incremental updates leave exactly what a full rebuild writes.
    incremental = list(WorkdayOrdinal.objects.order_by("date").values_list(
        "date", "is_working", "ordinal", "provisional", "provisional_count"))
    services.ordinals_rebuild()
    assert incremental == list(WorkdayOrdinal.objects.order_by("date").values_list(
        "date", "is_working", "ordinal", "provisional", "provisional_count"))


def test_ordinals_rebuild_and_extend():
    assert services.ordinals_rebuild() > 365 * 20
    through = CalendarState.objects.get(pk=1).ordinals_through
    services.ordinals_ensure(through=through + datetime.timedelta(days=400))
    state = CalendarState.objects.get(pk=1)
    assert state.ordinals_through == through + datetime.timedelta(days=400)
    last = WorkdayOrdinal.objects.get(date=state.ordinals_through)
    assert last.ordinal == WorkdayOrdinal.objects.filter(is_working=True).count()


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


def test_recompute_due_dates_in_one_update(administrator, django_assert_max_num_queries):
    services.notice_import(notice=services.notice_parse(NOTICE_2027), actor=administrator)
    rows = [(1, D(2026, 9, 28), 5), (2, D(2026, 12, 15), 20), (3, D(2026, 10, 3), 0), (4, D(2027, 11, 20), 40),
            (5, D(2026, 2, 13), 2), (6, None, 5), (7, D(2026, 1, 5), 1)]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE wd_scratch (id integer PRIMARY KEY, start date, days integer, "
                       "due date, prov boolean, open boolean)")
        for pk, start, days in rows:
            cursor.execute("INSERT INTO wd_scratch VALUES (%s, %s, %s, NULL, NULL, %s)", [pk, start, days, pk != 7])
    def recompute():
        return services.recompute_due_dates(table="wd_scratch", pk="id", start_col="start", days_col="days",
                                            due_col="due", provisional_col="prov", where="open = %s",
                                            params=[True])

    with django_assert_max_num_queries(3):  # window check, ordinal window lookup, the UPDATE
        assert recompute() == 5  # row 6 (no start) already holds NULL; row 7 is not open
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, due, prov FROM wd_scratch ORDER BY id")
        result = {pk: (_date(due), prov) for pk, due, prov in cursor.fetchall()}
    for pk, start, days in rows[:5]:
        answer = services.add_working_days(start, days)
        assert result[pk] == (answer.date, answer.provisional), pk
    assert result[4][1]  # reaches into 2028, which is provisional
    assert result[6] == (None, None)
    assert result[7] == (None, None)  # not matched by `where`
    assert recompute() == 0  # nothing changed
    services.override_set(day=D(2026, 10, 9), is_working=False, note="test", actor=administrator)
    assert recompute() == 1  # only row 1 (due 10/10) moves
    with connection.cursor() as cursor:
        cursor.execute("SELECT due FROM wd_scratch WHERE id = 1")
        assert _date(cursor.fetchone()[0]) == D(2026, 10, 12)


def test_recompute_refuses_odd_identifiers():
    with pytest.raises(ValueError):
        services.recompute_due_dates(table="cases; DROP TABLE x", pk="id", start_col="s", days_col="d",
                                     due_col="due", provisional_col=None)


def test_cache_follows_another_process(administrator):
    assert services.is_working_day(D(2026, 6, 1))
    # Another process writes an override and a new version stamp behind this process's back.
    WorkdayOverride.objects.create(date=D(2026, 6, 1), is_working=False)
    CalendarState.objects.filter(pk=1).update(version="from-another-process")
    calendar._holder.checked_at = 0  # as if RECHECK_SECONDS had passed
    assert not services.is_working_day(D(2026, 6, 1))


def _date(value):
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def test_far_dates_are_refused_and_do_not_grow_the_window(administrator, monkeypatch):
    with pytest.raises(ValidationFailed) as info:
        services.override_set(day=D(2999, 1, 1), is_working=False, actor=administrator)
    assert info.value.code == "date_out_of_range"
    monkeypatch.setattr(services, "LAST_YEAR", 2032)  # a nearer cap keeps the test fast
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE wd_far (id integer PRIMARY KEY, start date, days integer, due date)")
        cursor.execute("INSERT INTO wd_far VALUES (1, %s, 5, NULL), (2, %s, 5, NULL)", [D(9000, 1, 1), D(2026, 3, 2)])
    services.recompute_due_dates(table="wd_far", pk="id", start_col="start", days_col="days", due_col="due",
                                 provisional_col=None)
    assert CalendarState.objects.get(pk=1).ordinals_through == D(2032, 12, 31)
    with connection.cursor() as cursor:
        cursor.execute("SELECT due FROM wd_far ORDER BY id")
        assert [_date(row[0]) for row in cursor.fetchall()] == [None, D(2026, 3, 9)]
