"""`make bench`: load a provincial-scale data set, serve it the production way, measure, and report.

1. A database of its own (default PostgreSQL `onewindow_bench`; reused when it already holds the size asked
   for, rebuilt with --fresh): migrate, the reference catalog and demo accounts, then
   `onewindow demo bulk --cases N`.
2. The production server configuration of the README: gunicorn with `onewindow.gunicorn_conf`, DEBUG off.
3. wrk, a second process on loopback, for each page at a stated concurrency for a bounded time.
4. locust for the on-site flow through the API: one chief approver in sequence, then 20 at once; the task
   worker is stopped meanwhile so that the outbox fills, then started to measure delivery to the simulator.
5. locust for the hall: as many kiosks taking tickets as clerks calling them (20 and 20), at once: first at a
   person's pace (the goal), then with no pause at all (saturation: the highest rate, and the checks).
6. Peak memory (VmHWM) of the web workers and of the task worker; results as JSON and docs/benchmarks.md.
"""

import argparse
import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

from . import report

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def production_env(database_url: str, work: Path) -> dict[str, str]:
    """The production configuration of the README on plain HTTP at loopback, with its files under `work`: the
    server's settings, and those of the in-process tools that must measure the same thing."""
    return {
        "DJANGO_SETTINGS_MODULE": "onewindow.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "make-bench-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "0",  # plain HTTP on loopback: no secure cookies, no redirect to https, no HSTS
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "ONEWINDOW_VAR_DIR": str(work),
        "ONEWINDOW_MEDIA_ROOT": str(work / "media"),
        "ONEWINDOW_STATIC_ROOT": str(work / "static"),
    }


@dataclass(frozen=True)
class Size:
    cases: int
    seconds: int  # per page scenario
    flow_seconds: int  # per flow run
    clerks: int  # concurrent chief approvers in the flow


SIZES = {
    "default": Size(cases=1_000_000, seconds=20, flow_seconds=60, clerks=20),
    "quick": Size(cases=20_000, seconds=5, flow_seconds=30, clerks=20),
    "tiny": Size(cases=300, seconds=1, flow_seconds=8, clerks=2),  # the smoke test in `make test`
}

# Connections wrk keeps busy, back to back, per group of pages: the people who use them at once. Citizens
# (public pages) are many; one hall's clerks each act every few seconds, so 4 back-to-back connections
# stand for a busy hall; the statistics are for a few leaders. `--connections N` sets one number for all.
CONNECTIONS = {"ceiling": 8, "public": 8, "workbench": 4, "statistics": 2}

# The hall's people: each kiosk gives a ticket every 1-3 s (a person walks up, taps the business, takes the
# receipt) and each clerk calls the next every 1-3 s (a very short service), so 20 + 20 of them take and call
# about 10 tickets a second each way, 36,000 an hour: far above any real hall (docs/benchmarks.md, the hall).
HALL_PACE = (1.0, 3.0)

