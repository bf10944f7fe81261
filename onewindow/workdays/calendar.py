"""The in-memory calendar: a snapshot of every day's status built from the `chinesecalendar` package
and the override table, with prefix counts so that "Nth working day after D" and "working days in a
range" are array lookups.

Days outside the snapshot window follow Monday to Friday and are provisional; closed forms handle
them, so no date raises. Each process keeps one snapshot and revalidates it against
`CalendarState.version` once per transaction, per request and at least every `RECHECK_SECONDS`.
"""

import datetime
import functools
import threading
import time
import uuid
from dataclasses import dataclass

from chinese_calendar.constants import holidays as PACKAGE_HOLIDAYS
from chinese_calendar.constants import workdays as PACKAGE_WORKDAYS
from django.core.signals import request_started
from django.db import connection
from django.utils import timezone
from lunar_python import Lunar

PACKAGE_FIRST_YEAR = min(PACKAGE_HOLIDAYS).year
PACKAGE_LAST_YEAR = max(PACKAGE_HOLIDAYS).year
# The package names holidays in English; notices and our data name them in Chinese.
PACKAGE_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节", "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
YEARS_AHEAD = 3  # the window reaches the end of (this year + YEARS_AHEAD)
RECHECK_SECONDS = 10


def package_is_working(day: datetime.date) -> bool | None:
    """The package's answer, or None for a year it does not know."""
    if not PACKAGE_FIRST_YEAR <= day.year <= PACKAGE_LAST_YEAR:
        return None
    return day in PACKAGE_WORKDAYS or (day.weekday() < 5 and day not in PACKAGE_HOLIDAYS)


def day_note(day: datetime.date, overrides: dict) -> str:
    """The name of the holiday or make-up day, from the override, the package or, for a year the package
    does not know, the statutory holidays."""
    if day in overrides:
        return overrides[day][1]
    name = PACKAGE_HOLIDAYS.get(day) or PACKAGE_WORKDAYS.get(day) or ""
    if not name and package_is_working(day) is None:
        return statutory_holidays(day.year).get(day, "")
    return PACKAGE_NAMES.get(name, name)


def _solar(lunar: Lunar) -> datetime.date:
    solar = lunar.getSolar()
    return datetime.date(solar.getYear(), solar.getMonth(), solar.getDay())


@functools.cache
def statutory_holidays(year: int) -> dict[datetime.date, str]:
    """The fixed holidays of 全国年节及纪念日放假办法 (2024 revision, Art. 2) in `year`: 元旦 1 day, 春节 4 days
    (除夕 through 正月初三), 清明 1 day, 劳动节 2 days (5/1-5/2), 端午 1 day, 中秋 1 day, 国庆 3 days
    (10/1-10/3); lunar dates and 清明 from lunar-python. Make-up working days (调休) are set each year by
    the State Council's notice and are not guessed."""
    one = datetime.timedelta(days=1)
    new_year = _solar(Lunar.fromYmd(year, 1, 1))  # 正月初一
    qingming = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    days = {datetime.date(year, 1, 1): "元旦",
            datetime.date(qingming.getYear(), qingming.getMonth(), qingming.getDay()): "清明节",
            datetime.date(year, 5, 1): "劳动节", datetime.date(year, 5, 2): "劳动节",
            _solar(Lunar.fromYmd(year, 5, 5)): "端午节", _solar(Lunar.fromYmd(year, 8, 15)): "中秋节",
            datetime.date(year, 10, 1): "国庆节", datetime.date(year, 10, 2): "国庆节", datetime.date(year, 10, 3): "国庆节"}
    # 除夕 is the day before 初一 (which falls between 21 January and 20 February, so all four are in `year`).
    days.update({new_year + offset * one: "春节" for offset in range(-1, 3)})
    return days


def weekday_count(first: datetime.date, last: datetime.date) -> int:
    """Monday-to-Friday days in the closed range."""
    days = (last - first).days + 1
    if days <= 0:
        return 0
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    start = (first.weekday() + weeks * 7) % 7
    return count + sum(1 for i in range(rest) if (start + i) % 7 < 5)


