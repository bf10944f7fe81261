"""Every write to the catalog: items, draft versions, publishing, and the catalog label."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from onewindow.audit.services import audit_log, field_changes
from onewindow.core import clock
from onewindow.core.errors import Conflict, NotFound, ValidationFailed

from .content import CHILDREN, Content, content_from_data, content_of, content_to_data
from .models import CatalogInfo, Item, ItemVersion, SearchSynonym
from .rules import guide_violations
from .search import facets_for, search_text_for


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _raise_if_invalid(content: Content) -> None:
    if content.errors:
        raise ValidationFailed(_("The item data is not valid."), details={"errors": content.errors})


def _save_children(version: ItemVersion, content: Content, names, *, replace: bool = True) -> None:
    for name in names:
        model = CHILDREN[name]
        if replace:
            model.objects.filter(version=version).delete()
        rows = getattr(content, name)
        for row in rows:
            row.pk = None
            row.version = version
        # bulk_create skips the per-row draft check, which this service has made under the lock.
        model.objects.bulk_create(rows)


def _locked_version(version: ItemVersion) -> ItemVersion:
    try:
        return ItemVersion.objects.select_for_update().select_related("item").get(pk=version.pk)
    except ItemVersion.DoesNotExist:
        raise NotFound(_("No such item version.")) from None


def _require_draft(version: ItemVersion) -> None:
    if version.status != ItemVersion.Status.DRAFT:
        raise Conflict(_("A published version cannot be changed; create a new draft instead."),
                       code="version_not_draft")


def _with_children(version: ItemVersion) -> ItemVersion:
    return ItemVersion.objects.prefetch_related(*CHILDREN).get(pk=version.pk)


@transaction.atomic
def item_create(*, code: str, actor, basic_code: str = "", data: dict | None = None) -> Item:
    """A new item; with `data` (the file format's content) it also gets its first draft."""
    code = (code or "").strip()
    if not code or len(code) > 50:
        raise ValidationFailed(_("The implementation code is required (at most 50 characters)."),
                               details={"errors": [_("Invalid implementation code: %s") % code]})
    if Item.objects.select_for_update().filter(code=code).exists():
        raise Conflict(_("An item with code %(code)s already exists.") % {"code": code}, code="item_exists")
    item = Item.objects.create(code=code, basic_code=basic_code)
    audit_log(action="catalog.item_created", actor=_actor(actor), obj=item,
              changes={"code": [None, code], "basic_code": [None, basic_code]})
    if data is not None:
        version_draft_create(item=item, actor=actor, data=data)
    return item


@transaction.atomic
def item_update(*, item: Item, actor, basic_code: str | None = None, is_active: bool | None = None) -> Item:
    """Change an item's basic code or withdraw it from (or return it to) the public catalog."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    before = {"basic_code": item.basic_code, "is_active": item.is_active}
    if basic_code is not None:
        item.basic_code = basic_code
    if is_active is not None:
        item.is_active = is_active
    after = {"basic_code": item.basic_code, "is_active": item.is_active}
    if before != after:
        item.save(update_fields=["basic_code", "is_active"])
        audit_log(action="catalog.item_updated", actor=_actor(actor), obj=item, changes=field_changes(before, after))
    return item


@transaction.atomic
def version_draft_create(*, item: Item, actor, data: dict | None = None) -> ItemVersion:
    """A new draft: a copy of the published version (if any) with `data` applied on top."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    if item.versions.filter(status=ItemVersion.Status.DRAFT).exists():
        raise Conflict(_("This item already has a draft; edit that draft instead."), code="draft_exists")
    base = content_to_data(content_of(_with_children(item.current_version))) if item.current_version_id else {}
    content = content_from_data({**base, **(data or {})}, where=item.code)
    _raise_if_invalid(content)
    number = (item.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = content.version
    version.item, version.number, version.status = item, number, ItemVersion.Status.DRAFT
    version.save()
    _save_children(version, content, CHILDREN, replace=False)
    audit_log(action="catalog.draft_created", actor=_actor(actor), obj=version,
              changes={"number": [None, number], "from_version": getattr(item.current_version, "number", None)})
    return version


@transaction.atomic
def version_update(*, version: ItemVersion, actor, data: dict) -> ItemVersion:
    """Apply `data` (content fields, and child lists that replace the existing ones) to a draft."""
    version = _locked_version(version)
    _require_draft(version)
    before = content_to_data(content_of(_with_children(version)))
    content = content_from_data(data, version=version, where=version.item.code)
    _raise_if_invalid(content)
    replaced = [name for name in CHILDREN if name in data]
    for name in CHILDREN:
        if name not in replaced:
            setattr(content, name, list(getattr(version, name).all()))
    version.save()
    _save_children(version, content, replaced)
    after = content_to_data(content)
    changes = field_changes(before, after)
    if changes:
        audit_log(action="catalog.draft_updated", actor=_actor(actor), obj=version, changes=changes)
    return version


@transaction.atomic
def version_publish(*, version: ItemVersion, actor) -> ItemVersion:
    """Publish a draft after the guide-quality rules; it becomes the item's current version."""
    item = Item.objects.select_for_update().get(pk=version.item_id)
    version = _locked_version(version)
    _require_draft(version)
    stored = content_of(_with_children(version))
    checked = content_from_data(content_to_data(stored), where=item.code)
    violations = [*checked.errors, *guide_violations(checked)]
    if violations:
        raise ValidationFailed(_("The guide cannot be published: %(n)s problems.") % {"n": len(violations)},
                               code="guide_rules", details={"violations": violations})
    previous = item.current_version
    ItemVersion.objects.filter(item=item, status=ItemVersion.Status.PUBLISHED).update(
        status=ItemVersion.Status.RETIRED)
    version.item = item
    version.status = ItemVersion.Status.PUBLISHED
    version.published_at = clock.now()
    version.published_by = _actor(actor)
    version.search_text = search_text_for(version)
    version.facets = facets_for(version)
    version.save()
    item.current_version = version
    item.save(update_fields=["current_version"])
    audit_log(action="catalog.item_published", actor=_actor(actor), obj=version,
              changes={"version": [getattr(previous, "number", None), version.number]})
    return version


@transaction.atomic
def version_draft_delete(*, version: ItemVersion, actor) -> None:
    """Discard a draft (published versions stay for the cases filed under them)."""
    version = _locked_version(version)
    _require_draft(version)
    audit_log(action="catalog.draft_deleted", actor=_actor(actor), obj=version, changes={"number": [version.number, None]})
    version.delete()


@transaction.atomic
def catalog_label_set(*, label: str, actor) -> CatalogInfo:
    """Set the label shown on the guide pages (e.g. that this is a reference configuration)."""
    info, _created = CatalogInfo.objects.select_for_update().get_or_create(pk=1)
    if info.label != label:
        audit_log(action="catalog.label_changed", actor=_actor(actor), obj=info,
                  changes={"label": [info.label, label]})
        info.label = label
        info.save()
    return info


SYNONYM = "catalog.searchsynonym"


def synonym_errors(term: str, words: str) -> dict[str, str]:
    errors = {}
    if not term or len(term) > 30 or len(term.split()) > 1:
        errors["term"] = _("Enter one word of at most 30 characters.")
    if not words or len(words) > 200:
        errors["matches"] = _("Enter the catalog words it finds, separated by spaces (at most 200 characters).")
    return errors


def synonym_set(*, term: str, matches: str, actor) -> SearchSynonym:
    """Add or change a search synonym: `term` (what people type) finds items matching any word of `matches`."""
    term, words = (term or "").strip().lower(), " ".join((matches or "").split())
    if errors := synonym_errors(term, words):
        raise ValidationFailed(_("Please correct the marked fields."), details=errors)
    with transaction.atomic():
        synonym = SearchSynonym.objects.select_for_update().filter(term=term).first() or SearchSynonym(term=term)
        if synonym.matches != words:
            audit_log(action="catalog.synonym_set", actor=_actor(actor), object_type=SYNONYM, object_id=term,
                      changes={"matches": [synonym.matches, words]})
            synonym.matches = words
            synonym.save()
    return synonym


def synonym_delete(*, term: str, actor) -> None:
    with transaction.atomic():
        deleted, _rows = SearchSynonym.objects.filter(term=term).delete()
        if deleted:
            audit_log(action="catalog.synonym_deleted", actor=_actor(actor), object_type=SYNONYM, object_id=term)
