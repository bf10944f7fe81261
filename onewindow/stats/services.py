"""Writes of the stats app: the per-case fact rows (derived data, rebuilt from the cases at any time).

Fact rows are not audited: they hold nothing that is not already recorded (and audited) on the case,
and `case_facts_rebuild` reproduces them from the cases.
"""

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from onewindow.accounts.models import Role, RoleMembership
from onewindow.cases.actions import ACTIONS
from onewindow.cases.models import Case, CasePause, CaseState, Delivery, ResultKind
from onewindow.catalog.models import Channel, Route
from onewindow.workdays import services as workdays

from . import monthcache
from .models import CaseFact, DailyFigure

# Steps of the actions that accept a case, and of those that need the applicant at the counter (a visit, 跑一次).
ACCEPT_CODES = tuple(name for name, action in ACTIONS.items() if action.moves.get(CaseState.SUBMITTED) == CaseState.ACCEPTED)
COUNTER_CODES = tuple(name for name, action in ACTIONS.items() if action.visit)
FACT_FIELDS = ["item", "item_type", "route", "channel", "window", "handler", "received_on", "accepted_on",
               "completed_on", "result_kind", "counted", "on_time", "on_the_spot", "handling_days",
               "handling_minutes", "steps", "visits", "deficiency"]


def _local(value):
    return timezone.localdate(value) if value else None


def _deficiency(case: Case, codes: set[str]) -> str:
    if "accept_with_deficiency" not in codes:
        return CaseFact.Deficiency.NONE
    if case.result_kind == ResultKind.DEFICIENCY_TERMINATED:
        return CaseFact.Deficiency.TERMINATED
    if "supplement" in codes and not case.deficiency_pending:
        return CaseFact.Deficiency.SUPPLIED
    return CaseFact.Deficiency.PENDING


# Only a decision on the merits is on time or overdue, and only a decision made at the counter is 现场办结;
# 终止 and 不予受理 are counted in their own columns.
DECIDED_RESULTS = (ResultKind.GRANTED, ResultKind.REFUSED, ResultKind.FORWARDED)
ON_THE_SPOT_RESULTS = (ResultKind.GRANTED, ResultKind.REFUSED)
TERMINATED_RESULTS = (ResultKind.TERMINATED, ResultKind.DEFICIENCY_TERMINATED)


