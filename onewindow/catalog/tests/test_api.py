import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import published_item
from .test_guide_pages import CEMETERY, FOUNDATION

pytestmark = pytest.mark.django_db

BACK_OFFICE = {
    "route": "back_office", "promised_limit": 15, "promised_limit_unit": "working_days", "case_type": "committed",
    "steps": [{"order": 1, "kind": "accept", "name": "受理", "time_limit": 0, "description": ""},
              {"order": 2, "kind": "review", "name": "初审", "time_limit": 10, "description": ""},
              {"order": 3, "kind": "sign_off", "name": "签发", "time_limit": 2, "description": ""},
              {"order": 4, "kind": "forward", "name": "报上级决定", "time_limit": 3, "description": ""}],
}


@pytest.fixture
def catalog():
    return [published_item("C001"), published_item("C002", **FOUNDATION, **BACK_OFFICE),
            published_item("C003", **CEMETERY)]


def test_list_is_public_with_codes_and_limits(catalog, api):
    response = api(None).get("/api/v1/items")
    assert response.status_code == 200
    rows = response.json()
    assert [r["code"] for r in rows] == ["C001", "C002", "C003"]
    first = rows[0]
    assert first["name"] == "社会团体成立登记" and first["item_type"] == "01" and first["route"] == "on_site"
    assert first["statutory_limit"] == {"value": 60, "unit": "working_days"}
    assert first["promised_limit"] == {"value": 0, "unit": "on_the_spot"}
    assert first["case_type"] == "immediate"
    assert rows[1]["route"] == "back_office" and rows[1]["promised_limit"] == {"value": 15, "unit": "working_days"}
    assert rows[2]["item_type"] == "20"


@pytest.mark.parametrize(("params", "codes"), [
    ({"q": "shtt"}, ["C001"]), ({"q": "基金会"}, ["C002"]), ({"item_type": "01"}, ["C001", "C002"]),
    ({"item_type": "public_service"}, ["C003"]), ({"item_type": "99"}, []), ({"q": "dj", "item_type": "01"},
                                                                           ["C001", "C002"]),
])
def test_list_filters(catalog, api, params, codes):
    assert [r["code"] for r in api(None).get("/api/v1/items", **params).json()] == codes


def test_list_query_count_is_constant(api):
    published_item("C001")
    with CaptureQueriesContext(connection) as few:
        api(None).get("/api/v1/items")
    for n in range(2, 8):
        published_item(f"C00{n}")
    with CaptureQueriesContext(connection) as many:
        assert len(api(None).get("/api/v1/items").json()) == 7
    assert len(many) == len(few) == 1


def test_detail_has_the_full_guide(catalog, api, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = api(None).get("/api/v1/items/C002")
    assert response.status_code == 200
    guide = response.json()
    assert guide["code"] == "C002" and guide["item_type"] == "01" and guide["route"] == "back_office"
    assert [m["key"] for m in guide["materials"]] == ["application", "charter"]
    assert guide["materials"][1]["secondary"] is True
    assert [s["kind"] for s in guide["steps"]] == ["accept", "review", "sign_off", "forward"]
    assert guide["faqs"][0]["question"] == "需要多少会员？"
    assert guide["form_fields"][0]["key"] == "name"
    assert guide["hours"].startswith("工作日") and guide["org_kinds"] == ["foundation"]


def test_detail_404_is_structured(api):
    response = api(None).get("/api/v1/items/NOPE")
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "item_not_found" and "NOPE" in body["message"] and "details" in body


def test_openapi_documents_the_schemas(api):
    schema = api(None).get("/api/v1/openapi.json").json()
    assert "/api/v1/items" in schema["paths"] and "/api/v1/items/{code}" in schema["paths"]
    components = schema["components"]["schemas"]
    assert {"ItemSummary", "ItemGuide", "Limit", "MaterialOut"} <= set(components)
    assert "item_type" in components["ItemSummary"]["properties"]