def add_weekdays(start: datetime.date, n: int) -> datetime.date:
    """The nth Monday-to-Friday day after `start` (n >= 1)."""
    # A weekend start has the same following weekdays as the Friday before it.
    if start.weekday() > 4:
        start -= datetime.timedelta(days=start.weekday() - 4)
    weeks, rest = divmod(n - 1, 5)
    day = start + datetime.timedelta(days=7 * weeks)
    day += datetime.timedelta(days=1)
    while day.weekday() > 4:
        day += datetime.timedelta(days=1)
    for _ in range(rest):
        day += datetime.timedelta(days=1)
        while day.weekday() > 4:
            day += datetime.timedelta(days=1)
    return day


def default_window(overrides: dict, confirmed: frozenset) -> tuple[datetime.date, datetime.date]:
    years = [PACKAGE_FIRST_YEAR, timezone.localdate().year + YEARS_AHEAD]
    years += [d.year for d in overrides] + list(confirmed)
    return datetime.date(min(years), 1, 1), datetime.date(max(years), 12, 31)


@dataclass(frozen=True)
class Snapshot:
    version: str
    first: datetime.date  # window start
    last: datetime.date  # window end
    working: bytes  # per day index
    ordinal: list  # working days from `first` through the day
    prov_count: list  # provisional days from `first` through the day
    working_dates: list  # working_dates[k - 1] is the day with ordinal k
    overrides: dict  # date -> (is_working, note)
    confirmed: frozenset  # years entered from a notice
    policies: dict  # kind -> (share, days)

    @classmethod
    def build(cls, *, version: str, overrides: dict, confirmed: frozenset, policies: dict,
              window: tuple[datetime.date, datetime.date] | None = None) -> "Snapshot":
        first, last = window or default_window(overrides, confirmed)
        size = (last - first).days + 1
        working = bytearray(size)
        ordinal = [0] * size
        prov_count = [0] * size
        working_dates = []
        n = p = 0
        day = first
        one = datetime.timedelta(days=1)
        for i in range(size):
            status = day_status(day, overrides, confirmed)
            if status[0]:
                working[i] = 1
                n += 1
                working_dates.append(day)
            if status[1]:
                p += 1
            ordinal[i] = n
            prov_count[i] = p
            day += one
        return cls(version, first, last, bytes(working), ordinal, prov_count, working_dates, overrides,
                   confirmed, policies)

    def rows(self, start: datetime.date):
        """Ordinal-table rows as dicts, from `start` to the window end."""
        for i in range(self.index(max(start, self.first)), len(self.working)):
            provisional = self.prov_count[i] > (self.prov_count[i - 1] if i else 0)
            yield {"date": self.first + datetime.timedelta(days=i), "is_working": bool(self.working[i]),
                   "ordinal": self.ordinal[i], "provisional": provisional,
                   "provisional_count": self.prov_count[i]}

    def index(self, day: datetime.date) -> int:
        return (day - self.first).days

    def is_working(self, day: datetime.date) -> bool:
        if self.first <= day <= self.last:
            return bool(self.working[self.index(day)])
        return day.weekday() < 5

    def provisional_through(self, day: datetime.date) -> int:
        """Provisional days from the window start through `day`; days before the window are all
        provisional and count negatively, so a range (a, b] touched one exactly when the counts differ."""
        if day < self.first:
            return 1 - (self.first - day).days
        if day <= self.last:
            return self.prov_count[self.index(day)]
        return self.prov_count[-1] + (day - self.last).days

    def working_through(self, day: datetime.date) -> int:
        """Working days from the window start through `day` (negative before the window)."""
        if day < self.first:
            return -weekday_count(day + datetime.timedelta(days=1), self.first - datetime.timedelta(days=1))
        if day <= self.last:
            return self.ordinal[self.index(day)]
        return self.ordinal[-1] + weekday_count(self.last + datetime.timedelta(days=1), day)

    def nth_working_after(self, start: datetime.date, n: int) -> datetime.date:
        """The nth working day after `start` (n >= 1)."""
        target = self.working_through(start) + n
        if target <= 0:
            # Still before the window: plain weekdays.
            return add_weekdays(start, n)
        if target <= len(self.working_dates):
            return self.working_dates[target - 1]
        return add_weekdays(self.last, target - len(self.working_dates))


