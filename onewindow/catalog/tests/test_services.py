import pytest
from django.core.exceptions import ValidationError

from onewindow.audit.models import AuditEvent
from onewindow.audit.services import audit_verify
from onewindow.catalog.models import ItemVersion, Material
from onewindow.catalog.services import (
    item_create,
    item_update,
    version_draft_create,
    version_publish,
    version_update,
)
from onewindow.core.errors import Conflict, ValidationFailed

from .factories import item_data, published_item

pytestmark = pytest.mark.django_db


def test_publish_makes_the_current_version_and_is_audited(administrator):
    item = item_create(code="C1", actor=administrator, data=item_data())
    draft = item.versions.get()
    version = version_publish(version=draft, actor=administrator)
    item.refresh_from_db()
    assert item.current_version == version
    assert version.status == ItemVersion.Status.PUBLISHED and version.published_by == administrator
    assert "shtt" in version.search_text
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions[-3:] == ["catalog.item_created", "catalog.draft_created", "catalog.item_published"]
    assert audit_verify().ok


def test_publish_lists_every_violation_and_changes_nothing(administrator):
    item = item_create(code="C1", actor=administrator,
                       data=item_data(hours="9:00-17:00", faqs=[], complaint_phone="0731-84000001"))
    draft = item.versions.get()
    with pytest.raises(ValidationFailed) as exc:
        version_publish(version=draft, actor=administrator)
    violations = exc.value.details["violations"]
    assert len(violations) == 3
    assert any("工作日" in v for v in violations)
    assert any("常见问题" in v for v in violations)
    draft.refresh_from_db()
    item.refresh_from_db()
    assert draft.status == ItemVersion.Status.DRAFT and item.current_version is None


def test_published_version_is_immutable_in_service_and_model(administrator):
    item = published_item(actor=administrator)
    version = item.current_version
    with pytest.raises(Conflict):
        version_update(version=version, actor=administrator, data={"name": "改名"})
    with pytest.raises(Conflict):
        version_publish(version=version, actor=administrator)
    version.name = "改名"
    with pytest.raises(ValidationError):
        version.save()
    with pytest.raises(ValidationError):
        version.delete()
    material = version.materials.first()
    material.name = "改名"
    with pytest.raises(ValidationError):
        material.save()
    with pytest.raises(ValidationError):
        Material(version=version, key="new", name="新材料").save()
    assert ItemVersion.objects.get(pk=version.pk).name == "社会团体成立登记"


def test_new_draft_copies_published_content_and_republishing_retires_the_old(administrator):
    item = published_item(actor=administrator)
    first = item.current_version
    draft = version_draft_create(item=item, actor=administrator, data={"promised_limit_note": "材料齐全当场办结"})
    assert draft.number == 2
    assert draft.materials.count() == 2 and draft.faqs.count() == 1 and draft.steps.count() == 2
    with pytest.raises(Conflict):
        version_draft_create(item=item, actor=administrator)
    version_update(version=draft, actor=administrator,
                   data={"materials": [{**item_data()["materials"][0], "name": "申请书（新）"}]})
    assert list(draft.materials.values_list("name", flat=True)) == ["申请书（新）"]
    assert draft.faqs.count() == 1  # lists not given are kept
    version_publish(version=draft, actor=administrator)
    first.refresh_from_db()
    item.refresh_from_db()
    assert first.status == ItemVersion.Status.RETIRED and item.current_version == draft
    assert first.materials.count() == 2  # the old version keeps its content


def test_update_rejects_bad_values_with_every_error(administrator):
    item = item_create(code="C1", actor=administrator, data=item_data())
    draft = item.versions.get()
    with pytest.raises(ValidationFailed) as exc:
        version_update(version=draft, actor=administrator,
                       data={"item_type": "nonsense", "service_objects": ["alien"], "bogus": 1})
    errors = exc.value.details["errors"]
    assert len(errors) == 3
    assert any("item_type" in e for e in errors) and any("bogus" in e for e in errors)
    draft.refresh_from_db()
    assert draft.item_type == "licence"


def test_item_create_refuses_duplicates_and_update_is_audited(administrator):
    item = item_create(code="C1", actor=administrator)
    with pytest.raises(Conflict):
        item_create(code="C1", actor=administrator)
    with pytest.raises(ValidationFailed):
        item_create(code="", actor=administrator)
    item_update(item=item, actor=administrator, is_active=False)
    item.refresh_from_db()
    assert not item.is_active
    assert AuditEvent.objects.filter(action="catalog.item_updated").count() == 1
