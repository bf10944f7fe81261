"""The queue rules: numbering, hours and caps, the green channel, call order, skip/transfer/pause, 弃号, audit."""

import datetime

import pytest
from django.utils import timezone

from onewindow.audit.models import AuditEvent
from onewindow.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from onewindow.hall import services
from onewindow.hall.models import Desk, QueueEvent, Ticket, TimeBand

from .conftest import ELDERLY_ID, YOUNG_ID, window


def test_numbers_restart_per_business_and_day(hall, business):
    consult = hall.businesses.get(code="zixun")
    assert [services.ticket_take(business=business).number for _ in range(3)] == ["A001", "A002", "A003"]
    assert services.ticket_take(business=consult).number == "D001"
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert services.ticket_take(business=business, now=tomorrow).number == "A001"


def test_id_number_is_checked_gb11643_and_masked_in_the_audit(business):
    """GB 11643-1999: 18 characters, a valid birth date and the ISO 7064 check character."""
    with pytest.raises(ValidationFailed) as refused:
        services.ticket_take(business=business, id_number="430102199003076546")
    assert refused.value.code == "bad_id_number" and not Ticket.objects.exists()
    ticket = services.ticket_take(business=business, id_number=YOUNG_ID)
    event = AuditEvent.objects.get(action="hall.ticket_taken", object_id=str(ticket.pk))
    assert YOUNG_ID not in str(event.changes) and event.changes["id_number"] == "4301**********6545"


def test_elderly_by_id_number_age_is_green_channel(business, settings):
    """老年人权益保障法 art. 2 (60+ are older people); the hall's age is a setting, default 65."""
    assert services.ticket_take(business=business, id_number=ELDERLY_ID).priority == "elderly"
    assert services.ticket_take(business=business, id_number=YOUNG_ID).priority == ""
    settings.ONEWINDOW_HALL_ELDERLY_AGE = 80
    assert services.ticket_take(business=business, id_number=ELDERLY_ID).priority == ""
    with pytest.raises(ValidationFailed):
        services.ticket_take(business=business, priority="staff")  # only staff mark a ticket so


def test_hours_daily_cap_and_band_cap(business):
    business.opens_at, business.closes_at = datetime.time(8, 30), datetime.time(17, 0)
    business.daily_cap = 2
    business.save()
    day = timezone.localdate()
    at = lambda h, m: timezone.make_aware(datetime.datetime.combine(day, datetime.time(h, m)))  # noqa: E731
    with pytest.raises(Conflict) as early:
        services.ticket_take(business=business, now=at(8, 0))
    assert early.value.code == "outside_hours"
    TimeBand.objects.create(business=business, starts_at=datetime.time(9), ends_at=datetime.time(10), cap=1)
    services.ticket_take(business=business, now=at(9, 5))
    with pytest.raises(Conflict) as band:
        services.ticket_take(business=business, now=at(9, 10))
    assert band.value.code == "band_cap"
    services.ticket_take(business=business, now=at(10, 5))
    with pytest.raises(Conflict) as cap:
        services.ticket_take(business=business, now=at(11, 0))
    assert cap.value.code == "daily_cap" and Ticket.objects.count() == 2


def test_call_order_green_channel_then_ticket_time(hall, business, clerks):
    first = services.ticket_take(business=business)
    elderly = services.ticket_take(business=business, id_number=ELDERLY_ID)
    second = services.ticket_take(business=business)
    marked = services.ticket_take(business=business)
    services.ticket_mark_priority(ticket=marked, actor=clerks[0])
    w1 = window(hall, "1")
    order = [services.desk_call_next(window=w1, actor=clerks[0]).pk for _ in range(4)]
    assert order == [elderly.pk, marked.pk, first.pk, second.pk]
    with pytest.raises(NotFound) as nobody:
        services.desk_call_next(window=w1, actor=clerks[0])
    assert nobody.value.code == "nobody_waiting"
    assert Ticket.objects.filter(state="done").count() == 4  # each "next" ended the service before


def test_only_the_windows_own_clerk_calls(hall, business, clerks, reviewer):
    services.ticket_take(business=business)
    with pytest.raises(PermissionDenied):
        services.desk_call_next(window=window(hall, "2"), actor=clerks[0])
    with pytest.raises(PermissionDenied):
        services.desk_call_next(window=window(hall, "1"), actor=reviewer)
    assert not Ticket.objects.filter(state="called").exists()


def test_windows_call_only_their_businesses(hall, clerks):
    consult = hall.businesses.get(code="zixun")
    services.ticket_take(business=consult)
    with pytest.raises(NotFound):
        services.desk_call_next(window=window(hall, "1"), actor=clerks[0])
    Desk.objects.get(window=window(hall, "1")).businesses.add(consult)
    assert services.desk_call_next(window=window(hall, "1"), actor=clerks[0]).number == "D001"


def test_skip_callback_transfer_pause_are_audited(hall, business, clerks):
    w1, w2 = window(hall, "1"), window(hall, "2")
    ticket = services.ticket_take(business=business)
    services.ticket_take(business=business)
    services.desk_call_next(window=w1, actor=clerks[0])
    services.desk_recall(window=w1, actor=clerks[0])
    services.desk_skip(window=w1, actor=clerks[0])
    assert Ticket.objects.get(pk=ticket.pk).state == "skipped"
    services.desk_call_skipped(window=w1, ticket=ticket, actor=clerks[0])
    services.desk_transfer(window=w1, to_window=w2, actor=clerks[0])
    moved = Ticket.objects.get(pk=ticket.pk)
    assert (moved.state, moved.for_window_id, moved.transfers) == ("waiting", w2.pk, 1)
    # Window 1 does not get it back; window 2 calls it before the earlier-waiting A002.
    assert services.desk_call_next(window=w1, actor=clerks[0]).number == "A002"
    assert services.desk_call_next(window=w2, actor=clerks[1]).pk == ticket.pk
    services.desk_set_state(window=w2, state="paused", actor=clerks[1])
    with pytest.raises(Conflict):
        services.desk_call_next(window=w2, actor=clerks[1])
    services.desk_set_state(window=w2, state="open", actor=clerks[1])
    services.desk_finish(window=w2, actor=clerks[1])
    done = Ticket.objects.get(pk=ticket.pk)
    assert done.state == "done" and done.wait_seconds >= 0 and done.service_seconds >= 0
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"hall.ticket_called", "hall.ticket_recalled", "hall.ticket_skipped", "hall.ticket_transferred",
            "hall.window_paused", "hall.window_resumed", "hall.ticket_finished"} <= actions


def test_unfinished_tickets_are_closed_at_end_of_day(hall, business, clerks):
    yesterday = timezone.now() - datetime.timedelta(days=1)
    old = [services.ticket_take(business=business, now=yesterday) for _ in range(2)]
    today = services.ticket_take(business=business)
    assert services.tickets_close_day() == 2
    assert services.tickets_close_day() == 0
    assert set(Ticket.objects.filter(state="abandoned").values_list("pk", flat=True)) == {t.pk for t in old}
    assert Ticket.objects.get(pk=today.pk).state == "waiting"
    assert QueueEvent.objects.filter(kind="abandon").count() == 2
    assert AuditEvent.objects.filter(action="hall.tickets_abandoned").count() == 1
