"""The figures. `figures()` is the one source for the dashboard, the public page, the PDF report, the
Excel export and the summary API, so they always agree.

Definitions (docs/ratings-and-stats.md):
- received / accepted / completed count cases by the day they were received / accepted / completed;
  completed (办结量) excludes withdrawn applications.
- on time: completed no later than the promised due date; overdue: later.
- on the spot (现场办结): decided on the day of acceptance by a chief approver.
- handling time: working days the clock ran from acceptance to completion (special procedures excluded);
  minutes from acceptance to completion for on-site items. p90 is the nearest-rank 90th percentile.
- satisfaction rate: (非常满意 + 满意 + 基本满意) / valid ratings, where valid ratings are the applicants'
  own current ratings (not superseded by a second rating, not excluded by an upheld appeal, not default).
- bad reviews: valid ratings of 不满意 or 非常不满意; rectification rate: of the bad reviews opened in the
  period, the share with a recorded rectification.
- complaints and reports: received in the period; one about a case counts for the case's item, window and
  person.
"""

import datetime
import functools
import hashlib
import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.accounts.models import User, Window
from onewindow.catalog.models import Channel, Item, ItemType, Route
from onewindow.ratings.models import BAD_LEVELS, GOOD_LEVELS, Complaint, Level, Rating, Rectification

from . import monthcache
from .models import CaseFact, DailyFigure

DIMENSIONS = {
    "item": _("Item"), "item_type": _("Item type"), "route": _("Route"), "channel": _("Channel"),
    "window": _("Window"), "person": _("Person"), "month": _("Month"),
}
# Where each dimension lives on the fact row, and on rows that reach the case through `case`.
_FACT_KEY = {"item": "item_id", "item_type": "item_type", "route": "route", "channel": "channel",
             "window": "window_id", "person": "handler_id"}
TOTAL = "total"


@dataclass
class Row:
    """One row of figures. Holds counts, sums and histograms, so that rows add up (`merge`); averages and
    percentiles are derived from them."""

    key: object = TOTAL
    label: str = ""
    received: int = 0
    accepted: int = 0
    completed: int = 0
    on_time: int = 0
    overdue: int = 0
    on_the_spot: int = 0
    days_sum: int = 0
    days_n: int = 0
    minutes_sum: int = 0
    minutes_n: int = 0
    steps_sum: int = 0
    visits_sum: int = 0
    days_histogram: dict = field(default_factory=lambda: defaultdict(int))
    minutes_histogram: dict = field(default_factory=lambda: defaultdict(int))
    deficiency: int = 0
    deficiency_supplied: int = 0
    deficiency_terminated: int = 0
    deficiency_pending: int = 0
    terminated: int = 0  # 终止, its own column
    not_accepted: int = 0  # 不予受理, its own column
    levels: dict = field(default_factory=lambda: dict.fromkeys(Level.values, 0))
    valid_ratings: int = 0
    default_ratings: int = 0
    excluded_ratings: int = 0
    bad_reviews: int = 0
    rectifications: int = 0
    rectified: int = 0
    complaints: int = 0
    reports: int = 0

    def merge(self, other: "Row") -> None:
        """Add another row's figures to this one (every figure is a count, a sum or a histogram)."""
        for name in _ADDITIVE:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("days_histogram", "minutes_histogram", "levels"):
            mine = getattr(self, name)
            for value, n in getattr(other, name).items():
                mine[value] = mine.get(value, 0) + n

    @property
    def avg_days(self) -> Decimal | None:
        return _avg(self.days_sum, self.days_n)

    @property
    def avg_minutes(self) -> Decimal | None:
        return _avg(self.minutes_sum, self.minutes_n)

    @property
    def avg_steps(self) -> Decimal | None:
        return _avg(self.steps_sum, self.completed)

    @property
    def avg_visits(self) -> Decimal | None:
        return _avg(self.visits_sum, self.completed)

    @property
    def p90_days(self) -> int | None:
        return _p90(self.days_histogram)

    @property
    def p90_minutes(self) -> int | None:
        return _p90(self.minutes_histogram)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        good = sum(self.levels[level] for level in GOOD_LEVELS)
        return _pct(good, self.valid_ratings)

    @property
    def on_the_spot_rate(self) -> Decimal | None:
        return _pct(self.on_the_spot, self.completed)

    @property
    def on_time_rate(self) -> Decimal | None:
        return _pct(self.on_time, self.on_time + self.overdue)

    @property
    def rectification_rate(self) -> Decimal | None:
        return _pct(self.rectified, self.rectifications)


