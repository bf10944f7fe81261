"""The rating pad offers the ticket whose service just ended at its window, once."""

from django.urls import reverse

from onewindow.hall import services
from onewindow.hall.models import Ticket
from onewindow.hall.pad import pad_code_issue

from .conftest import window


def test_paired_pad_rates_the_ticket_just_served_at_its_window(client, hall, business, clerks, clerk):
    url = reverse("ratings:pad")
    client.post(url, {"do": "pair", "code": pad_code_issue(actor=clerks[0])})
    ticket = services.ticket_take(business=business)
    services.desk_call_next(window=window(hall, "1"), actor=clerks[0])
    assert "A001" not in client.get(url).content.decode()  # still being served
    services.desk_finish(window=window(hall, "1"), actor=clerks[0])
    assert "A001" in client.get(url).content.decode()
    assert client.post(url, {"ticket": ticket.pk, "level": "best"}).status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).rating == ""  # a level outside the five changes nothing
    client.post(url, {"ticket": ticket.pk, "level": "satisfied"})
    assert Ticket.objects.get(pk=ticket.pk).rating == "satisfied"
    assert "A001" not in client.get(url).content.decode()


def test_only_a_clerk_with_a_window_gets_a_pairing_code(login, clerk, reviewer, clerks):
    import pytest

    from onewindow.core.errors import PermissionDenied

    for user in (clerk, reviewer):  # no window / not a counter role
        with pytest.raises(PermissionDenied):
            pad_code_issue(actor=user)
    desk = login(clerks[0])
    desk.post(reverse("hall:desk_act", args=["pair"]))
    code = desk.get(reverse("hall:desk")).context["pad_code"]
    assert len(code) == 6 and code.isdigit()
