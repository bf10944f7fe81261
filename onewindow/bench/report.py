"""Numbers in, report out: per-scenario results, the goals of issue 9, benchmarks.json and benchmarks.md.

benchmarks.md keeps everything outside its generated block (findings, before/after notes); the block
between the markers is rewritten by every run.
"""

import datetime
import json
import os
import platform
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import psutil

START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"
PUBLIC_P95_MS, WORKBENCH_P95_MS, STATISTICS_P95_MS = 50, 100, 1000
PUBLIC_SHARE_OF_HELLO = 0.5
FLOW_SECONDS_PER_CASE = 0.5
WEB_RSS_MB = 200
HALL_P95_OF_HELLO = 10  # issue 18: taking and calling tickets stay within 10× the trivial view's p95
LABELS = {
    "hello": "hello (/livez, no database)",
    "guide_list": "service guide list",
    "guide_page": "service guide page",
    "guide_search": "item search",
    "progress_query": "progress query (POST, case no. + last 4)",
    "progress_page": "progress page",
    "queue_clerk": "queue, window clerk",
    "queue_chief": "queue, chief approver",
    "queue_done": "queue, done tab",
    "queue_search": "queue, search by case no.",
    "case_page": "case page",
    "dashboard": "statistics dashboard",
    "summary_api": "summary API",
}


