"""The working-day calendar service: questions about working days, case clocks and warning lights
(pure reads of the in-memory calendar), and every write to the calendar (overrides, notice imports,
warning policies). Open deadlines follow a calendar change through `signals.calendar_changed`.

Answers never raise for an unknown year: such days follow Monday to Friday and the answer says
`provisional`.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from onewindow.audit.services import audit_log, field_changes
from onewindow.core import clock
from onewindow.core.errors import ValidationFailed

from . import calendar
from .models import CalendarState, NoticeYear, WarningKind, WarningPolicy, WorkdayOverride
from .signals import calendar_changed

ONE_DAY = datetime.timedelta(days=1)

LIMIT_WORKING_DAYS = "working_days"  # catalog.models.LimitUnit values
LIMIT_CALENDAR_DAYS = "calendar_days"
LIMIT_ON_THE_SPOT = "on_the_spot"

# Used when a policy row is missing; the data migration creates the same rows.
DEFAULT_POLICIES = {
    WarningKind.CASE: (Decimal("0.25"), 3),
    WarningKind.CORRECTION_NOTICE: (Decimal("0.00"), 2),
    WarningKind.DEFICIENCY: (Decimal("0.30"), 2),
    WarningKind.DELIVERY: (Decimal("0.30"), 3),
    WarningKind.RECTIFICATION: (Decimal("0.30"), 2),
}


@dataclass(frozen=True)
class DateAnswer:
    date: datetime.date
    provisional: bool


@dataclass(frozen=True)
class CountAnswer:
    days: int
    provisional: bool


class Light(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


# ---------------------------------------------------------------------------------------------
# Questions


def is_working_day(day: datetime.date) -> bool:
    """Overrides win over the package; years neither knows follow Monday to Friday."""
    return calendar.snapshot().is_working(day)


def is_provisional(day: datetime.date) -> bool:
    """True when the day's year is neither in the package nor entered from a notice."""
    snap = calendar.snapshot()
    return snap.provisional_through(day) > snap.provisional_through(day - ONE_DAY)


def add_working_days(start: datetime.date, n: int) -> DateAnswer:
    """The nth working day after `start` (`start` itself is not counted; n=0 gives `start`)."""
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return DateAnswer(start, False)
    snap = calendar.snapshot()
    due = snap.nth_working_after(start, n)
    return DateAnswer(due, _touched_provisional(snap, start, due))


def count_working_days(first: datetime.date, last: datetime.date) -> CountAnswer:
    """Working days in the closed range [first, last] (0 when last < first)."""
    if last < first:
        return CountAnswer(0, False)
    snap = calendar.snapshot()
    before = first - ONE_DAY
    return CountAnswer(snap.working_through(last) - snap.working_through(before),
                       _touched_provisional(snap, before, last))


