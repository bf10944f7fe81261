"""The on-site flow for `make bench`, driven by locust: each user is one chief approver at the window.

create with the materials checked at the window → accept → decide (certificate issued) → certificate PDF
→ issue (completes), all through /api/v1 with the person's own token. The whole case is reported as request type FLOW, and
each completed case is written to the results file ("case number<TAB>certificate number") so the harness
can check for duplicates against the database.

The harness passes its set-up as JSON in the file named by BENCH_FLOW_CONFIG.
"""

import itertools
import json
import os
import time

from locust import events, task
from locust.contrib.fasthttp import FastHttpUser

CONFIG = json.loads(open(os.environ["BENCH_FLOW_CONFIG"], encoding="utf-8").read())
_tokens = itertools.cycle(CONFIG["tokens"])
_serial = itertools.count(1)
_results = open(CONFIG["results"], "a", encoding="utf-8", buffering=1)


class FlowFailed(Exception):
    pass


class ChiefApprover(FastHttpUser):
    wait_time = staticmethod(lambda: 0)  # back to back: the measure is the system's, not a person's pace

    def on_start(self):
        self.headers = {"Authorization": f"Bearer {next(_tokens)}"}

    def _call(self, method: str, path: str, name: str, expect: int = 200, **kwargs) -> dict | None:
        with self.client.request(method, path, name=name, headers=self.headers, catch_response=True,
                                 **kwargs) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code}: {(response.text or '')[:200]}")
                raise FlowFailed(name)
            if response.headers.get("content-type", "").startswith("application/json"):
                return response.json()
            if not response.content.startswith(b"%PDF"):
                response.failure("not a PDF")
                raise FlowFailed(name)
            return None

    @task
    def on_site_case(self):
        started, serial = time.perf_counter(), next(_serial)
        exception = None
        try:
            self._flow(serial)
        except FlowFailed as failed:
            exception = failed
        events.request.fire(request_type="FLOW", name="on-site case", response_time=(time.perf_counter() - started)
                            * 1000, response_length=0, exception=exception, context={})

    def _flow(self, serial: int) -> None:
        form_data = {key: value.format(n=f"{os.getpid()}-{serial}") for key, value in CONFIG["form_data"].items()}
        materials = [{"key": key, "mode": "paper", "original_seen": True, "copies": 1} for key in CONFIG["materials"]]
        case = self._call("POST", "/api/v1/cases", "create (with materials)", 201, json={
            "item": CONFIG["item"], "applicant": CONFIG["applicant"], "form_data": form_data, "materials": materials})
        base = f"/api/v1/cases/{case['case_no']}"
        self._call("POST", f"{base}/actions/accept", "accept", json={})
        case = self._call("POST", f"{base}/actions/decide", "decide", json={"outcome": "grant"})
        certificate = case["result_certificates"][0]
        self._call("GET", f"/api/v1/verify/{certificate['token']}/pdf", "certificate PDF")
        case = self._call("POST", f"{base}/actions/issue", "issue (completes)",
                          json={"delivery": "window", **CONFIG["collector"]})
        if case["state"] != "completed":
            raise FlowFailed(f"state {case['state']}")
        _results.write(f"{case['case_no']}\t{certificate['number']}\n")
