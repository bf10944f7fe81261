"""The size sweep (issue 19): one run per size, and the p95 of every page side by side in the report."""

from onewindow.bench import explain, report
from onewindow.bench.runner import _without


def test_the_sweep_forwards_every_option_but_its_own_and_the_per_size_ones():
    argv = [
        "--sweep",
        "10000,100000",
        "--cases=5",
        "--connections",
        "4",
        "--database-url",
        "postgres://x/b",
        "--quick",
    ]
    assert _without(_without(_without(argv, "--sweep"), "--cases"), "--database-url") == [
        "--connections",
        "4",
        "--quick",
    ]


def test_the_report_shows_p95_at_each_size_and_the_growth():
    page = {
        "rps": 100.0,
        "p50_ms": 1.0,
        "p95_ms": 3.0,
        "p99_ms": 4.0,
        "errors": 0,
        "connections": 8,
        "example": "/x",
        "group": "public",
    }
    results = {
        "meta": {
            "date": "d",
            "commit": "c",
            "command": "make bench",
            "duration_seconds": 1,
            "machine": "m",
            "database": "db",
            "versions": {},
            "seconds_per_page_scenario": 1,
            "connections": 0,
            "flow_seconds": 1,
        },
        "scenarios": [
            {**page, "name": "hello", "label": "hello"},
            {**page, "name": "case_page", "label": "case page", "p95_ms": 30.0},
        ],
        "goals": [],
        "sweep": [
            {"cases": 10000, "p95_ms": {"hello": 2.0, "case_page": 20.0}},
            {"cases": 100000, "p95_ms": {"hello": 6.0, "case_page": 30.0}},
        ],
    }
    text = report.markdown(results)
    assert "| scenario | 10,000 cases | 100,000 cases | growth 10,000 → 100,000 (of hello) |" in text
    assert "| case page | 20.0 (10.0×) | 30.0 (5.0×) | 0.50× |" in text  # hello's p95 tripled: the machine
    assert "| hello | 2.0 (1.0×) | 6.0 (1.0×) | 1.00× |" in text


def test_the_report_names_each_pages_queries_and_its_slowest_plan_at_the_largest_size():
    def explain(queries, ms, plan):
        return [
            {
                "name": "case_page",
                "request": "/x",
                "status": 200,
                "queries": queries,
                "query_ms": ms,
                "slowest": [{"sql": "SELECT 1", "ms": 4.2, "plan": plan}],
            }
        ]

    sweep = [
        {"cases": 10000, "explain": explain(12, 3.5, "Index Scan cases_case (pk) rows=1")},
        {"cases": 100000, "explain": explain(12, 9.0, "Seq Scan cases_casematerial rows=4 removed=99996")},
    ]
    text = "\n".join(report.explained(sweep, {"case_page": "case page"}))
    assert (
        "| case page | 12 / 3.5 | 12 / 9.0 | 4.2 ms: Seq Scan cases_casematerial rows=4 removed=99996 |"
        in text
    )


def test_a_plan_is_summarised_as_its_scans_with_rows_read_and_thrown_away():
    plan = {
        "Plan": {
            "Node Type": "Nested Loop",
            "Plans": [
                {
                    "Node Type": "Index Scan",
                    "Relation Name": "cases_case",
                    "Index Name": "cases_case_pkey",
                    "Actual Rows": 1,
                    "Actual Loops": 1,
                },
                {
                    "Node Type": "Seq Scan",
                    "Relation Name": "cases_casematerial",
                    "Actual Rows": 4,
                    "Actual Loops": 2,
                    "Rows Removed by Filter": 500,
                },
            ],
        }
    }
    assert explain.plan_summary(plan) == (
        "Index Scan cases_case (cases_case_pkey) rows=1; Seq Scan cases_casematerial rows=4×2 removed=500"
    )
