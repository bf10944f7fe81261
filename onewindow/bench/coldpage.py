"""The case page on a first and a second visit: whether a page's tail under load is cold rows rather than
plans. Requests the workbench case page of N cases sampled across the whole table, in process as the demo
chief approver, twice each, and prints the request and query times of each pass.

    python -m onewindow.bench.coldpage --database-url postgres://…/onewindow_bench_sweep_1000000 --var /tmp/sweep
"""

import argparse
import os
import random
import statistics
import time
from pathlib import Path

from .runner import production_env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--var", required=True, help="the bench's --work directory (its signing key and media)")
    parser.add_argument("-n", type=int, default=30, help="cases")
    parser.add_argument("--seed", type=int, default=1, help="another seed samples other (cold) cases")
    args = parser.parse_args()
    os.environ.update(production_env(args.database_url, Path(args.var)))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from onewindow.accounts.models import User
    from onewindow.cases.models import Case
    from onewindow.cases.selectors import visible_cases

    chief = User.objects.get(username="chief")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(chief)
    rng = random.Random(args.seed)
    highest = Case.objects.order_by("-pk").values_list("pk", flat=True)[0]
    picks = [rng.randint(1, highest) for _ in range(args.n * 10)]
    numbers = list(visible_cases(chief).filter(pk__in=picks).values_list("case_no", flat=True)[: args.n + 1])
    client.get(f"/workbench/cases/{numbers.pop()}/")  # the process's own first request

    def visit(number: str) -> tuple[float, float]:
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/workbench/cases/{number}/").status_code == 200
        return (time.perf_counter() - started) * 1000, sum(float(q["time"]) for q in captured.captured_queries) * 1000

    for name in ("first visit", "second visit"):
        runs = [visit(number) for number in numbers]
        request, queries = [r[0] for r in runs], [r[1] for r in runs]
        print(f"{name}: {len(runs)} cases; request ms p50 {statistics.median(request):.1f} max {max(request):.1f}; "
              f"queries ms p50 {statistics.median(queries):.1f} max {max(queries):.1f}")


if __name__ == "__main__":
    main()
