"""The benchmark harness at tiny size, so that `make bench` cannot rot: a fresh database, the bulk loader,
gunicorn, wrk for every page, locust for the flow, the simulator and the task worker, and the report."""

import json
import shutil
import subprocess
import sys

import pytest
from django.conf import settings


def _database_url(tmp_path) -> str:
    """The same kind of database as the suite: a SQLite file, or a PostgreSQL database of its own."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.postgresql":
        return (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/onewindow_bench_smoke"
        )
    return f"sqlite:///{tmp_path / 'bench.sqlite3'}"


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (make system-deps installs it)")
def test_bench_runs_end_to_end_at_tiny_size(tmp_path):
    out = tmp_path / "out"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "onewindow.bench",
            "--size",
            "tiny",
            "--fresh",
            "--connections",
            "2",
            "--database-url",
            _database_url(tmp_path),
            "--work",
            str(tmp_path / "work"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    results = json.loads((out / "benchmarks.json").read_text())

    assert results["data"]["cases_case"] >= 300  # the bulk loader's own tests check its mix
    pages = {page["name"]: page for page in results["scenarios"]}
    assert set(pages) >= {
        "hello",
        "guide_page",
        "progress_query",
        "queue_chief",
        "case_page",
        "dashboard",
        "summary_api",
    }
    for page in pages.values():
        assert page["requests"] > 0 and page["errors"] == 0, page
        assert 0 < page["p50_ms"] <= page["p95_ms"] <= page["p99_ms"], page

    explained = {page["name"]: page for page in results["explain"]}  # every page, read down to its queries
    assert set(explained) == set(pages) - {"hello"}
    assert all(
        page["status"] == pages_status
        for page, pages_status in (
            (explained[name], 302 if name == "progress_query" else 200) for name in explained
        )
    ), explained
    assert explained["case_page"]["queries"] > 0 and explained["case_page"]["slowest"][0]["plan"]

    flow = results["flow"]
    assert flow["checks"]["ok"] and flow["checks"]["cases"] > 0
    assert flow["sequential"]["errors"] == 0 and flow["concurrent"]["errors"] == 0
    for hall in (results["hall"], results["hall_saturation"]):  # at a person's pace (the goal), and flat out
        assert hall["checks"]["ok"] and hall["errors"] == 0 and hall["take"]["requests"] > 0, hall
        assert hall["call"]["requests"] > 0 and hall["checks"]["called"] > 0
    assert results["hall"]["pace_seconds"] and results["hall_saturation"]["pace_seconds"] is None
    assert results["exchange"]["rows"] > 0 and results["exchange"]["delivered"] == results["exchange"]["rows"]
    assert results["memory"]["web_worker_peak_mb"] > 0 and results["memory"]["task_worker_peak_mb"] > 0
    assert results["server_log"] == {"tracebacks": 0, "deadlocks": 0, "worker_timeouts": 0}

    goals = {goal["goal"]: goal for goal in results["goals"]}
    assert any(name.startswith("case page") for name in goals) and "web worker peak RSS" in goals
    markdown = (out / "benchmarks.md").read_text()
    assert "## Latest run" in markdown and "| case page |" in markdown and "rows/s" in markdown
    assert "### Hall: ticket kiosks and calling clerks at once, at a person's pace (the goal)" in markdown
    assert "### Hall: ticket kiosks and calling clerks at once, with no pause (saturation)" in markdown
    assert any(name.startswith("hall: ticket taking and calling p95") for name in goals)
