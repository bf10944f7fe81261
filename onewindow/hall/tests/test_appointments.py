"""Appointments: booking with capacity, check-in at the kiosk by code or ID number, the call order while the
slot lasts, extended-hours slots per window, no-shows, the API and the portal's collection slots."""

import datetime

import pytest
from django.utils import timezone

from onewindow.core.errors import Conflict, NotFound, ValidationFailed
from onewindow.hall import services
from onewindow.hall.figures import hall_figures
from onewindow.hall.models import Appointment, AppointmentSlot, Ticket

from .conftest import ELDERLY_ID, YOUNG_ID, window

OTHER_ID = "110101199001010015"


@pytest.fixture
def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def slot(business, tomorrow):
    return AppointmentSlot.objects.create(business=business, date=tomorrow, starts_at=datetime.time(9, 30),
                                          ends_at=datetime.time(11), capacity=2)


def test_booking_checks_input_capacity_and_one_per_person(slot):
    with pytest.raises(ValidationFailed) as bad:
        services.appointment_book(slot=slot, id_number="123", mobile="2")
    assert bad.value.code == "bad_booking" and set(bad.value.details) == {"id_number", "mobile"}
    first = services.appointment_book(slot=slot, id_number=YOUNG_ID, mobile="13900001111")
    assert len(first.code) == 8 and first.state == "booked"
    with pytest.raises(Conflict) as twice:
        services.appointment_book(slot=slot, id_number=YOUNG_ID, mobile="13900001111")
    assert twice.value.code == "already_booked"
    services.appointment_book(slot=slot, id_number=OTHER_ID, mobile="13900002222")
    with pytest.raises(Conflict) as full:
        services.appointment_book(slot=slot, id_number=ELDERLY_ID, mobile="13900003333")
    assert full.value.code == "slot_full" and Appointment.objects.count() == 2


def test_a_slot_that_is_over_cannot_be_booked(business):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    over = AppointmentSlot.objects.create(business=business, date=yesterday, starts_at=datetime.time(9, 30),
                                          ends_at=datetime.time(11), capacity=2)
    with pytest.raises(Conflict) as refused:
        services.appointment_book(slot=over, id_number=YOUNG_ID, mobile="13900001111")
    assert refused.value.code == "slot_over" and not Appointment.objects.exists()


def test_check_in_and_call_order_while_the_slot_lasts(hall, business, slot, tomorrow):
    booked = services.appointment_book(slot=slot, id_number=OTHER_ID, mobile="13900002222")
    by_id = services.appointment_book(slot=slot, id_number=YOUNG_ID, mobile="13900001111")
    regular = services.ticket_take(business=business, now=_at(tomorrow, 9, 50))
    with pytest.raises(NotFound):
        services.ticket_take(business=business, appointment_code="WRONG123", now=_at(tomorrow, 9, 55))
    holder = services.ticket_take(business=business, appointment_code=booked.code.lower(), now=_at(tomorrow, 10))
    by_number = services.ticket_take(business=business, id_number=YOUNG_ID, now=_at(tomorrow, 10, 1))
    elderly = services.ticket_take(business=business, id_number=ELDERLY_ID, now=_at(tomorrow, 10, 2))
    assert Appointment.objects.get(pk=booked.pk).ticket == holder
    assert Appointment.objects.get(pk=by_id.pk).state == "checked_in"
    w1 = window(hall, "1")
    during = [t.pk for t in services.queue_order(w1, _at(tomorrow, 10, 5))]
    assert during == [elderly.pk, holder.pk, by_number.pk, regular.pk]
    after = [t.pk for t in services.queue_order(w1, _at(tomorrow, 11, 30))]
    assert after == [elderly.pk, regular.pk, holder.pk, by_number.pk]


def test_check_in_too_early_is_refused_with_the_slot_time(business, slot, tomorrow):
    booked = services.appointment_book(slot=slot, id_number=OTHER_ID, mobile="13900002222")
    with pytest.raises(Conflict) as early:
        services.ticket_take(business=business, appointment_code=booked.code, now=_at(tomorrow, 8))
    assert early.value.code == "not_appointment_time" and "09:30" in early.value.message


