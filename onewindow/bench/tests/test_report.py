"""The hall's figures in the report: the p95 of each request beside its multiple of the hello view's p95."""

from onewindow.bench import report


def test_hall_result_gives_the_ratio_to_the_hello_p95_of_the_same_run():
    rows = [
        {"Name": "take a ticket", "Request Count": "900", "50%": "9", "95%": "24", "Requests/s": "30"},
        {
            "Name": "call the next person",
            "Request Count": "800",
            "50%": "11",
            "95%": "31",
            "Requests/s": "26.7",
        },
        {"Name": "Aggregated", "Failure Count": "0"},
    ]
    hello = report.hello_p95([{"name": "guide_list", "p95_ms": 9.0}, {"name": "hello", "p95_ms": 4.0}])
    result = report.hall_result(rows, users=40, seconds=30, hello_p95_ms=hello)
    assert (result["kiosks"], result["clerks"], result["hello_p95_ms"]) == (20, 20, 4.0)
    assert result["take"]["p95_of_hello"] == 6.0 and result["call"]["p95_of_hello"] == 7.8
    assert report.hall_p95(result["call"]) == "31.0 ms (7.8× hello)"
    assert report.hall_p95(report.hall_result(rows, users=4, seconds=8)["take"]) == "24.0 ms"
