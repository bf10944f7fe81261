"""The catalog services' refusals, by code; each leaves the catalog as it was."""

import json

import pytest

from onewindow.catalog.exchange import catalog_export, catalog_import
from onewindow.catalog.models import Item, ItemVersion
from onewindow.catalog.services import item_create, version_draft_create, version_publish, version_update
from onewindow.core.errors import Conflict, ValidationFailed

from .factories import catalog_file, file_entry, item_data, published_item

pytestmark = pytest.mark.django_db


def test_an_item_code_is_created_once(administrator):
    item_create(code="C1", actor=administrator)
    with pytest.raises(Conflict) as err:
        item_create(code="C1", actor=administrator)
    assert err.value.code == "item_exists"
    assert Item.objects.count() == 1


def test_an_item_has_one_open_draft(administrator):
    item = published_item(actor=administrator)
    version_draft_create(item=item, actor=administrator)
    with pytest.raises(Conflict) as err:
        version_draft_create(item=item, actor=administrator, data={"name": "又一稿"})
    assert err.value.code == "draft_exists"
    assert item.versions.filter(status=ItemVersion.Status.DRAFT).count() == 1


def test_a_published_version_is_not_edited_or_published_again(administrator):
    version = published_item(actor=administrator).current_version
    for change in (
        lambda: version_update(version=version, actor=administrator, data={"name": "改名"}),
        lambda: version_publish(version=version, actor=administrator),
    ):
        with pytest.raises(Conflict) as err:
            change()
        assert err.value.code == "version_not_draft"
    version.refresh_from_db()
    assert version.name == "社会团体成立登记"


def test_a_guide_breaking_the_publication_rules_is_not_published(administrator):
    item = item_create(code="C1", actor=administrator, data=item_data(hours="9:00-17:00"))
    with pytest.raises(ValidationFailed) as err:
        version_publish(version=item.versions.get(), actor=administrator)
    assert err.value.code == "guide_rules" and any("工作日" in v for v in err.value.details["violations"])
    item.refresh_from_db()
    assert item.current_version is None


def test_a_bad_catalog_file_is_refused_whole():
    document = catalog_file(file_entry("C001"), file_entry("C002", item_type="spaceship"))
    with pytest.raises(ValidationFailed) as err:
        catalog_import(json.dumps(document, ensure_ascii=False).encode(), actor=None)
    assert err.value.code == "import_failed" and any("item_type" in e for e in err.value.details["errors"])
    assert not Item.objects.exists()


def test_an_unknown_export_format_is_refused():
    with pytest.raises(ValidationFailed) as err:
        catalog_export("csv")
    assert err.value.code == "bad_format"
