import pytest
from django.test import Client

from onewindow.catalog.loader import catalog_load_reference
from onewindow.catalog.models import ItemVersion
from onewindow.exchange.clients import platform_client_create, platform_token_issue


@pytest.fixture
def catalog(db):
    catalog_load_reference()


def client_for(scopes):
    client, secret = platform_client_create(client_id="prov", name="省平台", scopes=scopes)
    token = platform_token_issue(client_id="prov", client_secret=secret)["access_token"]
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_export_uses_the_profiles_codes(catalog):
    api = client_for(["catalog:read"])
    items = api.get("/api/v1/platform/catalog").json()["items"]
    assert len(items) == 33
    assert sum(1 for i in items if i["task_type"] == "01") == 25
    variant = api.get("/api/v1/platform/catalog", {"profile": "provincial-variant"}).json()["items"]
    on_site = next(i for i in items if i["route"] == "on_site")
    assert on_site["project_type"] == "1"  # 即办件 in GB/T 39046
    assert next(i for i in variant if i["task_code"] == on_site["task_code"])["project_type"] == "2"


def test_export_needs_the_scope(catalog):
    assert client_for(["cases:read"]).get("/api/v1/platform/catalog").json()["code"] == "scope_missing"
    assert Client().get("/api/v1/platform/catalog").status_code == 401


def test_updates_become_drafts_for_review(catalog):
    api = client_for(["catalog:read", "catalog:write"])
    item = api.get("/api/v1/platform/catalog").json()["items"][0]
    response = api.post("/api/v1/platform/catalog", {"rows": [{"task_code": item["task_code"],
                                                               "link_tel": "0731-88880000"}]},
                        content_type="application/json")
    assert response.status_code == 200, response.json()
    draft = ItemVersion.objects.get(item__code=item["task_code"], status="draft")
    assert draft.consult_phone == "0731-88880000"
    published = ItemVersion.objects.get(item__code=item["task_code"], status="published")
    assert published.consult_phone != "0731-88880000"  # nothing is published by the platform


def test_a_bad_row_changes_nothing_and_is_named(catalog):
    api = client_for(["catalog:read", "catalog:write"])
    items = api.get("/api/v1/platform/catalog").json()["items"]
    rows = [{"task_code": items[0]["task_code"], "link_tel": "0731-1"},
            {"task_code": items[1]["task_code"], "task_type": "99"},
            {"task_code": "NO-SUCH-ITEM"}]
    response = api.post("/api/v1/platform/catalog", {"rows": rows}, content_type="application/json")
    assert response.status_code == 422
    errors = response.json()["details"]["errors"]
    assert any("#2" in e and "99" in e for e in errors) and any("#3" in e for e in errors)
    assert not ItemVersion.objects.filter(status="draft").exists()
