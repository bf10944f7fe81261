"""The outbox against a real simulator process: 200 cases accepted and completed while the platform is
down; then it comes up slow and the worker is killed mid-batch.

Nothing is lost and nothing is doubled at the receiver (by row GUID), order per case holds, and reconcile
shows no difference.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.db import connection
from django.utils import timezone

from onewindow.cases.tests.factories import make_case, make_item
from onewindow.exchange.models import OutboxRow, PlatformProfile
from onewindow.exchange.reconcile import reconcile
from onewindow.exchange.tests.test_case_events import handle_on_the_spot

SECRET = "fault-secret"
KINDS = ["acceptance", "process", "process", "completion"]  # 受理, then the steps 受理 and 决定, then 办结
CASES = 200


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_env() -> dict:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "onewindow.settings", "SECRET_KEY": "test", "DEBUG": "0",
            "DATABASE_URL": url, "EXCHANGE_LEASE_SECONDS": "2", "EXCHANGE_RETRY_BASE_SECONDS": "0.2",
            "EXCHANGE_RETRY_CAP_SECONDS": "1"}


def start(*args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "onewindow", *args], env=child_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def simulator_call(port, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method="POST" if data else "GET")
    return json.loads(urllib.request.urlopen(request, timeout=5).read())


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def simulator_up(port) -> bool:
    try:
        simulator_call(port, "/_rows")
        return True
    except OSError:
        return False


@pytest.mark.django_db(transaction=True)
def test_nothing_lost_nothing_doubled_across_outage_and_worker_kill(tmp_path, monkeypatch, chief):
    monkeypatch.setattr("onewindow.exchange.services._wake_worker", lambda: None)  # the worker process delivers
    port = free_port()
    PlatformProfile.objects.filter(name="gbt39046").update(
        endpoint_url=f"http://127.0.0.1:{port}/exchange/rows", ack_url=f"http://127.0.0.1:{port}/acks",
        secret=SECRET, active=True, batch_size=50, max_attempts=1000, timeout_seconds=5)
    profile = PlatformProfile.objects.get(name="gbt39046")
    item = make_item()
    for _ in range(CASES):
        handle_on_the_spot(make_case(item, chief), chief)
    total = CASES * len(KINDS)
    assert OutboxRow.objects.count() == total

    processes = []
    try:
        worker = start("exchange", "deliver", "--loop", "--interval", "0.2")
        processes.append(worker)
        # The platform is down: rows fail and wait for their retry.
        wait_for(lambda: OutboxRow.objects.filter(attempts__gte=1).exists(), 30, "first failed attempts")
        assert not OutboxRow.objects.filter(status="delivered").exists()

        simulator = start("platform", "simulate", "--port", str(port), "--secret", SECRET,
                          "--db", str(tmp_path / "platform.sqlite3"))
        processes.append(simulator)
        wait_for(lambda: simulator_up(port), 20, "the simulator")
        simulator_call(port, "/_control", {"mode": "slow", "delay": 0.5})
        wait_for(lambda: len(simulator_call(port, "/_rows")["rows"]) >= 50, 60, "some deliveries")

        # Kill the worker in the middle of a (slow) batch, then carry on with a new one.
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        simulator_call(port, "/_control", {"mode": "ok"})
        processes.append(start("exchange", "deliver", "--loop", "--interval", "0.2"))
        wait_for(lambda: OutboxRow.objects.filter(status="delivered").count() == total, 120, "all rows delivered")

        received = simulator_call(port, "/_rows")["rows"]
        ours = {str(g) for g in OutboxRow.objects.values_list("guid", flat=True)}
        assert len(received) == total and {r["guid"] for r in received} == ours  # exactly once, by GUID
        by_case: dict[str, list[str]] = {}
        for row in received:  # in the order the platform stored them
            by_case.setdefault(row["project_no"], []).append(row["kind"])
        assert all(kinds == KINDS for kinds in by_case.values())  # order per case preserved
        assert not OutboxRow.objects.exclude(status="delivered").exists()
        assert reconcile(profile, timezone.localdate()).clean
    finally:
        for p in processes:
            if p.poll() is None:
                p.terminate()
                p.wait(10)