def test_extended_hours_slot_gives_a_ticket_for_its_window_outside_hours(hall, business, tomorrow):
    business.opens_at, business.closes_at = datetime.time(8, 30), datetime.time(17)
    business.save()
    late = AppointmentSlot.objects.create(business=business, window=window(hall, "3"), date=tomorrow, kind="extended",
                                          starts_at=datetime.time(17, 30), ends_at=datetime.time(19), capacity=5)
    booked = services.appointment_book(slot=late, id_number=OTHER_ID, mobile="13900002222")
    with pytest.raises(Conflict):
        services.ticket_take(business=business, now=_at(tomorrow, 17, 40))
    ticket = services.ticket_take(business=business, appointment_code=booked.code, now=_at(tomorrow, 17, 40))
    assert ticket.for_window == window(hall, "3")


def test_no_shows_are_recorded_after_the_slot_and_counted(business, slot, tomorrow):
    kept = services.appointment_book(slot=slot, id_number=OTHER_ID, mobile="13900002222")
    services.appointment_book(slot=slot, id_number=YOUNG_ID, mobile="13900001111")
    services.ticket_take(business=business, appointment_code=kept.code, now=_at(tomorrow, 10))
    assert services.appointments_mark_no_show(now=_at(tomorrow, 10, 30)) == 0  # the slot still runs
    assert services.appointments_mark_no_show(now=_at(tomorrow, 11, 1)) == 1
    rows, total = hall_figures(date_from=tomorrow, date_to=tomorrow, by="business")
    assert (total.booked, total.checked_in, total.no_show) == (2, 1, 1)


def test_api_slots_and_booking(api, business, slot, tomorrow):
    anonymous = api(None)
    listed = anonymous.get(f"/api/v1/appointments/slots?business=shzz&date={tomorrow}").json()
    assert listed == [{"id": slot.pk, "date": str(tomorrow), "starts_at": "09:30:00", "ends_at": "11:00:00",
                       "kind": "regular", "window": "", "capacity": 2, "available": 2}]
    made = anonymous.post("/api/v1/appointments", {"slot": slot.pk, "id_number": YOUNG_ID, "mobile": "13900001111"})
    assert made.status_code == 201 and made.json()["business"] == "shzz"
    again = anonymous.post("/api/v1/appointments", {"slot": slot.pk, "id_number": YOUNG_ID, "mobile": "13900001111"})
    assert again.status_code == 409 and again.json()["code"] == "already_booked"
    assert anonymous.post("/api/v1/appointments", {"slot": slot.pk, "id_number": "1", "mobile": "1"}).status_code == 422
    assert anonymous.get(f"/api/v1/appointments/slots?business=shzz&date={tomorrow}").json()[0]["available"] == 1
    assert anonymous.get(f"/api/v1/appointments/slots?business=nope&date={tomorrow}").status_code == 404
    ticket = anonymous.post("/api/v1/hall/tickets", {"business": "shzz", "appointment_code": made.json()["code"]})
    assert ticket.status_code == 404 and ticket.json()["code"] == "unknown_appointment"  # it is for tomorrow


def test_portal_collection_slots_are_hall_slots(db, tomorrow):
    slot = services.collection_slot_lock(date=tomorrow, period="am", capacity=20)
    again = services.collection_slot_lock(date=tomorrow, period="am", capacity=5)
    assert slot.pk == again.pk and slot.business is None and slot.starts_at == datetime.time(9)
    assert AppointmentSlot.objects.count() == 1 and not Ticket.objects.exists()


def test_booking_page_is_public_and_keeps_input_on_error(client, hall, business, slot, tomorrow):
    from django.urls import reverse

    url = reverse("hall:book")
    page = client.get(url, {"business": business.pk, "date": str(tomorrow)}).content.decode()
    assert "09:30-11:00" in page and "0 of 2" not in page  # translated: 已约 0 / 共 2 个名额
    bad = client.post(url, {"business": business.pk, "date": str(tomorrow), "slot": slot.pk, "id_number": "123",
                            "mobile": "13900001111"})
    assert bad.status_code == 422 and "13900001111" in bad.content.decode() and not Appointment.objects.exists()
    ok = client.post(url, {"business": business.pk, "date": str(tomorrow), "slot": slot.pk, "id_number": YOUNG_ID,
                           "mobile": "13900001111"})
    assert Appointment.objects.get().code in ok.content.decode()
    assert client.post(url, {"business": business.pk, "date": "x", "slot": "x"}).status_code == 422
