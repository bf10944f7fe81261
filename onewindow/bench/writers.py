"""Concurrent writers: the on-site flow through the API at several numbers of clients, with lock waits.

    python -m onewindow.bench.writers --users 1,5,20,50 --seconds 30

A small PostgreSQL database of its own (default `onewindow_bench_writers`, the tiny bulk size: the writers'
contention does not depend on the number of old cases), the production server (gunicorn with
`onewindow.gunicorn_conf`) and the task worker running, and for each number of clients one locust run of
the flow of `locustfile.py`. Meanwhile a sampler reads `pg_stat_activity` and `pg_locks` every 50 ms and
counts the backends waiting for a lock, by what they wait for (a row of which table, and which row; a
whole table; a transaction with no row named; an advisory lock). Prints a Markdown table and writes the results as
JSON to `--work`/writers.json.

    python -m onewindow.bench.writers --audit-only --users 1,5,20 --seconds 10

measures the audit log alone: threads writing one event per transaction, each transaction held 50 ms.
`--numbers-only` measures the number series the same way: one number of one series per transaction.
"""

import argparse
import json
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from . import report
from .runner import ROOT, Bench

# A backend waiting for a heavyweight lock, and what the lock it waits for is on. A row lock shows as
# "transactionid" (the waiter waits for the holder's transaction to end) while the first waiter holds the
# row's tuple lock, and as "tuple" (not granted) for the waiters queued behind it: either way the relation
# and the row (page, tuple) come from the tuple lock. A "transactionid" wait without a tuple lock names no
# row: a key another transaction inserted and has not committed (a unique index), or a row being re-read
# along its update chain once its holder has committed.
SAMPLE_SQL = """
SELECT w.pid, l.locktype, coalesce(c.relname, tc.relname, ''),
       coalesce(t.page, l.page)::text || ',' || coalesce(t.tuple, l.tuple)::text, left(w.query, 120)
FROM pg_stat_activity w
JOIN pg_locks l ON l.pid = w.pid AND NOT l.granted
LEFT JOIN pg_class c ON c.oid = l.relation
LEFT JOIN pg_locks t ON l.locktype = 'transactionid' AND t.pid = w.pid AND t.granted AND t.locktype = 'tuple'
LEFT JOIN pg_class tc ON tc.oid = t.relation
WHERE w.datname = current_database() AND w.wait_event_type = 'Lock' AND w.pid <> pg_backend_pid()
"""


def lock_target(locktype: str, relname: str, row: str | None) -> str:
    """What a waiter waits for, in words: a row of a table, a whole table, a transaction."""
    if row:
        return f"row of {relname}"
    if locktype == "transactionid":
        return "transaction (no row named)"
    return f"{locktype} {relname}".strip()


class LockSampler(threading.Thread):
    """Samples the lock waits of the bench database until stopped."""

    def __init__(self, dsn: str, interval: float = 0.05):
        super().__init__(daemon=True)
        self.dsn, self.interval = dsn, interval
        self.samples = 0
        self.waiting = Counter()  # number of waiting backends -> samples
        self.targets = Counter()  # "target: query" -> backend-samples
        self.by_target = Counter()  # "row of core_sequence", "relation core_case", ... -> backend-samples
        self.rows = Counter()  # (relation, "page,tuple") -> backend-samples: one hot row or many
        self._stop = threading.Event()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as conn:
            while not self._stop.is_set():
                rows = conn.execute(SAMPLE_SQL).fetchall()
                self.samples += 1
                self.waiting[len({row[0] for row in rows})] += 1
                for _pid, locktype, relname, row, query in rows:
                    target = lock_target(locktype, relname, row)
                    self.targets[f"{target}: {query}"] += 1
                    self.by_target[target] += 1
                    if row:
                        self.rows[(relname, row)] += 1
                time.sleep(self.interval)

    def stop(self) -> dict:
        self._stop.set()
        self.join()
        backend_samples = sum(n * count for n, count in self.waiting.items())
        return {
            "samples": self.samples,
            "samples_with_a_wait_pct": round(
                100 * (self.samples - self.waiting[0]) / max(1, self.samples), 1
            ),
            "mean_waiting_backends": round(backend_samples / max(1, self.samples), 2),
            "max_waiting_backends": max(self.waiting, default=0),
            "by_target": dict(self.by_target.most_common()),
            "hottest_rows": [f"{relname} ({row}): {n}" for (relname, row), n in self.rows.most_common(5)],
            "top_waits": self.targets.most_common(5),
        }


def _dsn(url: str) -> str:
    import dj_database_url

    config = dj_database_url.parse(url)
    return (
        f"host={config['HOST'] or '127.0.0.1'} port={config['PORT'] or 5432} user={config['USER'] or 'postgres'} "
        f"dbname={config['NAME']}"
    )


