import pytest
from django.core.management import call_command

from onewindow.accounts.auth import token_revoke, user_for_token
from onewindow.accounts.models import ApiToken


@pytest.mark.django_db
def test_token_create_command_prints_a_token_stored_hashed(clerk, capsys):
    call_command("token", "create", "clerk")
    key = capsys.readouterr().out.strip()
    assert key.startswith("ow_")
    token = ApiToken.objects.get(user=clerk)
    assert key not in token.key_hash and token.key_hash == ApiToken.hash_key(key)
    assert user_for_token(key) == clerk


@pytest.mark.django_db
def test_revoked_token_no_longer_authenticates(clerk, api):
    client = api(clerk)
    key = client.headers["Authorization"].split()[1]
    token_revoke(token=ApiToken.objects.get(user=clerk))
    assert user_for_token(key) is None


@pytest.mark.django_db
def test_inactive_user_token_refused(clerk, api):
    client = api(clerk)
    clerk.is_active = False
    clerk.save()
    assert user_for_token(client.headers["Authorization"].split()[1]) is None
