"""The reference catalog in data/: it loads, matches the mission's counts, and comes back out unchanged."""

import json

import pytest

from onewindow.catalog.exchange import catalog_export
from onewindow.catalog.loader import REFERENCE_CATALOG, catalog_load_reference
from onewindow.catalog.models import CatalogInfo

pytestmark = pytest.mark.django_db


def test_reference_catalog_loads_idempotently_and_exports_as_written(api):
    assert catalog_load_reference() == "33 items, 33 changed (33 new, 0 updated, 0 unchanged)"
    assert catalog_load_reference() == "33 items, 0 changed (0 new, 0 updated, 33 unchanged)"
    rows = api(None).get("/api/v1/items").json()
    assert len(rows) == 33
    assert sum(r["item_type"] == "01" for r in rows) == 25
    assert sum(r["route"] == "back_office" for r in rows) == 2
    assert "参考" in CatalogInfo.objects.get().label
    assert api(None).get("/api/v1/items", q="shtt").json()
    # Every field of the file survives the import: the export holds exactly what the file says.
    source = json.loads(REFERENCE_CATALOG.read_bytes())
    exported = json.loads(catalog_export("json"))
    assert exported["label"] == source["label"]
    for mine, theirs in zip(exported["items"], sorted(source["items"], key=lambda i: i["code"]), strict=True):
        assert mine == theirs, mine["code"]


def test_social_group_formation_is_one_licence_under_the_2016_text():
    """社会团体登记管理条例 as amended by 国务院令第666号 (2016-02-06, item 18): Art. 9 now reads "由发起人向
    登记管理机关申请登记" (no longer 申请筹备), Art. 12 has the authority decide 准予 or 不予登记 within 60 日 of
    receiving the Art. 11 documents, and the former Art. 14 (founding meeting within 6 months of 批准筹备,
    then 成立登记) and Art. 16 (30-day review of the formation registration) were deleted. So the
    approval to prepare (筹备) is no longer a licence of its own: one registration item, 60 calendar days,
    and no 筹备 item that would make applicants ask twice for what the law asks once."""
    items = json.loads(REFERENCE_CATALOG.read_bytes())["items"]
    assert not [i["name"] for i in items if "筹备" in i["name"]]
    formation = [i for i in items if i["org_kinds"] == ["social_group"] and i["registry_action"] == "establish"]
    assert {i["name"] for i in formation} == {"社会团体成立登记", "社会团体成立登记（直接登记）"}
    for item in formation:
        assert (item["statutory_limit"], item["statutory_limit_unit"]) == (60, "calendar_days"), item["name"]
        assert "第666号修订" in item["legal_basis"] and "第十二条" in item["legal_basis"], item["name"]
