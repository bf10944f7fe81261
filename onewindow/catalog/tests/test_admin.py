import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from onewindow.catalog.models import ItemVersion
from onewindow.catalog.services import item_create

from .factories import item_data, published_item

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:catalog_itemversion_changelist"


def draft(code="C001", **overrides):
    return item_create(code=code, actor=None, data=item_data(**overrides)).versions.get()


def run_action(client, action, *versions):
    return client.post(reverse(CHANGELIST), {"action": action, "_selected_action": [v.pk for v in versions]},
                       follow=True)


def test_admin_publish_action_publishes_and_reports_violations(administrator, login):
    good, bad = draft("C001"), draft("C002", hours="9:00-17:00", faqs=[])
    response = run_action(login(administrator), "publish", good, bad)
    assert response.status_code == 200
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.status == ItemVersion.Status.PUBLISHED and bad.status == ItemVersion.Status.DRAFT
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("已发布" in t for t in texts)
    assert any("工作日" in t and "常见问题" in t for t in texts), texts


def test_admin_new_draft_action(administrator, login):
    item = published_item(actor=administrator)
    run_action(login(administrator), "new_draft", item.current_version)
    assert item.versions.filter(status="draft", number=2).exists()


def test_published_version_is_read_only_in_admin(administrator, login):
    version = published_item(actor=administrator).current_version
    client = login(administrator)
    url = reverse("admin:catalog_itemversion_change", args=[version.pk])
    page = client.get(url)
    assert page.status_code == 200 and b'name="name"' not in page.content
    client.post(url, {"name": "改名"})
    version.refresh_from_db()
    assert version.name == "社会团体成立登记"


def test_admin_edits_a_draft_through_the_service(administrator, login):
    version = draft()
    client = login(administrator)
    url = reverse("admin:catalog_itemversion_change", args=[version.pk])
    page = client.get(url)
    assert page.status_code == 200 and b'name="name"' in page.content
    assert "事项名称" in page.content.decode()  # Chinese labels from verbose names
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if not isinstance(v, bool) or v}
    for name in ("service_objects", "channels", "org_kinds", "topics"):
        data[name] = form[name].value()
    data["name"] = "社会团体成立登记（改）"
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for field in management:
            data[f"{inline.formset.prefix}-{field.name}"] = field.value()
        for index, child in enumerate(inline.formset.forms):
            for field in child:
                value = field.value()
                if value is None or value is False:
                    continue
                data[f"{inline.formset.prefix}-{index}-{field.name}"] = value
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    version.refresh_from_db()
    assert version.name == "社会团体成立登记（改）"
    from onewindow.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="catalog.draft_updated", object_id=str(version.pk)).exists()


@pytest.mark.parametrize("role", ["clerk", "chief", "reviewer", "supervisor"])
def test_non_admin_staff_cannot_use_the_admin(request, role, login):
    user = request.getfixturevalue(role)
    version = draft()
    client = login(user)
    assert client.get(reverse(CHANGELIST)).status_code == 302
    response = client.post(reverse(CHANGELIST), {"action": "publish", "_selected_action": [version.pk]})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    version.refresh_from_db()
    assert version.status == ItemVersion.Status.DRAFT


def test_anonymous_cannot_use_the_admin():
    from django.test import Client

    version = draft()
    response = Client().post(reverse(CHANGELIST), {"action": "publish", "_selected_action": [version.pk]})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == ItemVersion.Status.DRAFT


def test_item_admin_creates_and_withdraws_through_services(administrator, login):
    from onewindow.audit.models import AuditEvent
    from onewindow.catalog.models import Item

    client = login(administrator)
    response = client.post(reverse("admin:catalog_item_add"), {"code": "NEW1", "basic_code": "B1", "is_active": "on"})
    assert response.status_code == 302
    item = Item.objects.get(code="NEW1")
    client.post(reverse("admin:catalog_item_change", args=[item.pk]), {"basic_code": "B2"})
    item.refresh_from_db()
    assert item.basic_code == "B2" and not item.is_active
    assert list(AuditEvent.objects.filter(object_id=str(item.pk), object_type="catalog.item")
                .values_list("action", flat=True)) == ["catalog.item_created", "catalog.item_updated"]


def test_admin_deletes_drafts_only_through_the_service(administrator, login):
    from onewindow.audit.models import AuditEvent

    version = draft()
    published = published_item("C002").current_version
    client = login(administrator)
    assert client.get(reverse("admin:catalog_itemversion_delete", args=[published.pk])).status_code == 403
    client.post(reverse("admin:catalog_itemversion_delete", args=[version.pk]), {"post": "yes"})
    assert not ItemVersion.objects.filter(pk=version.pk).exists()
    assert AuditEvent.objects.filter(action="catalog.draft_deleted").count() == 1