def working_days_in(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    snap = calendar.snapshot()
    days = []
    day = first
    while day <= last:
        if snap.is_working(day):
            days.append(day)
        day += ONE_DAY
    return days


def deadline_for(start: datetime.date, limit: int, unit: str) -> DateAnswer:
    """The deadline of a limit given in one of `catalog.models.LimitUnit`."""
    return clock_due(start=start, limit=limit, unit=unit)


def clock_due(*, start: datetime.date, limit: int, unit: str,
              paused: Iterable[tuple[datetime.date, datetime.date | None]] = (),
              extension: int = 0, today: datetime.date | None = None) -> DateAnswer:
    """The case clock's due date.

    The clock starts the day after `start`. Each paused interval (a, b) stops it on the days a to b,
    both included; an open interval (a, None) is treated as resuming `today` (default: the local
    date), so the answer moves on each day the pause lasts. `extension` adds working days.
    Calendar-day limits end on a working day (moved forward when they land on a day off); 即办
    (`on_the_spot`) is due the day of acceptance unless extended.
    """
    if limit < 0 or extension < 0:
        raise ValueError("limit and extension must not be negative")
    snap = calendar.snapshot()
    intervals = _merge_pauses(paused, start, today)
    if unit == LIMIT_CALENDAR_DAYS:
        cur = _walk_calendar(start, limit, intervals)
        if not snap.is_working(cur):
            cur = snap.nth_working_after(cur, 1)
        due = _walk_working(snap, cur, extension, [iv for iv in intervals if iv[1] > cur])
    elif unit == LIMIT_WORKING_DAYS:
        due = _walk_working(snap, start, limit + extension, intervals)
    elif unit == LIMIT_ON_THE_SPOT:
        due = _walk_working(snap, start, extension, intervals)
    else:
        raise ValueError(f"unknown limit unit {unit!r}")
    return DateAnswer(due, _touched_provisional(snap, start, due))


def working_days_used(*, start: datetime.date, today: datetime.date,
                      paused: Iterable[tuple[datetime.date, datetime.date | None]] = ()) -> int:
    """Working days the clock has run from the day after `start` through `today`, pauses excluded."""
    if today <= start:
        return 0
    snap = calendar.snapshot()
    used = snap.working_through(today) - snap.working_through(start)
    for a, b in _merge_pauses(paused, start, today):
        if a > today:
            break
        used -= snap.working_through(min(b, today)) - snap.working_through(a - ONE_DAY)
    return used


def light_for(*, kind: str, due: datetime.date, today: datetime.date, limit_days: int) -> Light:
    """Red when overdue; yellow when fewer than the policy's working days or share of the limit remain
    (remaining = working days after today up to and including the due date)."""
    kind = WarningKind(kind)
    if today > due:
        return Light.RED
    snap = calendar.snapshot()
    share, days = snap.policies.get(kind, DEFAULT_POLICIES[kind])
    remaining = snap.working_through(due) - snap.working_through(today)
    if remaining < days or remaining < share * limit_days:
        return Light.YELLOW
    return Light.GREEN


def _touched_provisional(snap, before: datetime.date, last: datetime.date) -> bool:
    """Whether any day in (before, last] is provisional."""
    return snap.provisional_through(last) > snap.provisional_through(before)


def _merge_pauses(paused, start: datetime.date, today: datetime.date | None) -> list:
    """Closed, sorted, non-overlapping intervals after `start`; open ones end `today`."""
    today = today or clock.today()
    spans = []
    for a, b in paused:
        b = max(b if b is not None else today, a)
        a = max(a, start + ONE_DAY)
        if b >= a:
            spans.append((a, b))
    spans.sort()
    merged = []
    for a, b in spans:
        if merged and a <= merged[-1][1] + ONE_DAY:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _walk_working(snap, cur: datetime.date, need: int, intervals) -> datetime.date:
    for a, b in intervals:
        if need == 0:
            break
        available = snap.working_through(a - ONE_DAY) - snap.working_through(cur)
        if available >= need:
            break
        need -= max(available, 0)
        cur = max(cur, b)
    return snap.nth_working_after(cur, need) if need else cur


def _walk_calendar(cur: datetime.date, need: int, intervals) -> datetime.date:
    for a, b in intervals:
        available = (a - cur).days - 1
        if available >= need:
            break
        need -= max(available, 0)
        cur = max(cur, b)
    return cur + datetime.timedelta(days=need)


# ---------------------------------------------------------------------------------------------
# Writes. Each locks the CalendarState row first, so calendar changes run one at a time.


FIRST_YEAR, LAST_YEAR = 2000, 2200  # overrides and notices outside this are typos


def check_override_day(day: datetime.date) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationFailed(_("The date must fall between %(first)d and %(last)d.")
                               % {"first": FIRST_YEAR, "last": LAST_YEAR}, code="date_out_of_range")


def override_set(*, day: datetime.date, is_working: bool, note: str = "", actor) -> WorkdayOverride:
    """Record that `day` is (or is not) a working day, whatever the package says."""
    check_override_day(day)
    note = (note or "").strip()
    if len(note) > WorkdayOverride._meta.get_field("note").max_length:
        raise ValidationFailed(_("The note is too long."), code="note_too_long")
    with transaction.atomic():
        state = _lock_state()
        override = WorkdayOverride.objects.select_for_update().filter(date=day).first()
        before = _override_fields(override)
        if override is None:
            override = WorkdayOverride(date=day)
        override.is_working = is_working
        override.note = note
        override.created_by = actor if getattr(actor, "pk", None) else None
        override.save()
        audit_log(action="workdays.override_set", actor=actor, obj=override,
                  changes=field_changes(before, _override_fields(override)))
        _calendar_written(state, day, day)
    return override


def override_delete(*, day: datetime.date, actor) -> None:
    """Remove the override on `day`: the package (or Monday to Friday) decides again."""
    with transaction.atomic():
        state = _lock_state()
        override = WorkdayOverride.objects.select_for_update().filter(date=day).first()
        if override is None:
            raise ValidationFailed(_("There is no override on this date."), code="override_missing")
        audit_log(action="workdays.override_deleted", actor=actor, obj=override,
                  changes=field_changes(_override_fields(override), {}))
        override.delete()
        _calendar_written(state, day, day)


def policy_update(*, kind: str, yellow_share: Decimal, yellow_days: int, actor) -> WarningPolicy:
    """Change when deadlines of `kind` turn yellow."""
    kind = WarningKind(kind)
    yellow_share = Decimal(yellow_share)
    if not Decimal(0) <= yellow_share <= Decimal(1):
        raise ValidationFailed(_("The share must be between 0 and 1."), code="share_out_of_range")
    if not 0 <= yellow_days <= 365:
        raise ValidationFailed(_("The number of days must be between 0 and 365."), code="days_out_of_range")
    with transaction.atomic():
        state = _lock_state()
        policy = WarningPolicy.objects.select_for_update().filter(kind=kind).first()
        before = {} if policy is None else {"yellow_share": policy.yellow_share, "yellow_days": policy.yellow_days}
        policy = policy or WarningPolicy(kind=kind)
        policy.yellow_share = yellow_share
        policy.yellow_days = yellow_days
        policy.save()
        audit_log(action="workdays.policy_updated", actor=actor, obj=policy,
                  changes=field_changes(before, {"yellow_share": yellow_share, "yellow_days": yellow_days}))
        state.version = calendar.mark_written()
        state.save(update_fields=["version"])
        transaction.on_commit(calendar.write_finished)
    return policy


# ---------------------------------------------------------------------------------------------
# State Council notices


@dataclass(frozen=True)
class NoticeEntry:
    first: datetime.date
    last: datetime.date
    is_working: bool
    note: str
    line: int


@dataclass(frozen=True)
class Notice:
    year: int
    entries: tuple[NoticeEntry, ...]

    def days(self) -> dict[datetime.date, tuple[bool, str]]:
        days = {}
        for entry in self.entries:
            day = entry.first
            while day <= entry.last:
                days[day] = (entry.is_working, entry.note)
                day += ONE_DAY
        return days


@dataclass(frozen=True)
class DayChange:
    date: datetime.date
    was_working: bool
    is_working: bool
    note: str


@dataclass(frozen=True)
class NoticeDiff:
    year: int
    changes: tuple[DayChange, ...]  # days whose working status changes
    overrides_set: int  # override rows written (new or changed)
    overrides_removed: tuple[datetime.date, ...]  # overrides in the year the notice does not list
    confirms_year: bool  # the year stops being provisional

    @property
    def empty(self) -> bool:
        return not (self.changes or self.overrides_set or self.overrides_removed or self.confirms_year)


KEYWORDS = {"holiday": False, "休": False, "workday": True, "班": True}
MAX_RANGE_DAYS = 31
_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\s*\.\.\s*(\d{4}-\d{2}-\d{2}))?\s+(\S+)(?:\s+(.*))?$")


