"""Each refusal of the hall by its error code: the service refuses and changes nothing; the kiosk, the desk,
the manager's screen and the rating pad show the Chinese message, the API the status and the code."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from onewindow.accounts.models import Role, Window
from onewindow.accounts.services import staff_upsert
from onewindow.cases.tests.factories import make_case, make_item
from onewindow.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from onewindow.hall import services
from onewindow.hall.models import Appointment, AppointmentSlot, Desk, Ticket
from onewindow.hall.pad import pad_code_issue
from onewindow.ratings.models import Level

from .conftest import window

pytestmark = pytest.mark.django_db


def _desk_act(client, action, **data):
    return client.post(reverse("hall:desk_act", args=[action]), data, follow=True)


# --- the kiosk, appointments and the API ----------------------------------------------------------------------


def test_the_kiosk_asks_for_a_business_and_a_declared_priority(client, business, refused):
    page = client.post(reverse("hall:kiosk"), {})
    assert (
        page.status_code == 422 and "请选择业务。" in page.content.decode() and refused[-1] == "no_business"
    )
    page = client.post(reverse("hall:kiosk"), {"business": business.pk, "priority": "staff"})
    assert page.status_code == 422 and "绿色通道请选择残疾人或孕妇。" in page.content.decode()
    assert refused[-1] == "bad_priority" and not Ticket.objects.exists()


def test_the_api_needs_a_configured_hall(api, db):
    response = api(None).get("/api/v1/hall/businesses")
    assert response.status_code == 404 and response.json()["code"] == "no_hall"


def test_only_an_existing_slot_of_an_offered_business_is_booked(api, business):
    day = timezone.localdate() + datetime.timedelta(days=1)
    slot = AppointmentSlot.objects.create(
        business=business, date=day, starts_at=datetime.time(9, 30), ends_at=datetime.time(11), capacity=2
    )
    response = api(None).post(
        "/api/v1/appointments",
        {"slot": slot.pk + 1, "id_number": "430102199003076545", "mobile": "13900001111"},
    )
    assert response.status_code == 404 and response.json()["code"] == "unknown_slot"
    business.active = False
    business.save(update_fields=["active"])
    with pytest.raises(NotFound) as exc:
        services.appointment_book(slot=slot, id_number="430102199003076545", mobile="13900001111")
    assert exc.value.code == "unknown_slot" and not Appointment.objects.exists()


# --- the window clerk -------------------------------------------------------------------------------------------


def test_the_desk_needs_a_current_ticket_to_recall_and_an_open_window_to_call(
    hall, business, clerks, login, refused
):
    desk = login(clerks[0])
    page = _desk_act(desk, "recall")
    assert "本窗口当前没有正在办理的号。" in page.content.decode() and refused[-1] == "no_current_ticket"
    services.ticket_take(business=business)
    _desk_act(desk, "pause")
    page = _desk_act(desk, "next")
    assert "窗口已暂停服务，请先恢复服务。" in page.content.decode() and refused[-1] == "window_paused"
    assert Ticket.objects.get().state == Ticket.State.WAITING


def test_a_skipped_ticket_is_called_back_only_by_a_free_window(hall, business, clerks, login, refused):
    first = services.ticket_take(business=business)
    waiting = services.ticket_take(business=business)
    w1 = window(hall, "1")
    services.desk_call_next(window=w1, actor=clerks[0])
    services.desk_skip(window=w1, actor=clerks[0])
    services.desk_call_next(window=w1, actor=clerks[0])  # now serving the second
    desk = login(clerks[0])
    page = _desk_act(desk, "callback", ticket=first.pk)
    assert "请先结束当前办理。" in page.content.decode() and refused[-1] == "window_busy"
    page = login(clerks[1]).post(
        reverse("hall:desk_act", args=["callback"]), {"ticket": waiting.pk}, follow=True
    )
    assert "该号不在过号待呼状态。" in page.content.decode() and refused[-1] == "not_skipped"
    first.refresh_from_db()
    assert first.state == Ticket.State.SKIPPED


def test_a_ticket_is_transferred_only_to_another_calling_window_of_the_hall(
    hall, business, clerks, login, refused
):
    services.ticket_take(business=business)
    w1 = window(hall, "1")
    services.desk_call_next(window=w1, actor=clerks[0])
    page = _desk_act(login(clerks[0]), "transfer", to=w1.pk)
    assert "请选择本大厅的其他窗口。" in page.content.decode() and refused[-1] == "bad_window"
    no_desk = Window.objects.create(hall=hall, number="9", name="9号窗口", department=w1.department)
    with pytest.raises(ValidationFailed) as exc:
        services.desk_transfer(window=w1, to_window=no_desk, actor=clerks[0])
    assert exc.value.code == "bad_window"
    assert Ticket.objects.get().state == Ticket.State.CALLED


def test_only_a_waiting_ticket_is_given_priority(hall, business, clerks, login, refused):
    ticket = services.ticket_take(business=business)
    services.desk_call_next(window=window(hall, "1"), actor=clerks[0])
    page = _desk_act(login(clerks[0]), "priority", ticket=ticket.pk)
    assert "只有等候中的号可以设为优先。" in page.content.decode() and refused[-1] == "not_waiting"
    assert Ticket.objects.get().priority == ""


def test_a_window_without_a_desk_calls_nobody(hall, business, login, refused):
    counter = Window.objects.create(
        hall=hall, number="8", name="8号窗口", department=window(hall, "1").department
    )
    clerk = staff_upsert(
        username="c8", full_name="窗口8", roles=[Role.CLERK], window=counter, password="test-pass-123"
    )
    services.ticket_take(business=business)
    page = _desk_act(login(clerk), "next")
    assert "该窗口未开通叫号。" in page.content.decode() and refused[-1] == "no_desk"
    assert Ticket.objects.get().state == Ticket.State.WAITING


def test_a_window_is_only_opened_or_paused(hall, clerks):
    with pytest.raises(ValidationFailed) as exc:
        services.desk_set_state(window=window(hall, "1"), state=Desk.State.CLOSED, actor=clerks[0])
    assert (
        exc.value.code == "bad_state" and Desk.objects.get(window=window(hall, "1")).state == Desk.State.OPEN
    )


def test_only_the_ticket_being_served_starts_one_case(hall, business, clerks):
    item = make_item()
    ticket = services.ticket_take(business=business)
    case = make_case(item, clerks[0])
    with pytest.raises(Conflict) as exc:
        services.ticket_link_case(ticket_id=ticket.pk, case=case, actor=clerks[0])
    assert exc.value.code == "not_serving"
    services.desk_call_next(window=window(hall, "1"), actor=clerks[0])
    with pytest.raises(Conflict) as exc:
        services.ticket_link_case(ticket_id=ticket.pk, case=case, actor=clerks[1])
    assert exc.value.code == "not_serving"
    services.ticket_link_case(ticket_id=ticket.pk, case=case, actor=clerks[0])
    with pytest.raises(Conflict) as exc:
        services.ticket_link_case(ticket_id=ticket.pk, case=make_case(item, clerks[0]), actor=clerks[0])
    assert exc.value.code == "has_case" and Ticket.objects.get().case_id == case.pk


# --- the hall manager -------------------------------------------------------------------------------------------


def test_the_manager_opens_only_a_standby_window(hall, supervisor, login, refused):
    page = login(supervisor).post(reverse("hall:overview"), {"window": window(hall, "1").pk}, follow=True)
    assert "该窗口不是备用窗口。" in page.content.decode() and refused[-1] == "not_standby"


# --- the rating pad ---------------------------------------------------------------------------------------------


def test_only_a_windows_clerk_pairs_a_pad_with_a_valid_code(client, clerk, refused):
    with pytest.raises(PermissionDenied) as exc:
        pad_code_issue(actor=clerk)  # a clerk without a window
    assert exc.value.code == "no_window"
    page = client.post(reverse("ratings:pad"), {"do": "pair", "code": "000000"}, follow=True)
    assert "配对码错误或已过期" in page.content.decode() and refused[-1] == "bad_pad_code"
    assert "rating_pad" not in client.cookies


def test_a_service_is_rated_with_one_of_the_levels(hall, business, clerks):
    ticket = services.ticket_take(business=business)
    services.desk_call_next(window=window(hall, "1"), actor=clerks[0])
    services.desk_finish(window=window(hall, "1"), actor=clerks[0])
    with pytest.raises(ValidationFailed) as exc:
        services.ticket_rate(ticket=ticket, level="best", levels=Level.values)
    assert exc.value.code == "bad_level" and Ticket.objects.get().rating == ""


def test_the_counter_intake_reaches_the_ticket_through_the_hook_the_hall_fills(hall, business, clerks, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from onewindow.cases import origins

    ticket = services.ticket_take(business=business, id_number="110101199003077774")
    services.desk_call_next(window=window(hall, "1"), actor=clerks[0])
    assert origins.ticket_id_number(clerks[0], str(ticket.pk)) == "110101199003077774"  # wired in HallConfig.ready()
    assert origins.ticket_id_number(clerks[1], str(ticket.pk)) == ""  # not the ticket this clerk serves
    case = make_case(make_item(), clerks[0])
    origins.ticket_link(ticket_id=str(ticket.pk), case=case, actor=clerks[0])
    assert Ticket.objects.get().case_id == case.pk
    monkeypatch.setattr(origins, "_ticket_link", None)
    with pytest.raises(ImproperlyConfigured):  # a ticket is never silently left unlinked
        origins.ticket_link(ticket_id=str(ticket.pk), case=case, actor=clerks[0])
