"""The pages of `make bench` that are not served from a page cache (the progress query, the clerk's and the
chief's 待办, the chief's 已办, search by case number, the case page), and hello for scale, timed in process on
a loaded database: per request the queries, their database time, the whole request's time and this process's
CPU time, medians and p95 over `-n` runs after a warm-up. `--only NAME` times one page; `--profile NAME`
prints cProfile's top functions for one page instead.

    DATABASE_URL=postgres://…/onewindow_bench_queue .venv/bin/python -m onewindow.bench.pageprof -n 20
"""

import argparse
import cProfile
import os
import pstats
import statistics
import time


def _pages():
    from onewindow.cases.models import OPEN_STATES, Case, CaseState

    chief_case = Case.objects.order_by("pk")[Case.objects.count() // 2]  # the chief sees every demo item
    open_case = Case.objects.filter(state__in=OPEN_STATES).order_by("pk").first()
    followed = Case.objects.exclude(state=CaseState.DRAFT).exclude(contact_mobile="").order_by("pk").first()
    proof = {"case_no": followed.case_no, "last4": followed.contact_mobile[-4:]}  # a right answer: 302
    # (name, who is signed in, URL, POST data or None)
    return [
        ("hello", None, "/livez", None),
        ("progress_query", None, "/progress/", proof),
        ("queue_clerk", "clerk", "/workbench/", None),
        ("queue_chief", "chief", "/workbench/", None),
        ("queue_done", "chief", "/workbench/?tab=done", None),
        ("queue_search", "chief", f"/workbench/?q={chief_case.case_no}", None),
        ("queue_search_open", "chief", f"/workbench/?q={open_case.case_no}", None),
        ("case_page", "chief", f"/workbench/cases/{chief_case.case_no}/", None),
    ]


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(len(values) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20, help="timed runs per page")
    parser.add_argument("--only", help="a page name: time only this page")
    parser.add_argument("--profile", help="a page name: print its cProfile instead of the table")
    parser.add_argument("--queries", action="store_true", help="also print each query of the last run")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from onewindow.accounts.models import User

    clients = {None: Client(HTTP_HOST="127.0.0.1")}
    for who in ("clerk", "chief"):
        clients[who] = Client(HTTP_HOST="127.0.0.1")
        clients[who].force_login(User.objects.get(username=who))
    for name, who, url, data in _pages():
        if (args.profile or args.only) not in (None, name):
            continue
        client = clients[who]

        def request(client=client, url=url, data=data):
            return client.get(url) if data is None else client.post(url, data)

        assert request().status_code == (200 if data is None else 302), url  # warm: per-process caches
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.n):
                request()
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
            continue
        totals, cpu, db, count = [], [], [], 0
        for _ in range(args.n):
            with CaptureQueriesContext(connection) as captured:
                started, started_cpu = time.perf_counter(), time.process_time()
                request()
                totals.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            db.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
            count = len(captured.captured_queries)
        print(
            f"{name:18} {count:3d} q  db {statistics.median(db):6.1f} / {_p95(db):6.1f} ms  "
            f"total {statistics.median(totals):6.1f} / {_p95(totals):6.1f} ms  "
            f"cpu {statistics.median(cpu):6.1f} ms  (median / p95)  {url}",
            flush=True,
        )
        if args.queries:
            for query in captured.captured_queries:
                print(f"    {float(query['time']) * 1000:6.1f} ms  {query['sql'][:160]}")


if __name__ == "__main__":
    main()
