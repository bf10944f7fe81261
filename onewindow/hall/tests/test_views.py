"""Pages and API: who may use each (anonymous, wrong role, right role), bad input, and no personal data on
public screens."""

from django.urls import reverse

from onewindow.hall import services
from onewindow.hall.models import Desk, Ticket

from .conftest import ELDERLY_ID, YOUNG_ID, window


def _login_redirect(response):
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_kiosk_is_public_and_refuses_a_bad_id_number_in_chinese(client, business):
    assert client.get(reverse("hall:kiosk")).status_code == 200
    bad = client.post(reverse("hall:kiosk"), {"business": business.pk, "id_number": "43010219900307654X"})
    assert bad.status_code == 422 and "第18位" in bad.content.decode() and not Ticket.objects.exists()
    assert client.post(reverse("hall:kiosk"), {"business": "x"}).status_code == 422
    ok = client.post(reverse("hall:kiosk"), {"business": business.pk, "id_number": YOUNG_ID})
    ticket = Ticket.objects.get()
    assert ok.status_code == 302 and ok["Location"] == reverse("hall:ticket", args=[ticket.token])
    page = client.get(ok["Location"]).content.decode()
    assert "A001" in page and YOUNG_ID not in page and "4301**********6545" in page and "data:image/png" in page


def test_receipt_is_a_pdf_for_58_and_80_mm(client, business):
    ticket = services.ticket_take(business=business)
    for width in ("58", "80"):
        response = client.get(reverse("hall:receipt", args=[ticket.token]), {"width": width})
        assert response.status_code == 200 and response.content[:5] == b"%PDF-"
    assert client.get(reverse("hall:receipt", args=["forged"])).status_code == 404


def test_display_feed_shows_calls_and_counts_but_no_personal_data(client, hall, business, clerks):
    services.ticket_take(business=business, id_number=ELDERLY_ID)
    services.ticket_take(business=business)
    services.desk_call_next(window=window(hall, "3"), actor=clerks[2])
    assert client.get(reverse("hall:display")).status_code == 200
    data = client.get(reverse("hall:display_feed")).json()
    assert data["calls"][0]["number"] == "A001" and data["calls"][0]["window"] == "3"
    assert {"name": "社会组织登记", "waiting": 1} in data["waiting"]
    body = str(data)
    assert ELDERLY_ID not in body and "1101" not in body and "窗口3" not in body  # no ID, no clerk name
    feed = client.get(reverse("hall:window_feed", args=[window(hall, "3").pk])).json()
    assert feed["number"] == "A001" and feed["clerk"] == "窗口3"


def test_desk_permissions_and_actions(client, login, hall, business, clerks, reviewer, clerk):
    url = reverse("hall:desk")
    assert _login_redirect(client.get(url))
    assert login(reviewer).get(url).status_code == 403
    assert "没有叫号窗口" in login(clerk).get(url).content.decode()  # a clerk without a window
    services.ticket_take(business=business)
    desk = login(clerks[0])
    assert login(reviewer).post(reverse("hall:desk_act", args=["next"])).status_code == 403
    desk.post(reverse("hall:desk_act", args=["next"]))
    page = desk.get(url).content.decode()
    assert "A001" in page and "?ticket=" in page
    desk.post(reverse("hall:desk_act", args=["transfer"]), {"to": window(hall, "2").pk})
    assert Ticket.objects.get().for_window == window(hall, "2")
    desk.post(reverse("hall:desk_act", args=["pause"]))
    assert Desk.objects.get(window=window(hall, "1")).state == "paused"
    assert "暂停" in desk.get(url).content.decode()
    assert desk.post(reverse("hall:desk_act", args=["nonsense"])).status_code == 404


def test_desk_page_queries_do_not_grow_with_the_queue(login, business, clerks, django_assert_max_num_queries):
    for _ in range(20):
        services.ticket_take(business=business, id_number=YOUNG_ID)
    desk = login(clerks[0])
    with django_assert_max_num_queries(14):
        assert desk.get(reverse("hall:desk")).status_code == 200


def test_overview_is_for_the_hall_manager(client, login, hall, clerks, supervisor):
    url = reverse("hall:overview")
    assert _login_redirect(client.get(url))
    assert login(clerks[0]).get(url).status_code == 403
    Desk.objects.filter(window=window(hall, "3")).update(standby=True, state="closed")
    manager = login(supervisor)
    assert manager.get(url).status_code == 200
    manager.post(url, {"window": window(hall, "3").pk})
    assert Desk.objects.get(window=window(hall, "3")).state == "open"


def test_waiting_warning_after_the_business_time(hall, business, supervisor, login):
    import datetime

    from django.utils import timezone

    business.warn_after_minutes = 10
    business.save()
    services.ticket_take(business=business, now=timezone.now() - datetime.timedelta(minutes=25))
    assert "已等候 25 分钟" in login(supervisor).get(reverse("hall:overview")).content.decode()


# --- API ---------------------------------------------------------------------------------------------------

