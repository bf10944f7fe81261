"""Where a page's time goes in the database: each page scenario requested once in process (Django's test
client, the bench's own sign-ins), its queries captured, and the slowest SELECTs explained with the plan the
database really ran (PostgreSQL: EXPLAIN ANALYZE; SQLite: EXPLAIN QUERY PLAN, no timings). The size sweep
shows these beside the p95 at each size, so that a page whose cost grows can be read down to the query."""

from urllib.parse import parse_qsl

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

TOP = 3  # slowest queries explained per page


def _client(who: str | None, fixtures) -> tuple[Client, dict]:
    client, headers = Client(HTTP_HOST="127.0.0.1"), {}
    if who == "leader-token":
        headers["Authorization"] = f"Bearer {fixtures.leader_token}"
    elif who in fixtures.cookies:
        name, _, value = fixtures.cookies[who].partition("=")
        client.cookies[name] = value
    return client, headers


def _request(client: Client, method: str, line: str, headers: dict):
    path, _, body = line.partition("\t")
    if method == "POST":
        return client.post(path, dict(parse_qsl(body)), headers=headers)
    return client.get(path, headers=headers)


def _walk(node: dict):
    yield node
    for child in node.get("Plans", ()):
        yield from _walk(child)


def plan_summary(plan: dict) -> str:
    """The scans of a PostgreSQL JSON plan in one line: node, table (index), rows returned × loops, and rows a
    filter threw away — what shows whether a query reads what it returns or much more."""
    parts = []
    for node in _walk(plan["Plan"]):
        if "Relation Name" not in node:
            continue
        text = f"{node['Node Type']} {node['Relation Name']}"
        if node.get("Index Name"):
            text += f" ({node['Index Name']})"
        text += f" rows={node.get('Actual Rows', '?')}"
        if node.get("Actual Loops", 1) != 1:
            text += f"×{node['Actual Loops']}"
        removed = node.get("Rows Removed by Filter", 0) + node.get("Rows Removed by Index Recheck", 0)
        if removed:
            text += f" removed={removed}"
        parts.append(text)
    return "; ".join(parts) or plan["Plan"]["Node Type"]


def _explain(sql: str) -> dict:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0][0]
            return {"ms": round(plan["Execution Time"], 2), "plan": plan_summary(plan)}
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return {"ms": None, "plan": "; ".join(row[-1] for row in cursor.fetchall())}


def page(name: str, who: str | None, method: str, line: str, fixtures) -> dict:
    """One page's queries: how many, their total time, and the slowest SELECTs with their plans."""
    client, headers = _client(who, fixtures)
    _request(client, method, line, headers)  # warm: per-process caches, as under load
    with CaptureQueriesContext(connection) as captured:
        status = _request(client, method, line, headers).status_code
    queries = sorted(captured.captured_queries, key=lambda q: float(q["time"]), reverse=True)
    slowest = []
    for query in queries:
        if len(slowest) == TOP:
            break
        if query["sql"].lstrip().upper().startswith("SELECT"):
            slowest.append({"sql": query["sql"][:300], **_explain(query["sql"])})
    return {
        "name": name,
        "request": line.split("\t")[0],
        "status": status,
        "queries": len(queries),
        "query_ms": round(sum(float(q["time"]) for q in queries) * 1000, 1),
        "slowest": slowest,
    }


def pages(scenarios, fixtures) -> list[dict]:
    """Every page scenario but the hello view (no database), each with its first request line."""
    return [
        page(name, who, method, fixtures.lines[name][0], fixtures)
        for name, who, method, _status, _group in scenarios
        if name != "hello"
    ]
