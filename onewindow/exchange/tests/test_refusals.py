"""The exchange's refusals, by code: through the platform API where a platform meets them, else the service."""

import pytest

from onewindow.catalog.models import ItemVersion
from onewindow.core.errors import Conflict, NotFound
from onewindow.exchange.clients import platform_client_create
from onewindow.exchange.models import PlatformClient
from onewindow.exchange.services import profile_connect

from .test_catalog_sync import catalog, client_for  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_a_client_id_is_registered_once():
    platform_client_create(client_id="prov", name="省平台", scopes=["cases:read"])
    with pytest.raises(Conflict) as err:
        platform_client_create(client_id="prov", name="另一个", scopes=["cases:read"])
    assert err.value.code == "client_exists"
    assert PlatformClient.objects.get().name == "省平台"


def test_an_unknown_profile_is_not_found(catalog):  # noqa: F811
    with pytest.raises(NotFound) as err:
        profile_connect(name="nosuch", endpoint_url="http://127.0.0.1:1/")
    assert err.value.code == "profile_not_found"
    response = client_for(["catalog:read"]).get("/api/v1/platform/catalog", {"profile": "nosuch"})
    assert response.status_code == 404 and response.json()["code"] == "profile_not_found"


def test_only_a_platform_client_sends_catalog_updates(catalog, api, administrator):  # noqa: F811
    code = ItemVersion.objects.filter(status="published").first().item.code
    response = api(administrator).post("/api/v1/platform/catalog", {"rows": [{"task_code": code}]})
    assert response.status_code == 403 and response.json()["code"] == "not_a_platform_client"
    assert not ItemVersion.objects.filter(status="draft").exists()


def test_catalog_updates_refused_before_and_by_the_draft_rules(catalog):  # noqa: F811
    api = client_for(["catalog:read", "catalog:write"])
    code = api.get("/api/v1/platform/catalog").json()["items"][0]["task_code"]
    for row in ({"task_code": "NO-SUCH-ITEM"}, {"task_code": code, "anticipate_day": "many"}):
        response = api.post("/api/v1/platform/catalog", {"rows": [row]}, content_type="application/json")
        assert response.status_code == 422 and response.json()["code"] == "catalog_update_invalid"
        assert response.json()["details"]["errors"][0].startswith("#1 ")
    assert not ItemVersion.objects.filter(status="draft").exists()