# The fields of a cached Row: a release that changes them reads none of the months an older one cached.
_ROW_LAYOUT = hashlib.sha256(",".join(Row.__dataclass_fields__).encode()).hexdigest()[:8]
_ADDITIVE = ("received", "accepted", "completed", "on_time", "overdue", "on_the_spot", "days_sum", "days_n",
             "minutes_sum", "minutes_n", "steps_sum", "visits_sum", "deficiency", "deficiency_supplied",
             "deficiency_terminated", "deficiency_pending", "terminated", "not_accepted", "valid_ratings", "default_ratings", "excluded_ratings",
             "bad_reviews", "rectifications", "rectified", "complaints", "reports")


@dataclass
class Figures:
    date_from: datetime.date
    date_to: datetime.date
    by: str | None
    total: Row
    rows: list[Row]


def _pct(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _avg(total, count) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total or 0) / Decimal(count)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _p90(histogram: dict[int, int]) -> int | None:
    """Nearest rank: the smallest value with at least 90% of the observations at or below it."""
    n = sum(histogram.values())
    if not n:
        return None
    rank = math.ceil(0.9 * n)
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return None  # unreachable: the loop always reaches n >= rank


def _bounds(date_from: datetime.date, date_to: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
    return start, datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)


def _month(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


_DAILY_KEY = {"item": "item_id", "item_type": "item_type", "route": "route", "channel": "channel",
              "window": "window_id", "person": "handler_id"}


def _key_expr(by: str | None, via: str = "", month_of: str = "day"):
    """The grouping expression of a dimension on the daily table, or through `via` ("case__") to the case;
    months come from the `month_of` date of the row itself."""
    if by is None:
        return None
    if by == "month":
        return TruncMonth(month_of)
    if via:
        return F(f"{via}item_id" if by == "item" else f"{via}fact__{_FACT_KEY[by]}")
    return F(_DAILY_KEY[by])


def _group_rows(qs, by: str | None, *extra: str, via: str = "", month_of: str = "day", split: bool = False,
               **aggregates) -> Iterator[tuple]:
    """(key, row dict) of `aggregates` grouped by the dimension (and by the `extra` fields); with `split`,
    also by month, and the key is (month, key). Streamed: a histogram split by month and person can be
    hundreds of thousands of rows, which a web worker should not hold at once."""
    expr = _key_expr(by, via, month_of)
    if expr is None and not extra and not split:
        yield TOTAL, qs.aggregate(**aggregates)
        return
    fields = {"k": expr} if expr is not None else {}
    if split:
        fields["m"] = TruncMonth(month_of)
    for r in qs.order_by().values(*extra, **fields).annotate(**aggregates).iterator(chunk_size=5000):
        key = TOTAL if by is None else (_month(r["k"]) if by == "month" else r["k"])
        yield ((_month(r["m"]), key) if split else key), r


def figures(*, date_from: datetime.date, date_to: datetime.date, by: str | None = None,
            with_total: bool = True) -> Figures:
    """Every figure for the period: the total row and, with `by`, one row per value of that dimension
    (`with_total=False` leaves the total empty when the caller does not show it).
    Reads the daily summary table (`DailyFigure`), so the cost depends on days × groups, not on cases.
    With `by`, the total is the sum of the rows: every record falls in exactly one of them (or under
    "Not recorded"), so no second pass over the table is needed."""
    if by is not None and by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}")
    rows = _rows_by_month(date_from, date_to, by)
    total = Row()
    if by is None:
        total = rows.pop(TOTAL, total)
        rows = {}
    else:
        rows = {k: row for k, row in rows.items() if _has_figures(row)}
        if with_total:
            for row in rows.values():
                total.merge(row)
        _label(by, rows)
    total.label = str(_("Total"))
    ordered = sorted(rows.values(), key=lambda row: (row.key is None, row.key if by == "month" else row.label))
    return Figures(date_from=date_from, date_to=date_to, by=by, total=total, rows=ordered)


