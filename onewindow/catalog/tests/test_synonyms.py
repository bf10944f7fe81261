"""Issue 17: the service finder understands the words people use ("证书补发", "换证", "年检", "注销"):
synonyms kept in the catalog, editable by administrators (audited)."""

import pytest
from django.urls import reverse

from onewindow.audit.models import AuditEvent
from onewindow.catalog import services
from onewindow.catalog.loader import catalog_load_reference
from onewindow.catalog.models import SearchSynonym
from onewindow.catalog.selectors import published_items

pytestmark = pytest.mark.django_db


def _names(q: str) -> set[str]:
    return {item.current_version.name for item in published_items(q=q)}


@pytest.fixture
def reference(db):
    catalog_load_reference()


def test_everyday_words_find_the_reference_items(reference):
    assert "社会组织登记证书补（换）发" in _names("证书补发")
    assert "社会组织登记证书补（换）发" in _names("换证")
    assert _names("年检") == {"社会组织年度检查"}
    assert {"社会团体注销登记", "民办非企业单位注销登记", "基金会注销登记"} <= _names("注销")
    assert _names("证书补发 社会组织") == _names("证书补发")  # each word still narrows the result


def test_the_portal_and_the_guides_search_with_synonyms(reference, client):
    assert "社会组织登记证书补（换）发" in client.get(reverse("catalog:guide_list"), {"q": "换证"}).content.decode()
    assert "社会组织登记证书补（换）发" in client.get("/services/", {"q": "证书补发"}).content.decode()


def test_reloading_keeps_an_administrators_change(reference):
    services.synonym_set(term="年检", matches="年度检查 年度报告", actor=None)
    catalog_load_reference()
    assert SearchSynonym.objects.get(term="年检").matches == "年度检查 年度报告"


def test_administrator_edits_synonyms_in_the_admin(reference, administrator, login):
    client = login(administrator)
    add = reverse("admin:catalog_searchsynonym_add")
    response = client.post(add, {"term": "两个 词", "matches": "注销登记"})
    assert response.status_code == 200 and SearchSynonym.objects.filter(term__contains="两个").count() == 0
    response = client.post(add, {"term": "散伙", "matches": "注销登记"})
    assert response.status_code == 302
    assert "社会团体注销登记" in _names("散伙")
    event = AuditEvent.objects.filter(action="catalog.synonym_set", object_id="散伙").get()
    assert event.changes["matches"] == ["", "注销登记"]
    synonym = SearchSynonym.objects.get(term="散伙")
    client.post(reverse("admin:catalog_searchsynonym_delete", args=[synonym.pk]), {"post": "yes"})
    assert not SearchSynonym.objects.filter(term="散伙").exists() and not _names("散伙")
    assert AuditEvent.objects.filter(action="catalog.synonym_deleted", object_id="散伙").exists()


def test_clerk_cannot_open_the_synonym_admin(clerk, login):
    assert login(clerk).get(reverse("admin:catalog_searchsynonym_changelist")).status_code in (302, 403)
