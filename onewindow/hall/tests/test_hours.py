"""Hours per weekday per business and extended hours per window (延时/错时服务), with the working-day calendar:
tickets outside the day's hours are refused with a Chinese message and a code, and appointment slots follow
the day's hours (issue 18, "Rules of the queue": per business, hours)."""

import datetime

import pytest
from django.utils import timezone

from onewindow.core.errors import Conflict
from onewindow.hall import services
from onewindow.hall.hours import business_hours, day_kind
from onewindow.hall.models import AppointmentSlot, BusinessHours, Desk, ExtendedHours
from onewindow.hall.selectors import slots_open
from onewindow.workdays.services import override_set

from .conftest import YOUNG_ID, window

T = datetime.time


def first_day(kind: str, weekday: int | None = None) -> datetime.date:
    """The first day after today of that kind under the calendar (and on that weekday)."""
    day = timezone.localdate()
    for _ in range(120):
        day += datetime.timedelta(days=1)
        if day_kind(day) == kind and (weekday is None or day.weekday() == weekday):
            return day
    raise AssertionError(kind)


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, T(hour, minute)))


@pytest.fixture
def weekly(business):
    """Daily range 9:00-17:00; Wednesday 9:00-12:00 only; Saturday service 9:00-12:00."""
    business.opens_at, business.closes_at = T(9), T(17)
    business.save()
    BusinessHours.objects.create(business=business, weekday=2, opens_at=T(9), closes_at=T(12))
    BusinessHours.objects.create(business=business, weekday=5, opens_at=T(9), closes_at=T(12))
    return business


@pytest.fixture
def holiday(administrator):
    """A working Monday made a holiday in the calendar (as a State Council notice would)."""
    day = first_day("working", weekday=0)
    override_set(day=day, is_working=False, note="测试假日", actor=administrator)
    return day


def test_a_weekday_row_replaces_the_daily_range_that_day(weekly):
    monday, wednesday = first_day("working", 0), first_day("working", 2)
    assert business_hours(weekly, monday) == (T(9), T(17))
    assert business_hours(weekly, wednesday) == (T(9), T(12))
    services.ticket_take(business=weekly, now=at(wednesday, 11, 30))
    with pytest.raises(Conflict) as late:
        services.ticket_take(business=weekly, now=at(wednesday, 14))
    assert (
        late.value.code == "outside_hours" and "09:00" in late.value.message and "12:00" in late.value.message
    )


def test_saturday_service_on_an_ordinary_saturday_and_nothing_on_sunday(weekly):
    saturday, sunday = first_day("rest", 5), first_day("rest", 6)
    assert services.ticket_take(business=weekly, now=at(saturday, 10)).number == "A001"
    with pytest.raises(Conflict) as closed:
        services.ticket_take(business=weekly, now=at(sunday, 10))
    assert closed.value.code == "closed_day"


def test_a_holiday_of_the_calendar_gives_no_tickets_and_no_slots(weekly, holiday):
    """全国年节及纪念日放假办法 and the State Council's notice, through the working-day calendar: the hall does not
    give tickets out on a holiday, whatever the weekday's hours say."""
    assert day_kind(holiday) == "holiday" and business_hours(weekly, holiday) is None
    with pytest.raises(Conflict) as closed:
        services.ticket_take(business=weekly, now=at(holiday, 10))
    assert closed.value.code == "closed_day" and f"{holiday:%Y-%m-%d}" in closed.value.message
    AppointmentSlot.objects.create(business=weekly, date=holiday, starts_at=T(9), ends_at=T(12), capacity=5)
    assert slots_open(weekly, holiday) == []


def test_the_refusal_is_in_chinese(weekly, client):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(Conflict) as closed:
        services.ticket_take(business=weekly, now=at(first_day("rest", 6), 10))
    with translation.override("zh-hans"):
        assert "不发放" in str(closed.value.message)


def test_a_business_without_weekday_rows_keeps_its_daily_range_every_day(business, holiday):
    assert business_hours(business, holiday) == (business.opens_at, business.closes_at)


def test_extended_hours_of_a_window_give_tickets_for_that_window(hall, weekly):
    """延时服务: window 3 serves 社会组织登记 until 19:00 on Wednesdays; the ticket is called there."""
    ExtendedHours.objects.create(
        desk=Desk.objects.get(window=window(hall, "3")), weekday=2, opens_at=T(17), closes_at=T(19)
    )
    wednesday = first_day("working", 2)
    ticket = services.ticket_take(business=weekly, now=at(wednesday, 17, 30))
    assert ticket.for_window == window(hall, "3")
    assert services.ticket_take(business=weekly, now=at(wednesday, 11)).for_window is None
    with pytest.raises(Conflict):
        services.ticket_take(business=weekly, now=at(wednesday, 19, 30))


def test_extended_hours_do_not_run_on_a_holiday(hall, weekly, holiday):
    ExtendedHours.objects.create(
        desk=Desk.objects.get(window=window(hall, "3")), weekday=0, opens_at=T(7), closes_at=T(9)
    )
    with pytest.raises(Conflict) as closed:
        services.ticket_take(business=weekly, now=at(holiday, 8))
    assert closed.value.code == "closed_day"


def test_slots_follow_the_weekday_hours(weekly):
    wednesday = first_day("working", 2)
    morning = AppointmentSlot.objects.create(
        business=weekly, date=wednesday, starts_at=T(9), ends_at=T(12), capacity=5
    )
    afternoon = AppointmentSlot.objects.create(
        business=weekly, date=wednesday, starts_at=T(13), ends_at=T(17), capacity=5
    )
    assert slots_open(weekly, wednesday) == [morning]
    with pytest.raises(Conflict) as closed:
        services.appointment_book(slot=afternoon, id_number=YOUNG_ID, mobile="13900001111")
    assert closed.value.code == "slot_closed"
    assert services.appointment_book(slot=morning, id_number=YOUNG_ID, mobile="13900001111").code


def test_the_api_gives_the_code(weekly, client, time_machine):
    sunday = first_day("rest", 6)
    time_machine.move_to(at(sunday, 10), tick=False)
    response = client.post("/api/v1/hall/tickets", {"business": "shzz"}, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "closed_day"


def test_hours_must_end_after_they_start(business):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as bad:
        BusinessHours(business=business, weekday=0, opens_at=T(12), closes_at=T(9)).full_clean()
    assert "The hours must end after they start." in str(bad.value) or "结束时间" in str(bad.value)