def _rows_by_month(date_from: datetime.date, date_to: datetime.date, by: str | None) -> dict[object, Row]:
    """The period's rows, month by month: whole months before the current one from the month cache; the
    others (missing from the cache, partial at the ends, the current month) computed now, one pass per
    run of adjacent months (split by month); whole months computed now are cached. All added up."""
    this_month = monthcache.month_of(timezone.localdate())
    pieces = []  # (month, start, end, cacheable)
    month = monthcache.month_of(date_from)
    while month <= date_to:
        last = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        start, end = max(date_from, month), min(date_to, last)
        pieces.append((month, start, end, start == month and end == last and month < this_month))
        month = last + datetime.timedelta(days=1)
    keys = monthcache.entry_keys([p[0] for p in pieces if p[3]], by, layout=_ROW_LAYOUT)
    cached = cache.get_many(list(keys.values()))
    parts, runs = [], []
    for piece in pieces:
        if piece[3] and keys[piece[0]] in cached:
            parts.append(cached[keys[piece[0]]])
        elif runs and runs[-1][-1][0] == (piece[0] - datetime.timedelta(days=1)).replace(day=1):
            runs[-1].append(piece)
        else:
            runs.append([piece])
    for run in runs:
        computed: dict[datetime.date, dict] = {piece[0]: {} for piece in run}
        for (month, k), row in _period_rows(run[0][1], run[-1][2], by, split=True).items():
            computed[month][k] = row
        cache.set_many({keys[m]: computed[m] for m, _start, _end, cacheable in run if cacheable},
                       monthcache.MONTH_SECONDS)
        parts += computed.values()
    rows: dict[object, Row] = defaultdict(Row)
    for part in parts:
        for k, row in part.items():
            rows[k].merge(row)
    return rows


def _period_rows(date_from: datetime.date, date_to: datetime.date, by: str | None,
                 split: bool = False) -> dict[object, Row]:
    """The rows of a period straight from the summary table, rectifications and complaints; with `split`,
    keyed by (month, key), in the same number of queries."""
    _group = functools.partial(_group_rows, split=split)
    rows: dict[object, Row] = defaultdict(Row)
    daily = DailyFigure.objects.filter(day__range=(date_from, date_to))

    for measure in ("received", "accepted"):
        for k, r in _group(daily.filter(measure=measure), by, n=Sum("n")):
            setattr(rows[k], measure, r["n"] or 0)
    for k, r in _group(daily.filter(measure="completed"), by, **{name: Sum(name) for name in _SUMS}):
        row = rows[k]
        row.completed = r["n"] or 0
        for name in _SUMS[1:]:
            setattr(row, name, r[name] or 0)
    for measure in ("days", "minutes"):
        for k, r in _group(daily.filter(measure=measure), by, "value", n=Sum("n")):
            getattr(rows[k], f"{measure}_histogram")[int(r["value"])] += r["n"]

    for k, r in _group(daily.filter(measure="rating"), by, "value", "flag", n=Sum("n")):
        row = rows[k]
        if r["flag"] == "excluded":
            row.excluded_ratings += r["n"]
        elif r["flag"] == "default":
            row.default_ratings += r["n"]
        else:
            row.levels[r["value"]] += r["n"]
            row.valid_ratings += r["n"]
            if r["value"] in BAD_LEVELS:
                row.bad_reviews += r["n"]

    # Excluded ratings are few (index rating_excluded): "not one of them" spares reading every rating.
    excluded = Rating.objects.filter(pk=OuterRef("rating_id"), excluded=True)
    rects = Rectification.objects.filter(~Exists(excluded), opened_on__range=(date_from, date_to))
    for k, r in _group(rects, by, via="case__", month_of="opened_on", n=Count("pk"),
                       fixed=Count("pk", filter=~Q(outcome=""))):
        rows[k].rectifications, rows[k].rectified = r["n"], r["fixed"]

    # A complaint or report about a case counts for the case's item, window and person, like its ratings;
    # one naming no case counts in the total and per month, and under "Not recorded" in the other breakdowns.
    start, end = _bounds(date_from, date_to)
    complaints = Complaint.objects.filter(created_at__gte=start, created_at__lt=end)
    for k, r in _group(complaints, by, "kind", via="case__", month_of="created_at", n=Count("pk")):
        if r["kind"] == Complaint.Kind.COMPLAINT:
            rows[k].complaints += r["n"]
        else:
            rows[k].reports += r["n"]

    return dict(rows)