def day_status(day: datetime.date, overrides: dict, confirmed: frozenset) -> tuple[bool, bool]:
    """(is_working, provisional) for one day from the raw sources."""
    known = package_is_working(day)
    provisional = known is None and day.year not in confirmed
    if day in overrides:
        return overrides[day][0], provisional
    if known is None:
        # A year without the State Council's notice: weekdays less the statutory holidays, provisionally.
        return day.weekday() < 5 and not (provisional and day in statutory_holidays(day.year)), provisional
    return known, provisional


class _Holder(threading.local):
    """Per-thread validation state; the snapshot itself is shared by the process."""

    scope = None  # the outermost atomic block the snapshot was validated in (None = autocommit)
    checked_at = 0.0
    written_scope = None  # an atomic block that wrote calendar rows: revalidate on every use inside it
    fresh_request = False
    private = None  # the snapshot seen inside `written_scope`, never shared with other threads


_snapshot: Snapshot | None = None
_holder = _Holder()


def _current_scope():
    return connection.atomic_blocks[0] if connection.in_atomic_block else None


def _on_request_started(**kwargs):
    _holder.fresh_request = True


request_started.connect(_on_request_started, dispatch_uid="workdays_calendar_request_started")


def sources() -> tuple[dict, frozenset, dict]:
    """Overrides, confirmed years and warning policies as this transaction sees them."""
    from .models import NoticeYear, WarningPolicy, WorkdayOverride

    overrides = {d: (w, note) for d, w, note in WorkdayOverride.objects.values_list("date", "is_working", "note")}
    confirmed = frozenset(NoticeYear.objects.values_list("year", flat=True))
    policies = {k: (s, d) for k, s, d in WarningPolicy.objects.values_list("kind", "yellow_share", "yellow_days")}
    return overrides, confirmed, policies


def load(version: str, window: tuple[datetime.date, datetime.date] | None = None) -> Snapshot:
    """A fresh snapshot from the database (what this transaction sees)."""
    overrides, confirmed, policies = sources()
    return Snapshot.build(version=version, overrides=overrides, confirmed=confirmed, policies=policies, window=window)


def current_version() -> str:
    from .models import CalendarState

    version = CalendarState.objects.filter(pk=1).values_list("version", flat=True).first()
    return version or ""


def snapshot() -> Snapshot:
    """The calendar for this process, revalidated when a transaction, a request or time has moved on."""
    global _snapshot
    scope = _current_scope()
    if scope is not None and scope is _holder.written_scope:
        version = current_version()
        if _holder.private is None or _holder.private.version != version:
            _holder.private = load(version)
        return _holder.private
    snap = _snapshot
    stale = (
        snap is None
        or _holder.fresh_request
        or scope is not _holder.scope
        or time.monotonic() - _holder.checked_at > RECHECK_SECONDS
    )
    if not stale:
        return snap
    version = current_version()
    if snap is None or snap.version != version:
        snap = load(version)
        _snapshot = snap
    _holder.scope = scope
    _holder.checked_at = time.monotonic()
    _holder.fresh_request = False
    return snap


def mark_written() -> str:
    """Called by services when they change calendar rows: returns a new version stamp and gives this
    thread a private, revalidated-on-every-use snapshot until the writing transaction is over."""
    _holder.written_scope = _current_scope()
    _holder.private = None
    return uuid.uuid4().hex


def write_finished() -> None:
    """on_commit of a calendar write: the shared snapshot is stale everywhere from now on."""
    global _snapshot
    _holder.written_scope = None
    _holder.private = None
    _snapshot = None


def forget() -> None:
    """Drop the process snapshot (tests and commands that changed rows behind the services' back)."""
    global _snapshot
    _snapshot = None