# (scenario, who is signed in, method, expected status, the goal group it counts for)
SCENARIOS = [
    ("hello", None, "GET", 200, "ceiling"),
    ("guide_list", None, "GET", 200, "public"),
    ("guide_page", None, "GET", 200, "public"),
    ("guide_search", None, "GET", 200, "public"),
    ("progress_query", "csrf", "POST", 302, "public"),
    ("progress_page", "progress", "GET", 200, "public"),
    ("queue_clerk", "clerk", "GET", 200, "workbench"),
    ("queue_chief", "chief", "GET", 200, "workbench"),
    ("queue_done", "chief", "GET", 200, "workbench"),
    ("queue_search", "chief", "GET", 200, "workbench"),
    ("case_page", "chief", "GET", 200, "workbench"),
    ("dashboard", "leader", "GET", 200, "statistics"),
    ("summary_api", "leader-token", "GET", 200, "statistics"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_process(command: list[str], *, env: dict, log: Path) -> subprocess.Popen:
    """A server in a session of its own (so that it can be killed with its children), output to `log`."""
    with open(log, "w") as logfile:  # the child keeps its own descriptor
        return subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[2:4]} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:  # refused, reset or timed out while the server starts
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


class Bench:
    def __init__(self, args):
        self.args = args
        self.size = SIZES[args.size]
        if args.cases is not None:
            self.size = Size(args.cases, self.size.seconds, self.size.flow_seconds, self.size.clerks)
        self.work = Path(args.work).resolve()
        self.work.mkdir(parents=True, exist_ok=True)
        self.port = args.port or _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            **production_env(args.database_url, self.work),
            "ONEWINDOW_PUBLIC_URL": self.base,
            "BIND": f"127.0.0.1:{self.port}",
            "LOG_LEVEL": "WARNING",
            "ONEWINDOW_HALL_TAKES_PER_MINUTE": "1000000",  # the load comes from one address
        }
        self.results: dict = {"scenarios": [], "flow": {}, "exchange": {}, "memory": {}}

    # --- processes ------------------------------------------------------------------------------------------

    def onewindow(self, *command: str) -> None:
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "onewindow", *command], env=self.env, cwd=ROOT, check=True)
        self.log(f"onewindow {' '.join(command)}: {time.monotonic() - started:.1f} s")

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        return start_process(command, env=self.env, log=self.work / f"{name}.log")

    stop = staticmethod(stop_process)

    def wait_for(self, url: str, process: subprocess.Popen, seconds: float = 60) -> None:
        wait_until_up(url, process, seconds)

    def log(self, message: str) -> None:
        print(f"[bench] {message}", flush=True)

    # --- steps ----------------------------------------------------------------------------------------------

    def prepare_database(self) -> None:
        from .database import ensure_database

        ensure_database(self.args.database_url, fresh=self.args.fresh)
        self.onewindow("migrate", "--noinput", "-v", "0")
        self.onewindow("createcachetable")
        self.onewindow("collectstatic", "--noinput", "-v", "0")
        os.environ.update(self.env)
        import django

        django.setup()
        from onewindow.cases.models import Case

        existing = Case.objects.count()
        if existing == 0:
            self.onewindow("demo", "setup", "--force")
            started = time.monotonic()
            self.onewindow("demo", "bulk", "--cases", str(self.size.cases), "--force")
            self.results["load_seconds"] = round(time.monotonic() - started, 1)
        elif abs(existing - self.size.cases) > self.size.cases * 0.05 + 50:
            raise SystemExit(
                f"The bench database holds {existing} cases, not about {self.size.cases}: "
                "run again with --fresh to rebuild it."
            )
        else:
            self.log(f"reusing the bench database: {existing} cases")

    def run(self) -> dict:
        self.prepare_database()
        from . import explain, fixtures  # need Django set up with the bench settings

        self.results["data"] = fixtures.data_size()
        self.fixtures = fixtures.prepare(clerks=self.size.clerks)
        sim_port = _free_port()
        self.onewindow(
            "platform",
            "connect",
            "gbt39046",
            "--endpoint",
            f"http://127.0.0.1:{sim_port}/exchange/rows",
            "--ack-url",
            f"http://127.0.0.1:{sim_port}/acks",
        )
        with ExitStack() as stack:
            web = self.start(
                "gunicorn",
                [sys.executable, "-m", "gunicorn", "-c", "python:onewindow.gunicorn_conf", "onewindow.wsgi"],
            )
            stack.callback(self.stop, web)
            # each worker renders every guide before it answers (catalog/warmup.py): minutes on a busy machine
            self.wait_for(f"{self.base}/livez", web, seconds=300)
            self.results["web_workers"] = len(report.children(web.pid))
            for scenario in SCENARIOS:
                self.results["scenarios"].append(self.page(*scenario))
            self.results["explain"] = explain.pages(SCENARIOS, self.fixtures)
            self.results["flow"]["sequential"] = self.flow(users=1)
            self.results["flow"]["concurrent"] = self.flow(users=self.size.clerks)
            self.results["flow"]["checks"] = self.flow_checks()
            self.results["hall"] = self.hall(clerks=self.size.clerks, pace=HALL_PACE)
            self.results["hall_saturation"] = self.hall(clerks=self.size.clerks, pace=None)
            simulator = self.start(
                "simulator",
                [sys.executable, "-m", "onewindow", "platform", "simulate", "--port", str(sim_port)],
            )
            stack.callback(self.stop, simulator)
            self.wait_for(f"http://127.0.0.1:{sim_port}/_rows", simulator)
            worker = self.start("worker", [sys.executable, "-m", "onewindow", "db_worker"])
            stack.callback(self.stop, worker)
            self.results["exchange"] = self.delivery(worker)
            self.results["memory"] = {
                "web_worker_peak_mb": max(report.peak_rss_mb(pid) for pid in report.children(web.pid)),
                "web_master_peak_mb": report.peak_rss_mb(web.pid),
                "task_worker_peak_mb": report.peak_rss_mb(worker.pid),
            }
        self.results["server_log"] = report.log_problems(self.work / "gunicorn.log")
        return self.results

    # --- page scenarios (wrk) ------------------------------------------------------------------------------

    def _headers(self, who: str | None, lines: list[str]) -> tuple[list[str], list[str]]:
        """wrk -H arguments, and the lines with any CSRF token filled in."""
        if who is None:
            return [], lines
        if who == "leader-token":
            return ["-H", f"Authorization: Bearer {self.fixtures.leader_token}"], lines
        if who == "csrf":
            cookie, token = self._csrf()
            return (
                ["-H", f"Cookie: {cookie}", "-H", "Content-Type: application/x-www-form-urlencoded"],
                [f"{line}&csrfmiddlewaretoken={token}" for line in lines],
            )
        return ["-H", f"Cookie: {self.fixtures.cookies[who]}"], lines

    def _csrf(self) -> tuple[str, str]:
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        html = opener.open(f"{self.base}/progress/").read().decode()
        token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        cookie = next(f"{c.name}={c.value}" for c in jar if c.name == "csrftoken")
        return cookie, token

    def _check(self, method: str, line: str, headers: list[str], expect: int) -> None:
        """One request by hand first: the right status (no redirect to sign-in), so wrk measures real pages."""
        path, _, body = line.partition("\t")
        request = urllib.request.Request(
            self.base + path, data=body.encode() if method == "POST" else None, method=method
        )
        for name, value in (h.split(": ", 1) for h in headers[1::2]):
            request.add_header(name, value)

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        try:
            status = urllib.request.build_opener(NoRedirect).open(request, timeout=60).status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != expect:
            raise RuntimeError(f"{method} {path} answered {status}, expected {expect}")

    def page(self, name: str, who: str | None, method: str, expect: int, group: str) -> dict:
        headers, lines = self._headers(who, self.fixtures.lines[name])
        for line in lines[:3]:
            self._check(method, line, headers, expect)
        script_input = self.work / f"{name}.lines"
        script_input.write_text("\n".join(lines) + "\n")

        connections = self.args.connections or CONNECTIONS[group]

        def wrk(seconds: int) -> dict:
            command = [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(HERE / "report.lua"),
                *headers,
                self.base,
                "--",
                str(script_input),
                method,
            ]
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            return json.loads(output.split("BENCH_JSON ", 1)[1].splitlines()[0])

        wrk(
            max(1, self.size.seconds // 5)
        )  # warm-up, not counted: every worker loads its templates and caches
        raw = wrk(self.size.seconds)
        result = report.page_result(name, group, raw, connections=connections, example=lines[0])
        self.log(f"{name}: {result['rps']} req/s, p95 {result['p95_ms']} ms, errors {result['errors']}")
        return result

    # --- the on-site flow (locust) --------------------------------------------------------------------------

    def flow(self, users: int) -> dict:
        config = self.work / "flow.json"
        results_file = self.work / f"flow-{users}.tsv"
        results_file.unlink(missing_ok=True)
        config.write_text(
            json.dumps(
                {**self.fixtures.flow, "tokens": self.fixtures.tokens[:users], "results": str(results_file)},
                ensure_ascii=False,
            )
        )
        prefix = self.work / f"locust-{users}"
        with open(self.work / f"locust-{users}.log", "w") as log:  # the flow's failures are in its CSV
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(HERE / "locustfile.py"),
                    "--headless",
                    "-u",
                    str(users),
                    "-r",
                    str(users),
                    "-t",
                    f"{self.size.flow_seconds}s",
                    "--host",
                    self.base,
                    "--csv",
                    str(prefix),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                env={**self.env, "BENCH_FLOW_CONFIG": str(config)},
                cwd=ROOT,
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        with open(f"{prefix}_stats.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        result = report.flow_result(rows, users=users, seconds=self.size.flow_seconds)
        result["completed"] = (
            [line.split("\t") for line in results_file.read_text().splitlines()]
            if results_file.exists()
            else []
        )
        self.log(
            f"flow with {users} user(s): {len(result['completed'])} cases, "
            f"{result['seconds_per_case_p50']} s per case (p50), {result['cases_per_second']} cases/s, "
            f"errors {result['errors']}"
        )
        return result

    def flow_checks(self) -> dict:
        """No duplicate case or certificate numbers, every reported case completed in the database."""
        from onewindow.cases.models import Case, CaseState
        from onewindow.certificates.models import Certificate

        completed = [
            row for run in ("sequential", "concurrent") for row in self.results["flow"][run].pop("completed")
        ]
        case_nos, cert_nos = [r[0] for r in completed], [r[1] for r in completed]
        in_db = Case.objects.filter(case_no__in=case_nos, state=CaseState.COMPLETED).count()
        certificates = Certificate.objects.filter(number__in=cert_nos).count()
        return {
            "cases": len(case_nos),
            "distinct_case_numbers": len(set(case_nos)),
            "distinct_certificate_numbers": len(set(cert_nos)),
            "completed_in_database": in_db,
            "certificates_in_database": certificates,
            "ok": len(set(case_nos)) == len(case_nos) == in_db == len(set(cert_nos)) == certificates,
        }

    # --- the hall (locust) ----------------------------------------------------------------------------------

    def hall(self, clerks: int, pace: tuple[float, float] | None) -> dict:
        """`clerks` kiosks and `clerks` clerks at once (each clerk at a window of their own), each waiting `pace`
        seconds between requests (None: not at all); then the checks against the database, and the p95 of both
        requests as a multiple of the hello view's p95 of this run."""
        from onewindow.hall.models import Ticket

        users = 2 * max(1, clerks)  # locust splits the users by weight, 1:1
        run = "paced" if pace else "saturation"
        config, results_file = self.work / f"hall-{run}.json", self.work / f"hall-{run}-called.tsv"
        results_file.unlink(missing_ok=True)
        config.write_text(json.dumps({**self.fixtures.hall, "results": str(results_file), "pace": pace}))
        prefix = self.work / f"locust-hall-{run}"
        with open(self.work / f"locust-hall-{run}.log", "w") as log:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(HERE / "hallfile.py"),
                    "--headless",
                    "-u",
                    str(users),
                    "-r",
                    str(users),
                    "-t",
                    f"{self.size.flow_seconds}s",
                    "--host",
                    self.base,
                    "--csv",
                    str(prefix),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                env={**self.env, "BENCH_HALL_CONFIG": str(config)},
                cwd=ROOT,
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        with open(f"{prefix}_stats.csv", newline="") as f:
            result = report.hall_result(
                list(csv.DictReader(f)),
                users=users,
                seconds=self.size.flow_seconds,
                hello_p95_ms=report.hello_p95(self.results["scenarios"]),
                pace=pace,
            )
        called = (
            [line.split("\t") for line in results_file.read_text().splitlines()]
            if results_file.exists()
            else []
        )
        tickets = Ticket.objects.filter(business__code=self.fixtures.hall["business"])
        windows = dict(
            tickets.filter(token__in=[token for token, _ in called]).values_list("token", "window_id")
        )
        numbers = list(tickets.values_list("day", "number"))
        result["checks"] = {
            "tickets": len(numbers),
            "distinct_numbers": len(set(numbers)),
            "called": len(called),
            "distinct_called": len({token for token, _ in called}),
            "called_at_the_reporting_window": sum(
                windows.get(token) == int(window) for token, window in called
            ),
        }
        checks = result["checks"]
        checks["ok"] = (
            checks["tickets"] == checks["distinct_numbers"]
            and checks["called"] > 0
            and checks["called"] == checks["distinct_called"] == checks["called_at_the_reporting_window"]
        )
        self.log(
            f"hall ({run}) with {result['kiosks']} kiosks and {result['clerks']} clerks: {checks['tickets']} tickets, "
            f"{checks['called']} called, p95 take {report.hall_p95(result['take'])}, "
            f"call {report.hall_p95(result['call'])}, errors {result['errors']}, "
            f"checks {'ok' if checks['ok'] else 'FAILED'}"
        )
        return result

    # --- outbound exchange -------------------------------------------------------------------------------------

    def delivery(self, worker: subprocess.Popen) -> dict:
        from onewindow.exchange.models import OutboxRow

        pending = OutboxRow.objects.filter(status=OutboxRow.Status.PENDING)
        backlog = left = pending.count()
        deadline = time.monotonic() + max(120, backlog / 20)
        first = None  # the clock starts at the first delivery: the worker's own start-up is not delivery
        while left and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.1)
            left = pending.count()
            if first is None and left < backlog:
                first = (time.monotonic(), left)
        seconds = time.monotonic() - first[0] if first else 0.0
        delivered = backlog - left
        parked = OutboxRow.objects.filter(status=OutboxRow.Status.DEAD).count()
        self.log(f"exchange: {delivered}/{backlog} rows delivered in {seconds:.1f} s, {parked} parked")
        return {
            "rows": backlog,
            "delivered": delivered,
            "parked": parked,
            "seconds": round(seconds, 2),
            "rows_per_second": round((first[1] - left) / seconds, 1) if first and seconds else None,
        }


def _without(argv: list[str], option: str) -> list[str]:
    """argv without `option` and its value (either "--option value" or "--option=value")."""
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == option:
            skip = True
        elif not arg.startswith(option + "="):
            out.append(arg)
    return out


def sweep(args, sizes: list[int], argv: list[str]) -> None:
    """One whole run per size, each in a process of its own (Django is set up once per process) on a database
    of its own (`<name>_<cases>`, reused when it holds that size); the largest size's run becomes the latest
    run, with the p95 of every page at each size beside it."""
    base = args.database_url.rsplit("/", 1)
    forwarded = _without(_without(_without(_without(argv, "--sweep"), "--cases"), "--database-url"), "--out")
    runs = []
    for cases in sizes:
        out = Path(args.work).resolve() / f"sweep-{cases}"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "onewindow.bench",
                *forwarded,
                "--cases",
                str(cases),
                "--database-url",
                f"{base[0]}/{base[1]}_{cases}",
                "--out",
                str(out),
            ],
            cwd=ROOT,
            check=True,
        )
        runs.append(json.loads((out / "benchmarks.json").read_text()))
    results = runs[-1]
    results["sweep"] = [
        {
            "cases": cases,
            "data": run["data"],
            "explain": run.get("explain", []),
            "p95_ms": {page["name"]: page["p95_ms"] for page in run["scenarios"]},
        }
        for cases, run in zip(sizes, runs, strict=True)
    ]
    results["meta"]["command"] = "make bench BENCH_ARGS='" + " ".join(argv) + "'"
    report.write(results, Path(args.out))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m onewindow.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="default")
    parser.add_argument(
        "--quick", action="store_const", const="quick", dest="size", help="same as --size quick"
    )
    parser.add_argument("--cases", type=int, help="override the size's number of cases")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/onewindow_bench"),
    )
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the bench database")
    parser.add_argument(
        "--connections",
        type=int,
        default=0,
        help="wrk connections for every page (default: per group of pages, see CONNECTIONS)",
    )
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--work", default=str(ROOT / "var" / "bench"), help="logs, media and scratch files")
    parser.add_argument(
        "--out", default=str(ROOT / "docs"), help="where benchmarks.md and benchmarks.json go"
    )
    parser.add_argument(
        "--sweep",
        help="comma-separated numbers of cases, e.g. 10000,100000,1000000: one run "
        "per size (a database each, reused) and p95 per page side by side",
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: run `make system-deps` (Debian package wrk).")
    if args.sweep:
        return sweep(
            args, [int(n) for n in args.sweep.split(",")], argv if argv is not None else sys.argv[1:]
        )
    started = time.monotonic()
    bench = Bench(args)
    results = bench.run()
    results["meta"] = report.meta(args, bench.size, seconds=time.monotonic() - started)
    report.write(results, Path(args.out))
    bench.log(f"done in {time.monotonic() - started:.0f} s: {Path(args.out) / 'benchmarks.md'}")
