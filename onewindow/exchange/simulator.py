"""A small receiving platform for tests and demos: `onewindow platform simulate --port 8100`.

It stores every row it is sent (deduplicated by row GUID, as a real receiver must), answers in the
platform's reply format, and can be told to misbehave through POST /_control:
  {"mode": "ok" | "fail" (HTTP 500) | "timeout" (sleep past the client's timeout) | "slow"
           | "duplicate_ack" (ack every row twice) | "partial" (ack only half the rows),
   "delay": seconds for "slow"}
GET /_rows lists what it holds; GET /acks?date=YYYY-MM-DD lists acknowledged rows of a day (used by
`onewindow exchange reconcile`). Standard library only: it must run without the project's database.
"""

import json
import sqlite3
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from .signing import verify


class PlatformStore:
    def __init__(self, path: str = ":memory:"):
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.lock = threading.Lock()
        self.db.execute("CREATE TABLE IF NOT EXISTS rows (guid TEXT PRIMARY KEY, seq INTEGER, kind TEXT, "
                        "project_no TEXT, received_at TEXT, body TEXT)")
        self.duplicates = 0

    def store(self, rows: list[dict]) -> list[str]:
        with self.lock:
            seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM rows").fetchone()[0]
            for row in rows:
                seq += 1
                cur = self.db.execute(
                    "INSERT OR IGNORE INTO rows VALUES (?, ?, ?, ?, ?, ?)",
                    (row["row_guid"], seq, row.get("event_kind", ""), row.get("project_no", ""),
                     datetime.now().isoformat(), json.dumps(row, ensure_ascii=False)))
                self.duplicates += cur.rowcount == 0
            self.db.commit()
        return [row["row_guid"] for row in rows]

    def rows(self, day: str | None = None) -> list[dict]:
        sql = "SELECT guid, seq, kind, project_no, received_at FROM rows"
        args = ()
        if day:
            sql, args = sql + " WHERE substr(json_extract(body, '$.sync_time'), 1, 10) = ?", (day,)
        with self.lock:
            cur = self.db.execute(sql + " ORDER BY seq", args)
            return [dict(zip(("guid", "seq", "kind", "project_no", "received_at"), r, strict=True)) for r in cur]


class SimulatorState:
    def __init__(self, store: PlatformStore, secret: str, quiet: bool):
        self.store, self.secret, self.quiet = store, secret, quiet
        self.mode, self.delay = "ok", 0.0
        self.batches = 0


def make_handler(state: SimulatorState):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):  # the simulator prints its own summary lines
            pass

        def _reply(self, status: int, body: dict):
            data = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urlparse(self.path)
            if url.path == "/_rows":
                return self._reply(200, {"rows": state.store.rows(), "duplicates": state.store.duplicates})
            if url.path == "/acks":
                day = parse_qs(url.query).get("date", [None])[0]
                return self._reply(200, {"code": "0", "rows": state.store.rows(day)})
            return self._reply(404, {"code": "404", "msg": "not found"})

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path == "/_control":
                control = json.loads(body or b"{}")
                state.mode = control.get("mode", state.mode)
                state.delay = float(control.get("delay", state.delay))
                return self._reply(200, {"mode": state.mode, "delay": state.delay})
            if self.path != "/exchange/rows":
                return self._reply(404, {"code": "404", "msg": "not found"})
            if state.secret and not verify(self.headers.get("X-Signature-Algorithm", "hmac-sha256"), body,
                                           state.secret, self.headers.get("X-Signature", "")):
                return self._reply(401, {"code": "401", "msg": "bad signature"})
            if state.mode == "fail":
                return self._reply(500, {"code": "500", "msg": "simulated failure"})
            if state.mode == "timeout":
                time.sleep(60)
            if state.mode == "slow":
                time.sleep(state.delay)
            rows = json.loads(body)["rows"]
            acked = state.store.store(rows)
            if state.mode == "partial":
                acked = acked[: len(acked) // 2]
            if state.mode == "duplicate_ack":
                acked = acked + acked
            state.batches += 1
            if not state.quiet:
                print(f"batch {state.batches}: {len(rows)} rows, {len(acked)} acked, "
                      f"{len(state.store.rows())} held", flush=True)
            return self._reply(200, {"code": "0", "msg": "ok", "acked": acked})

    return Handler


def serve(*, host: str = "127.0.0.1", port: int = 8100, secret: str = "", db: str = ":memory:",
          quiet: bool = False) -> ThreadingHTTPServer:
    """Create the server (the caller runs serve_forever, in a thread or in the foreground)."""
    state = SimulatorState(PlatformStore(db), secret, quiet)
    server = ThreadingHTTPServer((host, port), make_handler(state))
    server.state = state
    return server