def notice_parse(text: str) -> Notice:
    """Parse the notice format (see docs/workdays.md):

        year 2027
        2027-01-01..2027-01-03 holiday 元旦
        2027-02-07 workday 春节调休
    """
    year = None
    entries = []
    seen: dict[datetime.date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.lower().startswith("year"):
            parts = line.split()
            if (year is not None or len(parts) != 2 or not parts[1].isdigit()
                    or not FIRST_YEAR + 1 <= int(parts[1]) <= LAST_YEAR - 1):
                raise _notice_error(number, _("give the year once, as “year 2027”."))
            year = int(parts[1])
            continue
        match = _LINE.match(line)
        if not match:
            raise _notice_error(number, _("expected “DATE[..DATE] holiday|workday NOTE”."))
        first_text, last_text, keyword, note = match.groups()
        try:
            first = datetime.date.fromisoformat(first_text)
            last = datetime.date.fromisoformat(last_text) if last_text else first
        except ValueError:
            raise _notice_error(number, _("not a valid date.")) from None
        if keyword.lower() not in KEYWORDS:
            raise _notice_error(number, _("the kind must be “holiday” or “workday”."))
        if last < first or (last - first).days >= MAX_RANGE_DAYS:
            raise _notice_error(number, _("the range must run forward and span at most 31 days."))
        note = (note or "").strip()
        if len(note) > WorkdayOverride._meta.get_field("note").max_length:
            raise _notice_error(number, _("the note is too long."))
        day = first
        while day <= last:
            if day in seen:
                raise _notice_error(number, _("this date is already listed on line %(other)d.") % {"other": seen[day]})
            seen[day] = number
            day += ONE_DAY
        entries.append(NoticeEntry(first, last, KEYWORDS[keyword.lower()], note, number))
    if year is None:
        raise ValidationFailed(_("The notice does not say which year it is for (“year 2027”)."),
                               code="notice_invalid", details={"line": None})
    if not entries:
        raise ValidationFailed(_("The notice lists no holidays or working days."),
                               code="notice_invalid", details={"line": None})
    for entry in entries:
        if abs(entry.first.year - year) > 1 or abs(entry.last.year - year) > 1:
            raise _notice_error(entry.line, _("the date is too far from the notice's year."))
    return Notice(year, tuple(entries))


def _notice_error(line: int, reason) -> ValidationFailed:
    return ValidationFailed(_("Line %(line)d: %(reason)s") % {"line": line, "reason": reason},
                            code="notice_invalid", details={"line": line})


def year_notice(year: int) -> tuple[Notice, bool]:
    """The year's holidays and make-up days in notice form (what `workdays show` prints), and whether
    the year is provisional. A holiday is a run of days off holding at least one Monday-to-Friday day;
    a make-up day is a working Saturday or Sunday."""
    snap = calendar.snapshot()
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    entries = []
    day = first
    while day <= last:
        if snap.is_working(day):
            if day.weekday() > 4:
                entries.append(NoticeEntry(day, day, True, calendar.day_note(day, snap.overrides), 0))
            day += ONE_DAY
            continue
        run_start = run_end = day
        while not snap.is_working(run_start - ONE_DAY):
            run_start -= ONE_DAY
        while not snap.is_working(run_end + ONE_DAY):
            run_end += ONE_DAY
        run = [run_start + datetime.timedelta(days=i) for i in range((run_end - run_start).days + 1)]
        weekdays_off = [d for d in run if d.weekday() < 5]
        # A break belongs to the year of its first weekday off (元旦 may start on 12/30).
        if weekdays_off and weekdays_off[0].year == year:
            note = next((n for d in run if (n := calendar.day_note(d, snap.overrides))), "")
            entries.append(NoticeEntry(run_start, run_end, False, note, 0))
        day = run_end + ONE_DAY
    return Notice(year, tuple(entries)), _touched_provisional(snap, first - ONE_DAY, last)


def notice_text(notice: Notice) -> str:
    """A notice in the import format."""
    lines = [f"year {notice.year}"]
    for entry in notice.entries:
        span = entry.first.isoformat() if entry.first == entry.last else f"{entry.first}..{entry.last}"
        lines.append(f"{span} {'workday' if entry.is_working else 'holiday'} {entry.note}".rstrip())
    return "\n".join(lines) + "\n"


def notice_diff(notice: Notice) -> NoticeDiff:
    """What importing `notice` would change, against the calendar this transaction sees."""
    snap = calendar.load(calendar.current_version())
    return _diff(snap, notice)


def _diff(snap: calendar.Snapshot, notice: Notice) -> NoticeDiff:
    wanted = notice.days()
    removed = tuple(sorted(d for d in snap.overrides if d.year == notice.year and d not in wanted))
    new_overrides = {d: v for d, v in snap.overrides.items() if d not in removed}
    new_overrides.update(wanted)
    confirmed = snap.confirmed | {notice.year}
    changes = []
    # Confirming a provisional year also drops its estimated statutory holidays the notice does not list.
    estimated = (calendar.statutory_holidays(notice.year) if notice.year not in snap.confirmed
                 and calendar.package_is_working(datetime.date(notice.year, 1, 1)) is None else {})
    for day in sorted(set(wanted) | set(removed) | set(estimated)):
        after = calendar.day_status(day, new_overrides, confirmed)[0]
        before = snap.is_working(day)
        if before != after:
            changes.append(DayChange(day, before, after, wanted.get(day, (after, ""))[1]))
    overrides_set = sum(1 for d, v in wanted.items() if snap.overrides.get(d) != v)
    confirms = (notice.year not in snap.confirmed
                and calendar.package_is_working(datetime.date(notice.year, 1, 1)) is None)
    return NoticeDiff(notice.year, tuple(changes), overrides_set, removed, confirms)


def notice_import(*, notice: Notice, actor) -> NoticeDiff:
    """Apply a notice atomically: its days become overrides, overrides elsewhere in its year go, the
    year is confirmed and `calendar_changed` goes out on commit."""
    with transaction.atomic():
        state = _lock_state()
        wanted = notice.days()
        first = min(min(wanted), datetime.date(notice.year, 1, 1))
        last = max(max(wanted), datetime.date(notice.year, 12, 31))
        existing = {o.date: o for o in WorkdayOverride.objects.select_for_update().filter(date__range=(first, last))}
        diff = _diff(calendar.load(state.version), notice)
        if diff.empty:
            return diff
        user = actor if getattr(actor, "pk", None) else None
        WorkdayOverride.objects.filter(date__in=diff.overrides_removed).delete()
        for day, (is_working, note) in wanted.items():
            override = existing.get(day)
            if override is not None and (override.is_working, override.note) == (is_working, note):
                continue
            override = override or WorkdayOverride(date=day)
            override.is_working, override.note, override.created_by = is_working, note, user
            override.save()
        NoticeYear.objects.update_or_create(year=notice.year, defaults={"created_by": user, "note": ""})
        audit_log(action="workdays.notice_imported", actor=actor, object_type="workdays.noticeyear",
                  object_id=str(notice.year), object_repr=str(notice.year), changes={
                      "changed_days": {c.date.isoformat(): ["working" if c.was_working else "off",
                                                            "working" if c.is_working else "off"]
                                       for c in diff.changes},
                      "overrides_set": diff.overrides_set,
                      "overrides_removed": [d.isoformat() for d in diff.overrides_removed],
                      "confirms_year": diff.confirms_year,
                  })
        _calendar_written(state, first, last)
    return diff


def _lock_state() -> CalendarState:
    state, _created = CalendarState.objects.select_for_update().get_or_create(pk=1, defaults={"version": ""})
    return state


def _calendar_written(state: CalendarState, first: datetime.date, last: datetime.date) -> None:
    """After a change to overrides or confirmed years: a new version, and on commit every cache dropped and
    `calendar_changed(first, last)` sent."""
    state.version = calendar.mark_written()
    state.save(update_fields=["version"])

    def announce():
        calendar.write_finished()
        calendar_changed.send(sender=WorkdayOverride, first=first, last=last)

    transaction.on_commit(announce)


def _override_fields(override: WorkdayOverride | None) -> dict:
    if override is None or override.pk is None:
        return {}
    return {"date": override.date, "is_working": override.is_working, "note": override.note}