def _has_figures(row: Row) -> bool:
    return any(getattr(row, name) for name in _ADDITIVE) or any(row.levels.values())


_SUMS = ("n", "on_time", "overdue", "on_the_spot", "days_sum", "days_n", "minutes_sum", "minutes_n", "steps_sum",
         "visits_sum", "deficiency", "deficiency_supplied", "deficiency_terminated", "deficiency_pending",
         "terminated", "not_accepted")  # n first


def _label(by: str, rows: dict) -> None:
    keys = [k for k in rows if k is not None]
    if by == "item":
        names = dict(Item.objects.filter(pk__in=keys).values_list("pk", "current_version__name"))
        labels = {k: f"{names.get(k) or k}" for k in keys}
    elif by == "window":
        labels = {w.pk: str(w) for w in Window.objects.filter(pk__in=keys).select_related("hall")}
    elif by == "person":
        labels = {u.pk: str(u) for u in User.objects.filter(pk__in=keys)}
    elif by == "month":
        labels = {k: f"{k:%Y-%m}" for k in keys}
    else:
        choices = {"item_type": ItemType, "route": Route, "channel": Channel}[by]
        labels = {k: str(choices(k).label) if k in choices.values else str(k) for k in keys}
    for k, row in rows.items():
        row.key = k
        row.label = labels.get(k, str(_("Not recorded")))


def summary(row: Row) -> dict:
    """The headline figures as JSON-ready values (the API and the dashboard show the same dict)."""
    def num(value):
        return float(value) if value is not None else None

    return {
        "received": row.received, "accepted": row.accepted, "completed": row.completed,
        "completed_on_time": row.on_time, "completed_overdue": row.overdue, "on_the_spot": row.on_the_spot,
        "terminated": row.terminated, "not_accepted": row.not_accepted,
        "on_the_spot_rate": num(row.on_the_spot_rate), "avg_handling_days": num(row.avg_days),
        "p90_handling_days": row.p90_days, "avg_handling_minutes": num(row.avg_minutes),
        "p90_handling_minutes": row.p90_minutes, "ratings": row.valid_ratings,
        "ratings_by_level": dict(row.levels), "default_ratings": row.default_ratings,
        "excluded_ratings": row.excluded_ratings, "bad_reviews": row.bad_reviews,
        "rectification_rate": num(row.rectification_rate), "complaints": row.complaints, "reports": row.reports,
        "satisfaction_rate": num(row.satisfaction_rate),
    }


def first_day() -> datetime.date:
    """The earliest day with a received case (the default start of the dashboard period)."""
    first = CaseFact.objects.order_by("received_on").exclude(received_on=None).values_list(
        "received_on", flat=True).first()
    return first or timezone.localdate()