def audit_writers(*, threads: int, seconds: float, hold_ms: float, numbers: bool = False) -> dict:
    """Threads that each write one audit event (`numbers`: take one number of the series `bench:writers`)
    per transaction and keep the transaction open `hold_ms` after it (the rest of a clerk's action), without
    using the CPU meanwhile: transactions per second show whether writers serialise on a lock, whatever else
    loads the machine."""
    from django.db import connection, transaction

    from onewindow.audit.services import audit_log
    from onewindow.core.sequences import sequence_next

    counts, stop = [0] * threads, time.monotonic() + seconds

    def write(n: int) -> None:
        try:
            while time.monotonic() < stop:
                with transaction.atomic():
                    if numbers:
                        sequence_next("bench:writers")
                    else:
                        audit_log(action="bench.writer", object_type="bench", object_id=str(n))
                    time.sleep(hold_ms / 1000)
                counts[n] += 1
        finally:
            connection.close()

    workers = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {
        "writes": "numbers" if numbers else "audit events",
        "threads": threads,
        "hold_ms": hold_ms,
        "transactions": sum(counts),
        "per_second": round(sum(counts) / seconds, 1),
        "load_average": round(os.getloadavg()[0], 2),
    }


def table(runs: list[dict]) -> str:
    steps = sorted({name for run in runs for name in run["steps"]})
    header = [
        "clients",
        "cases",
        "cases/s",
        "s per case p50",
        "p95",
        *[f"{s} p95 ms" for s in steps],
        "errors",
        "samples with a lock wait",
        "mean / max waiting",
        "waits by target (backend-samples)",
        "load avg (1 min)",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for run in runs:
        locks = run["locks"]
        lines.append(
            "| "
            + " | ".join(
                str(v)
                for v in [
                    run["users"],
                    run["cases"],
                    run["cases_per_second"],
                    run["seconds_per_case_p50"],
                    run["seconds_per_case_p95"],
                    *[run["steps"].get(s, {}).get("p95_ms") for s in steps],
                    run["errors"],
                    f"{locks['samples_with_a_wait_pct']}%",
                    f"{locks['mean_waiting_backends']} / {locks['max_waiting_backends']}",
                    "; ".join(f"{target} {n}" for target, n in list(locks["by_target"].items())[:3])
                    or "none",
                    run["load_average"],
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m onewindow.bench.writers", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--users", default="1,5,20,50", help="comma-separated numbers of concurrent clients")
    parser.add_argument("--seconds", type=int, default=30, help="length of each locust run")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_WRITERS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/onewindow_bench_writers"
        ),
    )
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--work", default=str(ROOT / "var" / "bench-writers"))
    parser.add_argument(
        "--audit-only",
        action="store_true",
        help="only the audit writers (threads in this process, no server): see audit_writers",
    )
    parser.add_argument(
        "--numbers-only",
        action="store_true",
        help="only the number series, as --audit-only: see audit_writers",
    )
    args = parser.parse_args(argv)
    users = [int(n) for n in args.users.split(",")]
    bench = Bench(
        argparse.Namespace(
            size="tiny",
            cases=None,
            work=args.work,
            port=0,
            connections=0,
            database_url=args.database_url,
            fresh=args.fresh,
        )
    )
    bench.size = bench.size.__class__(bench.size.cases, bench.size.seconds, args.seconds, max(users))
    if args.audit_only or args.numbers_only:  # on the database a flow run left (migrated)
        import django

        os.environ.update(bench.env)
        django.setup()
        for n in users:
            print(
                audit_writers(threads=n, seconds=args.seconds, hold_ms=50, numbers=args.numbers_only),
                flush=True,
            )
        return
    bench.prepare_database()
    from . import fixtures

    bench.fixtures = fixtures.prepare(clerks=max(users))
    runs = []
    web = bench.start(
        "gunicorn",
        [sys.executable, "-m", "gunicorn", "-c", "python:onewindow.gunicorn_conf", "onewindow.wsgi"],
    )
    worker = bench.start("worker", [sys.executable, "-m", "onewindow", "db_worker"])
    try:
        bench.wait_for(f"{bench.base}/livez", web)
        for n in users:
            sampler = LockSampler(_dsn(args.database_url))
            sampler.start()
            result = bench.flow(users=n)
            result["locks"] = sampler.stop()
            result["load_average"] = round(os.getloadavg()[0], 2)
            result.pop("completed")
            runs.append(result)
    finally:
        bench.stop(web)
        bench.stop(worker)
    problems = report.log_problems(bench.work / "gunicorn.log")
    out = {"runs": runs, "server_log": problems, "worker_log": report.log_problems(bench.work / "worker.log")}
    Path(args.work, "writers.json").write_text(json.dumps(out, ensure_ascii=False, indent=2))
    print(table(runs))
    print(f"server log: {problems}; worker log: {out['worker_log']}")
    for run in runs:
        locks = run["locks"]
        print(
            f"{run['users']} clients, lock waits by target (backend-samples): {locks['by_target']}; "
            f"hottest rows: {locks['hottest_rows']}; top waits: {locks['top_waits']}"
        )


if __name__ == "__main__":
    main()
