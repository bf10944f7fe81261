import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from onewindow.accounts.auth import token_lookup
from onewindow.exchange.clients import platform_client_create
from onewindow.exchange.models import ApiRequestLog, PlatformClient


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


@pytest.fixture
def platform(db):
    client, secret = platform_client_create(client_id="xiangshicheng", name="新湘事成",
                                            scopes=["cases:create", "cases:read"], rate_limit=5)
    return client, secret


def get_token(client_id, secret):
    return Client().post("/api/v1/platform/token", {"client_id": client_id, "client_secret": secret},
                         content_type="application/json")


def test_client_credentials_give_a_scoped_expiring_token(platform):
    client, secret = platform
    response = get_token("xiangshicheng", secret)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 7200 and body["scope"] == "cases:create cases:read"
    token = token_lookup(body["access_token"])
    assert token.user == client.user and token.scopes == ["cases:create", "cases:read"] and token.expires_at


@pytest.mark.parametrize("client_id, secret", [("xiangshicheng", "wrong"), ("nobody", "x")])
def test_wrong_credentials_are_refused_with_a_structured_error(platform, client_id, secret):
    response = get_token(client_id, secret)
    assert response.status_code == 403 and response.json()["code"] == "invalid_client"


def test_token_endpoint_is_throttled(platform):
    for _ in range(20):
        get_token("xiangshicheng", "wrong")
    response = get_token("xiangshicheng", "wrong")
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"


def test_requests_are_rate_limited_and_logged_without_query_strings(platform):
    token = get_token("xiangshicheng", platform[1]).json()["access_token"]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    statuses = [api.get("/api/v1/cases", {"q": "430102199003076545"}).status_code for _ in range(6)]
    assert statuses[-1] == 429 and 429 not in statuses[:5]
    logs = ApiRequestLog.objects.filter(client=platform[0])
    assert logs.count() == 6
    assert all(log.path == "/api/v1/cases" for log in logs)  # the ID number in the query is not kept


def test_an_expired_token_is_refused(platform):
    from django.utils import timezone

    body = get_token("xiangshicheng", platform[1]).json()
    token = token_lookup(body["access_token"])
    type(token).objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert token_lookup(body["access_token"]) is None


def test_unknown_scopes_are_refused(db):
    from onewindow.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        platform_client_create(client_id="x", name="x", scopes=["everything"])


def test_client_create_command_prints_the_secret_once(db, capsys):
    call_command("platform", "client-create", "app1", "--name", "移动端", "--scopes", "cases:read")
    out = capsys.readouterr().out
    secret = out.split("client_secret=")[1].strip()
    client = PlatformClient.objects.get(client_id="app1")
    assert secret not in client.secret_hash and get_token("app1", secret).status_code == 200