# --- measurements ------------------------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    return [child.pid for child in psutil.Process(pid).children()]


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size so far (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(psutil.Process(pid).memory_info().rss / 2**20, 1)


def log_problems(path: Path) -> dict:
    text = path.read_text(errors="replace") if path.exists() else ""
    return {
        "tracebacks": text.count("Traceback"),
        "deadlocks": text.count("deadlock detected"),
        "worker_timeouts": text.count("WORKER TIMEOUT"),
    }


def page_result(name: str, group: str, raw: dict, *, connections: int, example: str) -> dict:
    seconds = raw["duration_us"] / 1e6
    return {
        "name": name,
        "label": LABELS.get(name, name),
        "group": group,
        "example": example.split("\t")[0],
        "connections": connections,
        "seconds": round(seconds, 1),
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": round(raw["latency_us"]["p50"] / 1000, 1),
        "p95_ms": round(raw["latency_us"]["p95"] / 1000, 1),
        "p99_ms": round(raw["latency_us"]["p99"] / 1000, 1),
        "errors": sum(raw["errors"].values()),
        "error_kinds": {k: v for k, v in raw["errors"].items() if v},
    }


def flow_result(rows: list[dict], *, users: int, seconds: int) -> dict:
    by_name = {row["Name"]: row for row in rows}
    flow = by_name.get("on-site case") or {}
    total = by_name.get("Aggregated") or {}

    def ms(row, column):
        value = row.get(column, "") if row else ""
        return round(float(value), 1) if value not in ("", "N/A") else None

    steps = {
        name: {"requests": int(row["Request Count"]), "p50_ms": ms(row, "50%"), "p95_ms": ms(row, "95%")}
        for name, row in by_name.items()
        if name not in ("on-site case", "Aggregated")
    }
    p50, p95 = ms(flow, "50%"), ms(flow, "95%")
    return {
        "users": users,
        "seconds": seconds,
        "cases": int(flow.get("Request Count", 0) or 0),
        "cases_per_second": round(float(flow.get("Requests/s", 0) or 0), 2),
        "seconds_per_case_p50": round(p50 / 1000, 3) if p50 is not None else None,
        "seconds_per_case_p95": round(p95 / 1000, 3) if p95 is not None else None,
        "seconds_per_case_mean": round(float(flow["Average Response Time"]) / 1000, 3) if flow else None,
        "errors": int(total.get("Failure Count", 0) or 0),
        "requests": int(total.get("Request Count", 0) or 0),
        "steps": steps,
    }


def hello_p95(scenarios: list[dict]) -> float | None:
    """The hello view's p95 of this run (the yardstick of the hall's goal)."""
    return next((s["p95_ms"] for s in scenarios if s["name"] == "hello"), None)


def hall_result(
    rows: list[dict],
    *,
    users: int,
    seconds: int,
    hello_p95_ms: float | None = None,
    pace: tuple[float, float] | None = None,
) -> dict:
    """The hall run's two request types from locust's CSV, each p95 also as a multiple of the hello view's."""
    by_name = {row["Name"]: row for row in rows}

    def step(name):
        row = by_name.get(name) or {}

        def value(column):
            return round(float(row[column]), 1) if row.get(column) not in (None, "", "N/A") else None

        p95 = value("95%")
        return {
            "requests": int(row.get("Request Count", 0) or 0),
            "p50_ms": value("50%"),
            "p95_ms": p95,
            "rps": round(float(row.get("Requests/s", 0) or 0), 1),
            "p95_of_hello": round(p95 / hello_p95_ms, 1) if p95 is not None and hello_p95_ms else None,
        }

    total = by_name.get("Aggregated") or {}
    return {
        "users": users,
        "kiosks": users // 2,
        "clerks": users - users // 2,
        "seconds": seconds,
        "pace_seconds": list(pace) if pace else None,
        "hello_p95_ms": hello_p95_ms,
        "take": step("take a ticket"),
        "call": step("call the next person"),
        "errors": int(total.get("Failure Count", 0) or 0),
    }


def _pace_label(hall: dict) -> str:
    """ ", one request every 1.0-3.0 s per user" for a paced run, "" for saturation (and runs from before)."""
    pace = hall.get("pace_seconds")
    return f", one request every {pace[0]}-{pace[1]} s per user" if pace else ""


def hall_p95(step: dict) -> str:
    """ "12.3 ms (4.1× hello)": the milliseconds with the ratio beside them."""
    ratio = f" ({step['p95_of_hello']}× hello)" if step.get("p95_of_hello") is not None else ""
    return f"{step['p95_ms']} ms{ratio}"


def _tool_version(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except OSError:
        return "missing"
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr) else "?"


def meta(args, size, *, seconds: float) -> dict:
    from django.db import connection

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = psutil.virtual_memory().total / 2**30
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            import sqlite3

            database = f"SQLite {sqlite3.sqlite_version}"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout.strip()
    argv = " ".join(sys.argv[1:])
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit,
        "command": "make bench" + (f" BENCH_ARGS='{argv}'" if argv else ""),
        "size": args.size,
        "cases_asked": size.cases,
        "seconds_per_page_scenario": size.seconds,
        "flow_seconds": size.flow_seconds,
        "connections": args.connections,
        "clerks": size.clerks,
        "duration_seconds": round(seconds),
        "machine": f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()} {platform.release()}",
        "database": database,
        "versions": {
            "python": platform.python_version(),
            **{p: version(p) for p in ("django", "gunicorn", "psycopg", "weasyprint", "locust")},
            "wrk": _tool_version(["wrk", "-v"]),
        },
    }


# --- goals ---------------------------------------------------------------------------------------------------


