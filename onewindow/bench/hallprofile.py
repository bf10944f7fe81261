"""The CPU and the queries of one hall write, in process: `python -m onewindow.bench.hallprofile`.

Prepares a bench database the way `make bench` does (migrate, the demo set-up, a few hundred bulk cases, the
bench hall's business and 20 windows with their clerks and tokens), leaves `--backlog` tickets waiting, then
sends `-n` of each request through Django's test client with the production middleware (DEBUG off):

- take a ticket: `POST /api/v1/hall/tickets` (public, as the kiosks of `make bench` send it);
- call the next person: `POST /api/v1/hall/windows/{id}/call`, the 20 windows in turn (each call also ends
  the service of that window's previous ticket, as at a real window).

It prints, per request, the process CPU time (median and p90 of `time.process_time()`, which leaves out the
time spent waiting on PostgreSQL) and the queries it ran (from `CaptureQueriesContext`). `--profile` adds the
functions that took the most CPU (cProfile, cumulative), `--sql` the queries of the last request of each kind.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import time
from pathlib import Path

from . import runner


def _measure(label: str, send, n: int, profile: cProfile.Profile | None) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cpu, queries, last = [], [], []
    for i in range(n):
        with CaptureQueriesContext(connection) as captured:
            started = time.process_time()
            if profile is not None:
                profile.enable()
            status = send(i)
            if profile is not None:
                profile.disable()
            cpu.append((time.process_time() - started) * 1000)
        queries.append(len(captured.captured_queries))
        last = captured.captured_queries
        if status not in (200, 201):
            raise SystemExit(f"{label}: answered {status}")
    cpu.sort()
    return {"request": label, "n": n, "cpu_ms_p50": round(statistics.median(cpu), 2),
            "cpu_ms_p90": round(cpu[int(0.9 * (n - 1))], 2), "queries": sorted(set(queries)), "last": last}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m onewindow.bench.hallprofile", description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/onewindow_bench_hallprofile"))
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the database")
    parser.add_argument("-n", type=int, default=200, help="requests of each kind, after 20 of warm-up")
    parser.add_argument("--backlog", type=int, default=500, help="tickets waiting before the calls start")
    parser.add_argument("--profile", action="store_true", help="print the 25 costliest functions of each request")
    parser.add_argument("--sort", default="cumulative", help="the order of --profile (cProfile: tottime, cumulative)")
    parser.add_argument("--sql", action="store_true", help="print the queries of each kind's last request")
    parser.add_argument("--work", default="/tmp/onewindow-hallprofile")
    args = parser.parse_args(argv)

    bench = runner.Bench(argparse.Namespace(size="tiny", cases=None, work=args.work, port=1, fresh=args.fresh,
                                            database_url=args.database_url, connections=0))
    Path(args.work).mkdir(parents=True, exist_ok=True)
    bench.prepare_database()  # sets the bench's environment and Django up

    from django.test import Client

    from . import fixtures

    hall = fixtures._hall(20)
    client = Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR="127.0.0.1")
    body = {"business": hall["business"], "hall": hall["hall"]}
    clerks = hall["clerks"]

    def take(_i):
        return client.post("/api/v1/hall/tickets", body, content_type="application/json").status_code

    def call(i):
        window, token = clerks[i % len(clerks)]
        return client.post(f"/api/v1/hall/windows/{window}/call", HTTP_AUTHORIZATION=f"Bearer {token}").status_code

    for i in range(args.backlog + 20 + args.n):  # the warm-up calls and the measured ones never run dry
        take(i)
    for i in range(20):
        call(i)
    results = []
    for label, send in (("take a ticket", take), ("call the next person", call)):
        profile = cProfile.Profile() if args.profile else None
        results.append(_measure(label, send, args.n, profile))
        if profile is not None:
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(25)
            print(f"--- {label}\n{out.getvalue()}")
    for row in results:
        if args.sql:
            print(f"--- {row['request']}")
            print("\n".join(f"{float(q['time']) * 1000:7.2f} ms  {q['sql'][:300]}" for q in row["last"]))
    for row in results:
        print(f"{row['request']}: CPU {row['cpu_ms_p50']} ms p50, {row['cpu_ms_p90']} ms p90 over {row['n']}; "
              f"queries {'/'.join(map(str, row['queries']))}")


if __name__ == "__main__":
    main()
