import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import RequestFactory

from onewindow.audit.context import audit_context
from onewindow.cases.models import Case
from onewindow.ratings.models import Rating
from onewindow.stats.models import CaseFact
from onewindow.stats.services import case_facts_rebuild, rollup_days

BENCH_PREFIX = "BENCH"
LEVEL_MIX = ["very_satisfied"] * 12 + ["satisfied"] * 5 + ["basically_satisfied", "dissatisfied"]


class Command(BaseCommand):
    help = ("`stats rebuild` recomputes every case's fact row. `stats bench --cases N` (PostgreSQL, in a database "
            "whose name contains 'bench') copies a completed case N times with SQL, spread over six years with "
            "ratings, then times the dashboard and the summary API.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "bench"])
        parser.add_argument("--cases", type=int, default=1_000_000)
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args, action, cases, runs, **options):
        if action == "rebuild":
            with audit_context(source="cli"):
                self.stdout.write(f"fact rows rebuilt: {case_facts_rebuild()}")
            return
        if connection.vendor != "postgresql" or "bench" not in connection.settings_dict["NAME"]:
            raise CommandError("bench writes synthetic rows: use PostgreSQL and a database named *bench*.")
        template = (Case.objects.filter(fact__counted=True, ratings__isnull=False).order_by("pk").first())
        if template is None:
            raise CommandError("No completed, rated case to copy: run `onewindow demo history --completed 10` first.")
        existing = Case.objects.filter(case_no__startswith=BENCH_PREFIX).count()
        if existing < cases:
            started = time.monotonic()
            self._copy(template, existing, cases)
            self.stdout.write(f"inserted {cases - existing} cases in {time.monotonic() - started:.0f} s")
        self.stdout.write(f"cases: {Case.objects.count()}, fact rows: {CaseFact.objects.count()}, "
                          f"ratings: {Rating.objects.count()}")
        self._measure(runs)

    def _copy(self, template: Case, first: int, last: int) -> None:
        """INSERT … SELECT over generate_series: one statement per table, dates spread over 2,200 days."""
        q = connection.ops.quote_name
        shift_days = "(g %% 2200)"  # %% because the statements take parameters
        columns, values = [], []
        for f in Case._meta.concrete_fields:
            if f.primary_key:
                continue
            columns.append(q(f.column))
            if f.name == "case_no":
                values.append(f"'{BENCH_PREFIX}' || lpad(g::text, 10, '0')")
            elif f.get_internal_type() == "DateTimeField":
                values.append(f"t.{q(f.column)} - {shift_days} * interval '1 day'")
            elif f.get_internal_type() == "DateField":
                values.append(f"t.{q(f.column)} - {shift_days}")
            else:
                values.append(f"t.{q(f.column)}")
        item_ids = list(CaseFact.objects.values_list("item_id", flat=True).distinct()) or [template.item_id]
        items = "ARRAY[" + ",".join(str(i) for i in item_ids) + "]"
        fact = CaseFact.objects.get(case=template)
        levels = "ARRAY[" + ",".join(f"'{level}'" for level in LEVEL_MIX) + "]"
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {q(Case._meta.db_table)} ({', '.join(columns)}) "
                           f"SELECT {', '.join(values)} FROM {q(Case._meta.db_table)} t, "
                           f"generate_series(%s, %s) g WHERE t.id = %s", [first + 1, last, template.pk])
            new_cases = (f"SELECT id, completed_at, substring(case_no from {len(BENCH_PREFIX) + 1})::int AS g "
                         f"FROM {q(Case._meta.db_table)} WHERE case_no LIKE '{BENCH_PREFIX}%%' "
                         f"AND substring(case_no from {len(BENCH_PREFIX) + 1})::int > %s")
            cursor.execute(
                f"INSERT INTO {q(CaseFact._meta.db_table)} (case_id, item_id, item_type, route, channel, window_id, "
                "handler_id, received_on, accepted_on, completed_on, result_kind, counted, on_time, on_the_spot, "
                "handling_days, handling_minutes, steps, visits, deficiency) "
                f"SELECT c.id, ({items})[1 + c.g %% {len(item_ids)}], %s, %s, %s, %s, %s, "
                f"%s::date - {shift_days.replace('g', 'c.g')}, %s::date - {shift_days.replace('g', 'c.g')}, "
                f"%s::date - {shift_days.replace('g', 'c.g')}, %s, true, c.g %% 50 <> 0, c.g %% 50 <> 0, "
                "c.g %% 3, 10 + c.g %% 40, %s, %s, '' FROM (" + new_cases + ") c",
                [fact.item_type, fact.route, fact.channel, fact.window_id, fact.handler_id, fact.received_on,
                 fact.accepted_on, fact.completed_on, fact.result_kind, fact.steps, fact.visits, first])
            cursor.execute(
                f"INSERT INTO {q(Rating._meta.db_table)} (case_id, visit, attempt, level, channel, scores, text, "
                "anonymous, rater_name, rated_at, rated_on, superseded, excluded, excluded_reason) "
                f"SELECT c.id, '', 1, ({levels})[1 + c.g %% {len(LEVEL_MIX)}], 'window_pad', '{{}}', '', false, '', "
                "c.completed_at, (c.completed_at AT TIME ZONE %s)::date, false, false, '' FROM (" + new_cases + ") c",
                [settings.TIME_ZONE, first])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        started = time.monotonic()
        rows = rollup_days(None)
        self.stdout.write(f"daily summary table rebuilt: {rows} rows in {time.monotonic() - started:.0f} s")

    def _measure(self, runs: int) -> None:
        from onewindow.accounts.models import Role
        from onewindow.accounts.services import staff_upsert
        from onewindow.stats import views

        with audit_context(source="cli"):
            leader = staff_upsert(username="bench-leader", full_name="bench", roles=[Role.DECISION_MAKER])
        factory = RequestFactory()
        cases = {
            "dashboard, all years, by item": {"by": "item"},
            "dashboard, one year, by month": {"by": "month", "from": "2025-01-01", "to": "2025-12-31"},
            "dashboard, one month, by person": {"by": "person", "from": "2025-03-01", "to": "2025-03-31"},
        }
        for label, params in cases.items():
            timings = []
            for _run in range(runs):
                request = factory.get("/stats/", params)
                request.user = leader
                started = time.perf_counter()
                response = views.dashboard(request)
                timings.append(time.perf_counter() - started)
                assert response.status_code == 200
            self.stdout.write(f"{label}: median {statistics.median(timings) * 1000:.0f} ms, "
                              f"min {min(timings) * 1000:.0f} ms over {runs} runs")
