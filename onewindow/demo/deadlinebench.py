"""Benchmark: recompute deadlines for a million open cases with `recompute_due_dates`.

    DEBUG=1 DATABASE_URL=sqlite:////tmp/wd_bench.sqlite3 .venv/bin/python -m onewindow.demo.deadlinebench
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/wd_bench .venv/bin/python -m onewindow.demo.deadlinebench

Migrates the database when needed, fills a scratch table (dropped afterwards unless --keep), times
the bulk UPDATE (first run, no-op refresh, after a calendar change) and checks a sample of rows against the Python calendar. Prints numbers; it is
not a test.
"""

import argparse
import datetime
import os
import time

TABLE = "workdays_bench_cases"


def fill(connection, rows: int) -> None:
    # `rows` open cases plus 10% closed ones the WHERE must skip. Deterministic spread: starts over
    # 2024-2027 (1461 days), limits of 1 to 60 working days.
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(f"CREATE TABLE {TABLE} (id bigint PRIMARY KEY, accepted date NOT NULL, "
                       "limit_days integer NOT NULL, due date, provisional boolean, is_open boolean NOT NULL)")
        limits = "CASE g %% 6 WHEN 0 THEN 1 WHEN 1 THEN 5 WHEN 2 THEN 10 WHEN 3 THEN 20 WHEN 4 THEN 30 ELSE 60 END"
        if connection.vendor == "postgresql":
            cursor.execute(f"INSERT INTO {TABLE} SELECT g, DATE '2024-01-01' + (g::bigint * 7919 %% 1461)::int, {limits}, "
                           "NULL, NULL, g <= %s FROM generate_series(1, %s) AS s(g)", [rows, rows + rows // 10])
            cursor.execute(f"ANALYZE {TABLE}")
        else:
            cursor.execute(f"WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < %s) "
                           f"INSERT INTO {TABLE} SELECT g, date('2024-01-01', '+' || (g * 7919 %% 1461) || ' days'), "
                           f"{limits}, NULL, NULL, g <= %s FROM s", [rows + rows // 10, rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch table")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from onewindow.workdays import services

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with transaction.atomic():
        fill(connection, args.rows)
    print(f"{connection.vendor}: filled {args.rows:,} open and {args.rows // 10:,} closed cases "
          f"in {time.perf_counter() - started:.1f} s")

    def recompute(label: str) -> None:
        started = time.perf_counter()
        updated = services.recompute_due_dates(table=TABLE, pk="id", start_col="accepted", days_col="limit_days",
                                               due_col="due", provisional_col="provisional", where="is_open")
        elapsed = time.perf_counter() - started
        print(f"{connection.vendor}: recompute_due_dates, {label}: {updated:,} rows changed in {elapsed:.2f} s")

    with transaction.atomic():
        recompute("first run (every open case)")
    with transaction.atomic():
        recompute("again, nothing changed")
    with transaction.atomic():
        # A new holiday on 2026-06-01 (rolled back afterwards): only deadlines across it move.
        services.override_set(day=datetime.date(2026, 6, 1), is_working=False, note="bench", actor=None)
        recompute("after a one-day calendar change")
        transaction.set_rollback(True)

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT accepted, limit_days, due, provisional FROM {TABLE} WHERE is_open "
                       "ORDER BY id LIMIT 2000")
        sample = cursor.fetchall()
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE} WHERE is_open AND due IS NULL")
        missing = cursor.fetchone()[0]
    wrong = 0
    for accepted, days, due, provisional in sample:
        accepted, due = (datetime.date.fromisoformat(v) if isinstance(v, str) else v for v in (accepted, due))
        answer = services.add_working_days(accepted, days)
        wrong += (answer.date, answer.provisional) != (due, bool(provisional))
    print(f"{connection.vendor}: checked {len(sample)} rows against the Python calendar: {wrong} wrong, "
          f"{missing} open rows without a due date")
    if not args.keep:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {TABLE}")


if __name__ == "__main__":
    main()