def fact_for(case: Case, chief_ids: set[int]) -> CaseFact:
    """The fact row of a case whose `steps` (with handler) and `pauses` are prefetched."""
    steps = list(case.steps.all())
    codes = {s.code for s in steps}
    acceptor = next((s.handler for s in steps if s.code in ACCEPT_CODES and s.handler_id), None)
    decider = next((s for s in reversed(steps) if s.code == "decide"), None)
    accepted_day, completed_day = _local(case.accepted_at), _local(case.completed_at)
    counted = case.state == CaseState.COMPLETED and case.result_kind != ResultKind.WITHDRAWN
    handled = counted and case.accepted_on is not None and completed_day is not None
    days = minutes = on_time = None
    if handled:
        pauses = [(p.started_on, p.ended_on) for p in case.pauses.all() if p.kind != CasePause.Kind.CORRECTION]
        days = workdays.working_days_used(start=case.accepted_on, today=completed_day, paused=pauses)
        if case.promised_due and case.result_kind in DECIDED_RESULTS:
            on_time = completed_day <= case.promised_due
        if case.item_version.route == Route.ON_SITE:
            minutes = max(0, int((case.completed_at - case.accepted_at).total_seconds() // 60))
    on_the_spot = bool(counted and case.result_kind in ON_THE_SPOT_RESULTS and decider
                       and decider.handler_id in chief_ids and case.decided_at
                       and _local(case.decided_at) == accepted_day)
    visit_days = {_local(s.ended_at) for s in steps if s.code in COUNTER_CODES}
    if case.channel == Channel.WINDOW and case.submitted_at:
        visit_days.add(_local(case.submitted_at))
    if case.delivery == Delivery.WINDOW and case.issued_at:
        visit_days.add(_local(case.issued_at))
    return CaseFact(
        case_id=case.pk, item_id=case.item_id, item_type=case.item_version.item_type,
        route=case.item_version.route, channel=case.channel, window_id=acceptor.window_id if acceptor else None,
        handler_id=acceptor.pk if acceptor else None, received_on=case.received_on, accepted_on=accepted_day,
        completed_on=completed_day if counted else None, result_kind=case.result_kind, counted=counted,
        on_time=on_time, on_the_spot=on_the_spot, handling_days=days, handling_minutes=minutes, steps=len(steps),
        visits=len(visit_days), deficiency=_deficiency(case, codes))


def chief_approver_ids() -> set[int]:
    return set(RoleMembership.objects.filter(role=Role.CHIEF_APPROVER).values_list("user_id", flat=True))


def _cases():
    return Case.objects.select_related("item_version").prefetch_related("steps__handler", "pauses")


DATE_FIELDS = ("received_on", "accepted_on", "completed_on")


def _days_of(case_ids) -> set:
    """The days whose daily figures depend on these cases: their fact dates and rating days."""
    from onewindow.ratings.models import Rating

    days = set()
    for row in CaseFact.objects.filter(case_id__in=case_ids).values_list(*DATE_FIELDS):
        days.update(row)
    days.update(Rating.objects.filter(case_id__in=case_ids).values_list("rated_on", flat=True))
    return {day for day in days if day}


def case_fact_refresh(*, case: Case) -> CaseFact | None:
    """Recompute one case's fact row and the daily figures of the days it touches (before and after),
    under the case's row lock so concurrent refreshes queue."""
    with transaction.atomic():
        if not Case.objects.select_for_update().filter(pk=case.pk).exists():
            return None
        before = _days_of([case.pk])
        fact = fact_for(_cases().get(pk=case.pk), chief_approver_ids())
        columns = [f"{name}_id" if name in ("item", "window", "handler") else name for name in FACT_FIELDS]
        CaseFact.objects.update_or_create(case_id=case.pk, defaults={c: getattr(fact, c) for c in columns})
        rollup_days(before | _days_of([case.pk]))
    return fact


def case_facts_rebuild(*, case_ids: set[int] | None = None, batch: int = 2000) -> int:
    """Rebuild the fact rows of `case_ids` (default: every case) from the cases: after a bulk writer, an
    import, a calendar change or a lost signal. Returns the number of cases."""
    chiefs = chief_approver_ids()
    done = 0
    last = 0
    scope = _cases() if case_ids is None else _cases().filter(pk__in=sorted(case_ids))
    days = set() if case_ids is None else _days_of(case_ids)
    while True:
        with transaction.atomic():
            cases = list(scope.filter(pk__gt=last).order_by("pk")[:batch])
            if not cases:
                rollup_days(None if case_ids is None else days | _days_of(case_ids))
                return done
            facts = [fact_for(case, chiefs) for case in cases]
            CaseFact.objects.bulk_create(facts, update_conflicts=True, unique_fields=["case"],
                                         update_fields=FACT_FIELDS)
        last = cases[-1].pk
        done += len(cases)


# --- the daily summary table ---------------------------------------------------------------------------------

DIMS = ("item_id", "item_type", "route", "channel", "window_id", "handler_id")


def _dims(row: dict) -> dict:
    return {name: row[name] if name.endswith("_id") else (row[name] or "") for name in DIMS}


ROLLUP_LOCK = 7_0215  # advisory-lock namespace of the daily figures


def _lock_days(days: list | None) -> None:
    """Serialise recomputations of the same day until commit: otherwise two transactions could each delete
    the day's rows and insert their own totals, counting twice. A full rebuild excludes every day.
    (SQLite already serialises writers.)"""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if days is None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [ROLLUP_LOCK])
            return
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", [ROLLUP_LOCK])
        for day in days:  # sorted, so two transactions take them in the same order
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ROLLUP_LOCK, day.toordinal()])