def goals(results: dict) -> list[dict]:
    pages = {page["name"]: page for page in results["scenarios"]}
    hello = pages.get("hello", {}).get("rps") or 0
    out = []

    def add(goal, measured, target, met):
        out.append({"goal": goal, "measured": measured, "target": target, "met": bool(met)})

    for page in results["scenarios"]:
        if page["group"] == "public":
            share = page["rps"] / hello if hello else 0
            add(
                f"{page['label']}: throughput",
                f"{share:.0%} of hello",
                f"≥ {PUBLIC_SHARE_OF_HELLO:.0%}",
                share >= PUBLIC_SHARE_OF_HELLO and not page["errors"],
            )
            add(
                f"{page['label']}: p95",
                f"{page['p95_ms']} ms",
                f"< {PUBLIC_P95_MS} ms",
                page["p95_ms"] < PUBLIC_P95_MS,
            )
        elif page["group"] == "workbench":
            add(
                f"{page['label']}: p95",
                f"{page['p95_ms']} ms",
                f"< {WORKBENCH_P95_MS} ms",
                page["p95_ms"] < WORKBENCH_P95_MS and not page["errors"],
            )
        elif page["group"] == "statistics":
            add(
                f"{page['label']}: p95",
                f"{page['p95_ms']} ms",
                f"< {STATISTICS_P95_MS} ms",
                page["p95_ms"] < STATISTICS_P95_MS and not page["errors"],
            )
    flow = results.get("flow", {})
    if flow.get("sequential"):
        sequential = flow["sequential"]
        add(
            "on-site flow incl. certificate PDF, one clerk: seconds per case (p50)",
            f"{sequential['seconds_per_case_p50']} s",
            f"< {FLOW_SECONDS_PER_CASE} s",
            sequential["seconds_per_case_p50"] is not None
            and sequential["seconds_per_case_p50"] < FLOW_SECONDS_PER_CASE,
        )
    if flow.get("concurrent"):
        concurrent, checks = flow["concurrent"], flow.get("checks", {})
        add(
            f"on-site flow, {concurrent['users']} clerks at once: errors, duplicates",
            f"{concurrent['errors']} errors, {'no' if checks.get('ok') else 'SOME'} duplicates or losses, "
            f"{results.get('server_log', {}).get('deadlocks', 0)} deadlocks",
            "0 errors, none",
            not concurrent["errors"]
            and checks.get("ok")
            and concurrent["cases"] > 0
            and not results.get("server_log", {}).get("deadlocks"),
        )
    hall, saturation = results.get("hall"), results.get("hall_saturation")
    if hall:
        hello_p95 = pages.get("hello", {}).get("p95_ms") or 0
        worst = max(hall["take"]["p95_ms"] or 0, hall["call"]["p95_ms"] or 0)
        runs = [run for run in (hall, saturation) if run]
        add(
            f"hall, {hall.get('kiosks', hall['users'] // 2)} kiosks and {hall.get('clerks', hall['users'] // 2)} "
            "clerks at once: errors, duplicate numbers, tickets at two windows",
            f"{sum(run['errors'] for run in runs)} errors, "
            f"{'none' if all(run['checks']['ok'] for run in runs) else 'SOME'}",
            "0 errors, none",
            all(not run["errors"] and run["checks"]["ok"] for run in runs),
        )
        add(
            f"hall: ticket taking and calling p95{_pace_label(hall)}",
            f"{worst} ms ({worst / hello_p95:.1f}× hello)" if hello_p95 else f"{worst} ms",
            f"≤ {HALL_P95_OF_HELLO}× hello p95",
            hello_p95 and worst <= HALL_P95_OF_HELLO * hello_p95,
        )
    memory = results.get("memory", {})
    if memory:
        add(
            "web worker peak RSS",
            f"{memory['web_worker_peak_mb']} MB",
            f"< {WEB_RSS_MB} MB",
            memory["web_worker_peak_mb"] < WEB_RSS_MB,
        )
    return out


