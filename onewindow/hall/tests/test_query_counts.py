"""The two hall writes under load (`make bench`'s hall scenario) keep their number of queries: a query more on
every ticket taken or called is CPU on the two cores every kiosk and clerk shares (docs/benchmarks.md, the
hall). Counted inside the test's transaction: savepoints instead of BEGIN/COMMIT, no after-commit work."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.hall import services

from .conftest import window

# take: the rate counter, the business, its lock, hours, time bands, the number, the ticket, its queue event, its
# audit event, the people ahead (+ the savepoint's two); the wait's pace is kept by the process
TAKE_QUERIES = 12
# call: the token, the roles, the window, the locked desk with its current ticket, the next ticket, its call, the
# desk, the end of the previous service, two audit events, one insert of both queue events, the platform client
# the API log looks for (+ the savepoint's two)
CALL_QUERIES = 14


def _count(send) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = send()
    return len(captured.captured_queries), response


def test_taking_a_ticket_with_people_ahead(api, business, clerks):
    kiosk = api(None)
    for _ in range(3):
        services.ticket_take(business=business)
    services.desk_call_next(window=window(business.hall, "1"), actor=clerks[0])
    services.desk_call_next(window=window(business.hall, "1"), actor=clerks[0])  # one served: a pace to read
    kiosk.post("/api/v1/hall/tickets", {"business": "shzz"})  # the pace is read once per process and kept
    queries, response = _count(lambda: kiosk.post("/api/v1/hall/tickets", {"business": "shzz"}))
    assert response.status_code == 201 and response.json()["people_ahead"] == 2
    assert queries == TAKE_QUERIES


def test_calling_the_next_person_while_serving_one(api, business, clerks):
    clerk, url = api(clerks[0]), f"/api/v1/hall/windows/{window(business.hall, '1').pk}/call"
    for _ in range(3):
        services.ticket_take(business=business)
    assert clerk.post(url).status_code == 200  # now serving the first
    queries, response = _count(lambda: clerk.post(url))
    assert response.status_code == 200 and response.json()["number"] == "A002"
    assert queries == CALL_QUERIES
