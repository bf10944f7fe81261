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