# --- output --------------------------------------------------------------------------------------------------


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown(results: dict) -> str:
    m = results["meta"]
    hello = next((p["rps"] for p in results["scenarios"] if p["name"] == "hello"), 0)
    data = ", ".join(f"{name} {count:,}" for name, count in results.get("data", {}).items())
    parts = [
        START,
        "## Latest run",
        "",
        f"- **When:** {m['date']}, commit `{m['commit']}`, `{m['command']}` ({m['duration_seconds']} s in all"
        + (f", of which loading {results['load_seconds']} s" if results.get("load_seconds") else "")
        + ").",
        f"- **Machine:** {m['machine']}; database {m['database']}; load generator on the same machine (loopback).",
        "- **Versions:** " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".",
        f"- **Server:** gunicorn `-c python:onewindow.gunicorn_conf` ({results.get('web_workers')} sync workers), "
        "DEBUG off, database sessions, the task worker stopped until the exchange step.",
        f"- **Data:** {data}.",
        f"- **Load:** wrk, 1 thread, {m['seconds_per_page_scenario']} s per page after a warm-up, "
        f'{m["connections"] or "per group"} connections (column "conn."); locust for the flow, '
        f"{m['flow_seconds']} s per run.",
        "",
        "### Goals (measured / goal)",
        "",
        _table(
            ["goal", "measured", "goal", "met"],
            [
                [g["goal"], g["measured"], g["target"], "yes" if g["met"] else "**no**"]
                for g in results["goals"]
            ],
        ),
        "",
        "### Pages",
        "",
        _table(
            ["scenario", "request", "conn.", "req/s", "of hello", "p50 ms", "p95 ms", "p99 ms", "errors"],
            [
                [
                    p["label"],
                    f"`{p['example']}`",
                    p["connections"],
                    p["rps"],
                    f"{p['rps'] / hello:.0%}" if hello else "-",
                    p["p50_ms"],
                    p["p95_ms"],
                    p["p99_ms"],
                    p["errors"],
                ]
                for p in results["scenarios"]
            ],
        ),
    ]
    sweep = results.get("sweep")
    if sweep:
        # Absolute times do not travel between runs on a shared machine: each p95 is also shown as a multiple
        # of that run's hello p95, and the growth is of that multiple.
        labels = {p["name"]: p["label"] for p in results["scenarios"]}
        first, last = sweep[-2] if len(sweep) > 1 else sweep[0], sweep[-1]

        def relative(run, name):
            hello, value = run["p95_ms"].get("hello"), run["p95_ms"].get(name)
            return value / hello if hello and value else None

        def growth(name):
            before, after = relative(first, name), relative(last, name)
            return f"{after / before:.2f}×" if before and after else "-"

        parts += [
            "",
            "### How cost grows (p95 ms at each size, and as a multiple of that run's hello p95)",
            "",
            _table(
                [
                    "scenario",
                    *[f"{run['cases']:,} cases" for run in sweep],
                    f"growth {first['cases']:,} → {last['cases']:,} (of hello)",
                ],
                [
                    [
                        label,
                        *[f"{run['p95_ms'].get(name)} ({relative(run, name) or 0:.1f}×)" for run in sweep],
                        growth(name),
                    ]
                    for name, label in labels.items()
                ],
            ),
        ]
        parts += explained(sweep, labels)
    flow = results.get("flow", {})
    if flow:
        runs = [flow[k] for k in ("sequential", "concurrent") if k in flow]
        parts += [
            "",
            "### On-site flow through the API",
            "",
            "create (with the materials checked at the window) → accept → decide (certificate) → "
            "certificate PDF → issue (completes); one request type FLOW per case.",
            "",
            _table(
                ["clerks", "cases", "cases/s", "s per case p50", "p95", "mean", "requests", "errors"],
                [
                    [
                        r["users"],
                        r["cases"],
                        r["cases_per_second"],
                        r["seconds_per_case_p50"],
                        r["seconds_per_case_p95"],
                        r["seconds_per_case_mean"],
                        r["requests"],
                        r["errors"],
                    ]
                    for r in runs
                ],
            ),
            "",
        ]
        steps = runs[-1]["steps"] if runs else {}
        parts.append(
            _table(
                ["step (last run)", "requests", "p50 ms", "p95 ms"],
                [[name, s["requests"], s["p50_ms"], s["p95_ms"]] for name, s in steps.items()],
            )
        )
        checks = flow.get("checks", {})
        parts += [
            "",
            f"Checks: {checks.get('cases')} cases reported, {checks.get('distinct_case_numbers')} distinct "
            f"case numbers, {checks.get('distinct_certificate_numbers')} distinct certificate numbers, "
            f"{checks.get('completed_in_database')} completed in the database; server log: "
            + ", ".join(f"{k} {v}" for k, v in results.get("server_log", {}).items())
            + ".",
        ]
    for key, title in (
        ("hall", "at a person's pace (the goal)"),
        ("hall_saturation", "with no pause (saturation)"),
    ):
        hall = results.get(key)
        if not hall:
            continue
        checks = hall["checks"]
        parts += [
            "",
            f"### Hall: ticket kiosks and calling clerks at once, {title}",
            "",
            f"{hall['users']} locust users for {hall['seconds']} s: {hall.get('kiosks')} kiosks "
            f"(`POST /api/v1/hall/tickets`) and {hall.get('clerks')} clerks each at a window of their own "
            f"(`POST /api/v1/hall/windows/{{id}}/call`), each{_pace_label(hall) or ' with no pause'}; the hello "
            f"view's p95 in this run: {hall.get('hello_p95_ms')} ms.",
            "",
            _table(
                ["request", "requests", "req/s", "p50 ms", "p95 ms", "p95 ÷ hello p95"],
                [
                    [name, s["requests"], s["rps"], s["p50_ms"], s["p95_ms"], s.get("p95_of_hello")]
                    for name, s in (("take a ticket", hall["take"]), ("call the next person", hall["call"]))
                ],
            ),
            "",
            f"Checks: {checks['tickets']} tickets, {checks['distinct_numbers']} distinct numbers; "
            f"{checks['called']} calls, {checks['distinct_called']} distinct tickets, "
            f"{checks['called_at_the_reporting_window']} at the window that called them; {hall['errors']} errors.",
        ]
    exchange = results.get("exchange", {})
    if exchange:
        parts += [
            "",
            "### Outbound exchange",
            "",
            f"{exchange['delivered']} of {exchange['rows']} queued rows delivered to the simulator by the task "
            f"worker in {exchange['seconds']} s: **{exchange['rows_per_second']} rows/s** "
            f"({exchange.get('parked', 0)} parked).",
        ]
    memory = results.get("memory", {})
    if memory:
        parts += [
            "",
            "### Memory (peak RSS, VmHWM)",
            "",
            f"Web worker {memory['web_worker_peak_mb']} MB (largest of the workers), gunicorn master "
            f"{memory['web_master_peak_mb']} MB, task worker {memory['task_worker_peak_mb']} MB.",
        ]
    parts += ["", END]
    return "\n".join(parts)