def test_api_public_businesses_and_tickets(api, hall, business):
    anonymous = api(None)
    assert {"code": "shzz", "name": "社会组织登记", "waiting": 0} in anonymous.get("/api/v1/hall/businesses").json()
    bad = anonymous.post("/api/v1/hall/tickets", {"business": "shzz", "id_number": "123"})
    assert bad.status_code == 422 and bad.json()["code"] == "bad_id_number"
    assert anonymous.post("/api/v1/hall/tickets", {"business": "none"}).json()["code"] == "unknown_business"
    made = anonymous.post("/api/v1/hall/tickets", {"business": "shzz"})
    assert made.status_code == 201 and made.json()["number"] == "A001"
    again = anonymous.post("/api/v1/hall/tickets", {"business": "shzz"}).json()
    assert again["people_ahead"] == 1
    assert anonymous.get(f"/api/v1/hall/tickets/{again['id']}").json()["state"] == "waiting"
    unknown = anonymous.get("/api/v1/hall/tickets/1")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"  # the API's generic 404


def test_api_taking_is_throttled_per_address(api, business, settings):
    settings.ONEWINDOW_PUBLIC_RATE_LIMIT = 2
    anonymous = api(None)
    codes = [anonymous.post("/api/v1/hall/tickets", {"business": "shzz"}).status_code for _ in range(3)]
    assert codes == [201, 201, 429] and Ticket.objects.count() == 2
    settings.ONEWINDOW_HALL_TAKES_PER_MINUTE = 100  # the hall's own limit, for kiosks behind one address
    assert anonymous.post("/api/v1/hall/tickets", {"business": "shzz"}).status_code == 201


def test_api_windows_and_call(api, hall, business, clerks, applicant, reviewer):
    assert api(None).get("/api/v1/hall/windows").status_code == 401
    assert api(applicant).get("/api/v1/hall/windows").status_code == 403
    rows = api(clerks[0]).get("/api/v1/hall/windows").json()
    assert [r["number"] for r in rows] == ["1", "2", "3"] and rows[0]["businesses"] == ["shzz"]
    url = f"/api/v1/hall/windows/{window(hall, '1').pk}/call"
    assert api(reviewer).post(url).status_code == 403
    assert api(clerks[1]).post(url).json()["code"] == "not_your_window"
    nobody = api(clerks[0]).post(url)
    assert nobody.status_code == 404 and nobody.json()["code"] == "nobody_waiting"
    services.ticket_take(business=business)
    called = api(clerks[0]).post(url).json()
    assert called["number"] == "A001" and called["window"] == "1" and called["state"] == "called"


def test_admin_pages_open_and_tickets_are_read_only(login, administrator, business):
    administrator.is_staff = administrator.is_superuser = True
    administrator.save()
    services.ticket_take(business=business, id_number=YOUNG_ID)
    admin = login(administrator)
    for name in ("business", "desk", "appointmentslot", "ticket", "appointment", "queueevent"):
        assert admin.get(reverse(f"admin:hall_{name}_changelist")).status_code == 200
    ticket = Ticket.objects.get()
    page = admin.get(reverse("admin:hall_ticket_change", args=[ticket.pk])).content.decode()
    assert YOUNG_ID not in page and "4301**********6545" in page


def test_display_feeds_are_cheap_whatever_the_queue(client, hall, business, clerks, django_assert_max_num_queries):
    """Every hall TV and window screen polls every second or faster: a fixed, small number of queries."""
    for _ in range(10):
        services.ticket_take(business=business)
    for clerk, number in zip(clerks, ("1", "2", "3"), strict=True):
        services.desk_call_next(window=window(hall, number), actor=clerk)
    with django_assert_max_num_queries(3):
        assert len(client.get(reverse("hall:display_feed")).json()["calls"]) == 3
    url = reverse("hall:window_feed", args=[window(hall, "1").pk])
    with django_assert_max_num_queries(1):
        assert client.get(url).json()["number"] == "A001"


def test_intake_from_a_ticket_prefills_only_for_the_clerk_serving_it(login, hall, business, clerks):
    """The ID number travels from the ticket to the intake form on the server, never in the URL."""
    ticket = services.ticket_take(business=business, id_number=YOUNG_ID)
    services.desk_call_next(window=window(hall, "1"), actor=clerks[0])
    url = reverse("cases:intake") + f"?ticket={ticket.pk}"
    assert YOUNG_ID not in login(clerks[0]).get(reverse("hall:desk")).content.decode()
    serving = login(clerks[0]).get(url)
    assert serving.context["values"]["id_number"] == YOUNG_ID and serving.context["values"]["ticket"] == str(ticket.pk)
    other = login(clerks[1]).get(url)
    assert "id_number" not in other.context["values"]


def test_online_take_is_the_kiosk_on_the_portal_channel(client, business):
    """Online 取号 from the portal (issue 18): the same form, the ticket's channel is the portal."""
    page = client.get(reverse("hall:take")).content.decode()
    assert "在线取号" in page and "社会组织登记" in page
    taken = client.post(reverse("hall:take"), {"business": business.pk})
    assert taken.status_code == 302
    assert Ticket.objects.get().channel == Ticket.Channel.PORTAL
    client.post(reverse("hall:kiosk"), {"business": business.pk})
    assert Ticket.objects.filter(channel=Ticket.Channel.KIOSK).count() == 1
