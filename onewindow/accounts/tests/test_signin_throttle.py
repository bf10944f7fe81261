"""Staff sign-in throttling (issue 16): per account and per address, lockout audited, liftable by an
administrator (`onewindow signin unlock`)."""

import pytest
from django.core.management import call_command
from django.test import Client

from onewindow.audit.models import AuditEvent
from onewindow.conftest import PASSWORD

LOCKED = "登录失败次数过多"


def _sign_in(client, username, password, url="/accounts/login/"):
    return client.post(url, {"username": username, "password": password})


@pytest.mark.django_db
def test_account_locked_after_five_failures_even_with_the_right_password(clerk):
    client = Client()
    for _i in range(5):
        response = _sign_in(client, "clerk", "wrong")
        assert response.status_code == 200 and LOCKED not in response.content.decode()
    response = _sign_in(Client(REMOTE_ADDR="10.0.0.9"), "clerk", PASSWORD)  # another address: still locked
    assert response.status_code == 200 and LOCKED in response.content.decode()
    assert "_auth_user_id" not in response.client.session
    events = AuditEvent.objects.filter(action="staff_signin.locked")
    assert [(e.object_type, e.object_id) for e in events] == [("staff_signin.account", "clerk")]


@pytest.mark.django_db
def test_address_locked_after_twenty_failures_across_accounts(clerk):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for i in range(20):
        _sign_in(client, f"guess{i}", "wrong")
    response = _sign_in(client, "clerk", PASSWORD)
    assert LOCKED in response.content.decode() and "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="staff_signin.locked", object_id="203.0.113.7").count() == 1
    assert _sign_in(Client(REMOTE_ADDR="198.51.100.1"), "clerk", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_successful_sign_in_clears_the_accounts_failures(clerk):
    client = Client()
    for _i in range(4):
        _sign_in(client, "clerk", "wrong")
    assert _sign_in(client, "clerk", PASSWORD).status_code == 302
    client.logout()
    for _i in range(4):
        _sign_in(client, "clerk", "wrong")
    assert _sign_in(client, "clerk", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_admin_sign_in_is_throttled_too(administrator):
    client = Client()
    for _i in range(5):
        _sign_in(client, "admin", "wrong", url="/admin/login/")
    response = _sign_in(client, "admin", PASSWORD, url="/admin/login/")
    assert response.status_code == 200 and LOCKED in response.content.decode()


@pytest.mark.django_db
def test_administrator_lifts_a_lockout_with_the_command_audited(clerk, capsys):
    client = Client(REMOTE_ADDR="203.0.113.8")
    for _i in range(5):
        _sign_in(client, "clerk", "wrong")
    assert LOCKED in _sign_in(client, "clerk", PASSWORD).content.decode()
    call_command("signin", "unlock", "clerk")
    assert "staff_signin.account" in capsys.readouterr().out
    event = AuditEvent.objects.get(action="staff_signin.unlocked")
    assert event.object_id == "clerk" and event.source == "cli" and event.changes["lifted"] == ["staff_signin.account"]
    assert _sign_in(client, "clerk", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_lockout_is_the_forms_locked_error_not_a_wrong_password(clerk):
    client = Client()
    for _i in range(5):
        response = _sign_in(client, "clerk", "wrong")
        assert [e.code for e in response.context["form"].non_field_errors().as_data()] == ["invalid_login"]
    response = _sign_in(client, "clerk", PASSWORD)
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == ["locked"]
