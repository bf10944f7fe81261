"""Figures: wait and service time (average, p90), skips, transfers, green share; the statistics summary API
and dashboard carry them."""

import datetime

from django.urls import reverse
from django.utils import timezone

from onewindow.hall import services
from onewindow.hall.figures import hall_figures, p90
from onewindow.hall.models import Ticket

from .conftest import ELDERLY_ID, window


def test_p90_is_the_nearest_rank():
    assert p90([]) is None
    assert p90(list(range(1, 11))) == 9
    assert p90([5]) == 5


def _served(business, clerk, w, wait_min, service_min, **take):
    ticket = services.ticket_take(business=business, **take)
    services.desk_call_next(window=w, actor=clerk)
    services.desk_finish(window=w, actor=clerk)
    taken = timezone.now() - datetime.timedelta(minutes=wait_min + service_min)
    called = taken + datetime.timedelta(minutes=wait_min)
    Ticket.objects.filter(pk=ticket.pk).update(taken_at=taken, first_called_at=called, called_at=called,
                                               finished_at=called + datetime.timedelta(minutes=service_min))


def test_figures_by_window_and_total(hall, business, clerks):
    w1, w2 = window(hall, "1"), window(hall, "2")
    for wait in (2, 4, 6, 8, 10, 12, 14, 16, 18, 20):
        _served(business, clerks[0], w1, wait, 3)
    _served(business, clerks[1], w2, 30, 9, id_number=ELDERLY_ID)
    services.ticket_take(business=business)
    services.desk_call_next(window=w2, actor=clerks[1])
    services.desk_skip(window=w2, actor=clerks[1])
    services.ticket_take(business=business)
    services.desk_call_next(window=w1, actor=clerks[0])
    services.desk_transfer(window=w1, to_window=w2, actor=clerks[0])
    today = timezone.localdate()
    rows, total = hall_figures(date_from=today, date_to=today, by="window")
    by = {r.label: r for r in rows}
    assert (by["1"].taken, by["1"].served, by["1"].avg_wait_minutes, by["1"].p90_wait_minutes) == (10, 10, 11.0, 18.0)
    assert by["1"].avg_service_minutes == 3.0 and by["1"].transferred == 1
    assert (by["2"].served, by["2"].skipped, by["2"].p90_service_minutes) == (1, 1, 9.0)
    assert (total.taken, total.served, total.skipped, total.transferred) == (13, 11, 1, 1)
    assert total.green_share == round(100 / 13, 1)


def test_stats_summary_and_dashboard_show_the_hall(api, login, hall, business, clerks, supervisor):
    _served(business, clerks[0], window(hall, "1"), 10, 5)
    _served(business, clerks[0], window(hall, "1"), 20, 5)
    body = api(supervisor).get("/api/v1/stats/summary").json()
    assert (body["tickets"], body["avg_wait_minutes"], body["p90_wait_minutes"]) == (2, 15.0, 20)
    page = login(supervisor).get(reverse("stats:dashboard")).content.decode()
    assert "大厅排队" in page and "社会组织登记" in page and "90%等候（分钟）" in page and "绿色通道占比（%）" in page
    assert login(supervisor).get(reverse("hall:figures"), {"by": "clerk"}).status_code == 200
    assert login(clerks[0]).get(reverse("hall:figures")).status_code == 403