def explained(sweep: list[dict], labels: dict) -> list[str]:
    """Per page at each size: its queries and their time in one in-process request, and at the largest size
    the slowest query's plan (onewindow/bench/explain.py)."""
    runs = [run for run in sweep if run.get("explain")]
    if not runs:
        return []
    by_size = [{page["name"]: page for page in run["explain"]} for run in runs]
    rows = []
    for name in by_size[-1]:
        slowest = by_size[-1][name]["slowest"][:1]
        plan = f"{slowest[0]['ms']} ms: {slowest[0]['plan']}" if slowest else "-"
        rows.append(
            [
                labels.get(name, name),
                *[
                    f"{pages[name]['queries']} / {pages[name]['query_ms']}" if name in pages else "-"
                    for pages in by_size
                ],
                plan,
            ]
        )
    return [
        "",
        "### Where the time goes (queries / their ms in one request, and the slowest query's plan)",
        "",
        _table(
            [
                "scenario",
                *[f"{run['cases']:,} cases" for run in runs],
                f"slowest query at {runs[-1]['cases']:,} cases (EXPLAIN ANALYZE)",
            ],
            rows,
        ),
    ]


PREFACE = """# Benchmarks

`make bench` builds the data set, serves it with the production configuration and measures; the section
below is rewritten by each run (see onewindow/bench/runner.py for what it does, step by step).

"""


def write(results: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    results["goals"] = goals(results)
    (out / "benchmarks.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    path = out / "benchmarks.md"
    text = path.read_text() if path.exists() else PREFACE + START + "\n" + END + "\n"
    if START not in text:
        text += "\n" + START + "\n" + END + "\n"
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    path.write_text(head + markdown(results) + tail)