def rollup_days(days: set | None) -> int:
    """Recompute the daily figures of `days` (None: every day) from the fact rows and the ratings.
    Runs inside the caller's transaction, so figures and records change together. Returns rows written."""
    from onewindow.ratings.models import Rating, RatingChannel

    if days is not None:
        days = sorted(day for day in days if day)
        if not days:
            return 0

    def on(qs, field):
        return qs if days is None else qs.filter(**{f"{field}__in": days})

    rows = []
    with transaction.atomic():
        _lock_days(days)
        if days is None:
            monthcache.invalidate_all()
        else:
            monthcache.days_changed(days)
        (DailyFigure.objects.all() if days is None else DailyFigure.objects.filter(day__in=days)).delete()
        facts = CaseFact.objects.order_by()
        for measure, field in (("received", "received_on"), ("accepted", "accepted_on")):
            for r in on(facts.exclude(**{field: None}), field).values(field, *DIMS).annotate(n=Count("pk")):
                rows.append(DailyFigure(day=r[field], measure=measure, n=r["n"], **_dims(r)))
        done = on(facts.filter(counted=True), "completed_on")
        for r in done.values("completed_on", *DIMS).annotate(
                n=Count("pk"), on_time_n=Count("pk", filter=Q(on_time=True)),
                overdue_n=Count("pk", filter=Q(on_time=False)), spot=Count("pk", filter=Q(on_the_spot=True)),
                d_sum=Sum("handling_days"), d_n=Count("handling_days"), m_sum=Sum("handling_minutes"),
                m_n=Count("handling_minutes"), s_sum=Sum("steps"), v_sum=Sum("visits"),
                deficient=Count("pk", filter=~Q(deficiency="")),
                supplied=Count("pk", filter=Q(deficiency=CaseFact.Deficiency.SUPPLIED)),
                terminated=Count("pk", filter=Q(deficiency=CaseFact.Deficiency.TERMINATED)),
                pending=Count("pk", filter=Q(deficiency=CaseFact.Deficiency.PENDING)),
                ended=Count("pk", filter=Q(result_kind__in=TERMINATED_RESULTS)),
                refused_acceptance=Count("pk", filter=Q(result_kind=ResultKind.NOT_ACCEPTED))):
            rows.append(DailyFigure(
                day=r["completed_on"], measure="completed", n=r["n"], on_time=r["on_time_n"], overdue=r["overdue_n"],
                on_the_spot=r["spot"], days_sum=r["d_sum"] or 0, days_n=r["d_n"], minutes_sum=r["m_sum"] or 0,
                minutes_n=r["m_n"], steps_sum=r["s_sum"] or 0, visits_sum=r["v_sum"] or 0,
                deficiency=r["deficient"], deficiency_supplied=r["supplied"], deficiency_terminated=r["terminated"],
                deficiency_pending=r["pending"], terminated=r["ended"], not_accepted=r["refused_acceptance"],
                **_dims(r)))
        for measure, column in (("days", "handling_days"), ("minutes", "handling_minutes")):
            for r in done.exclude(**{column: None}).values("completed_on", *DIMS, column).annotate(n=Count("pk")):
                rows.append(DailyFigure(day=r["completed_on"], measure=measure, value=str(r[column]), n=r["n"],
                                        **_dims(r)))
        ratings = on(Rating.objects.filter(superseded=False).order_by(), "rated_on")
        for r in ratings.values("rated_on", "level", "excluded", "channel", item_id=F("case__item_id"),
                                item_type=F("case__fact__item_type"), route=F("case__fact__route"),
                                channel_case=F("case__fact__channel"), window_id=F("case__fact__window_id"),
                                handler_id=F("case__fact__handler_id")).annotate(n=Count("pk")):
            flag = "excluded" if r["excluded"] else ("default" if r["channel"] == RatingChannel.DEFAULT else "")
            rows.append(DailyFigure(day=r["rated_on"], measure="rating", value=r["level"], flag=flag, n=r["n"],
                                    **_dims({**r, "channel": r["channel_case"]})))
        DailyFigure.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
