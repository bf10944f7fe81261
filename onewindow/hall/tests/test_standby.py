"""The waiting warning opens a standby window by itself and closes it when the wait falls back (issue 18)."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from onewindow.accounts.models import Window
from onewindow.audit.models import AuditEvent
from onewindow.hall import services
from onewindow.hall.models import Desk

from .conftest import window


@pytest.fixture
def standby(hall, business):
    """Window 4: a closed standby window serving 社会组织登记, named by the business; warning after 10 minutes."""
    four = Window.objects.create(
        hall=hall, number="4", name="备用窗口", department=window(hall, "1").department
    )
    Desk.objects.create(window=four, standby=True, state=Desk.State.CLOSED).businesses.set([business])
    business.warn_after_minutes, business.standby_window = 10, four
    business.save()
    return four


def state(w):
    return Desk.objects.get(window=w).state


def test_warning_opens_the_standby_window_and_closes_it_when_the_wait_falls_back(
    hall, business, standby, clerks
):
    now = timezone.now()
    services.ticket_take(business=business, now=now - datetime.timedelta(minutes=5))
    assert services.standby_adjust(hall=hall, now=now) == ([], []) and state(standby) == "closed"

    later = now + datetime.timedelta(minutes=6)  # 11 minutes waited > 10
    assert services.standby_adjust(hall=hall, now=later) == ([standby], [])
    desk = Desk.objects.get(window=standby)
    assert desk.state == "open" and desk.opened_for == business
    opened = AuditEvent.objects.get(action="hall.standby_opened")
    assert opened.changes["automatic"] is True and opened.changes["business"] == "shzz"
    assert services.standby_adjust(hall=hall, now=later) == ([], [])  # still warned: stays open, no new rows

    services.desk_call_next(window=window(hall, "1"), actor=clerks[0])  # nobody waits any more
    assert services.standby_adjust(hall=hall, now=later) == ([], [standby])
    desk.refresh_from_db()
    assert desk.state == "closed" and desk.opened_for is None
    assert AuditEvent.objects.filter(action="hall.standby_closed").count() == 1


def test_a_standby_window_serving_someone_is_closed_only_after_the_service(
    hall, business, standby, make_staff
):
    from onewindow.accounts.models import Role
    from onewindow.accounts.services import staff_upsert

    clerk = staff_upsert(
        username="c4", full_name="备用", roles=[Role.CLERK], window=standby, password="test-pass-123"
    )
    now = timezone.now()
    services.ticket_take(business=business, now=now - datetime.timedelta(minutes=11))
    services.standby_adjust(hall=hall, now=now)
    services.desk_call_next(window=standby, actor=clerk)  # the standby window serves the waiting person
    assert services.standby_adjust(hall=hall, now=now) == ([], []) and state(standby) == "open"
    services.desk_finish(window=standby, actor=clerk)
    assert services.standby_adjust(hall=hall, now=now) == ([], [standby])


def test_a_window_opened_by_hand_stays_open(hall, business, standby, supervisor):
    services.desk_open_standby(window=standby, actor=supervisor)
    assert services.standby_adjust(hall=hall) == ([], []) and state(standby) == "open"


def test_without_a_named_window_the_hall_setting_opens_any_standby_window_serving_the_business(
    hall, business, standby, settings
):
    business.standby_window = None
    business.save()
    now = timezone.now()
    services.ticket_take(business=business, now=now - datetime.timedelta(minutes=11))
    assert services.standby_adjust(hall=hall, now=now) == ([], [])  # off by default
    settings.ONEWINDOW_HALL_AUTO_STANDBY = 1
    assert services.standby_adjust(hall=hall, now=now) == ([standby], [])


def test_a_standby_window_not_serving_the_business_is_never_opened_for_it(hall, business, standby):
    Desk.objects.get(window=standby).businesses.set([hall.businesses.get(code="zixun")])
    now = timezone.now()
    services.ticket_take(business=business, now=now - datetime.timedelta(minutes=11))
    assert services.standby_adjust(hall=hall, now=now) == ([], []) and state(standby) == "closed"


def test_the_command_adjusts_every_hall(hall, business, standby, capsys):
    services.ticket_take(business=business, now=timezone.now() - datetime.timedelta(minutes=11))
    call_command("hall", "standby")
    assert "opened: 1" in capsys.readouterr().out and state(standby) == "open"
    assert AuditEvent.objects.get(action="hall.standby_opened").source == "cli"


def test_the_hall_manager_sees_the_warning_and_why_the_window_is_open(
    hall, business, standby, supervisor, login
):
    from django.urls import reverse

    services.ticket_take(business=business, now=timezone.now() - datetime.timedelta(minutes=11))
    services.standby_adjust(hall=hall)
    page = login(supervisor).get(reverse("hall:overview")).content.decode()
    assert "社会组织登记" in page and "因社会组织登记等候超时自动开启" in page
