"""An item's content as plain data (the catalog file format) and as unsaved model rows.

One representation serves the services, import/export and the publish rules: a `Content` holds an unsaved
(or loaded) ItemVersion plus its child rows, built from a dict keyed by model field names.
"""

import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .models import FAQ, Channel, FlowStep, FormField, ItemVersion, Material, OrgKind, ServiceObject

NON_CONTENT = {"id", "item", "number", "status", "published_at", "published_by", "search_text", "facets"}
CONTENT_FIELDS = [f.name for f in ItemVersion._meta.concrete_fields if f.name not in NON_CONTENT]
CHILDREN = {"materials": Material, "steps": FlowStep, "faqs": FAQ, "form_fields": FormField}
CHILD_FIELDS = {
    name: [f.name for f in model._meta.concrete_fields if f.name not in {"id", "version"}]
    for name, model in CHILDREN.items()
}
# JSON list fields whose members must come from an enum.
LIST_ENUMS = {"service_objects": ServiceObject, "channels": Channel, "org_kinds": OrgKind}


@dataclass
class Content:
    version: ItemVersion
    materials: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    faqs: list = field(default_factory=list)
    form_fields: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _field(model, name) -> models.Field:
    return model._meta.get_field(name)


def _coerce(model_field: models.Field, value):
    """Bring a cell or JSON value to what the model field expects (spreadsheets give None and text)."""
    if isinstance(model_field, models.JSONField):
        if isinstance(value, str):
            value = json.loads(value) if value.strip() else []
        return [] if value is None else value
    if isinstance(model_field, (models.CharField, models.TextField)) and value is None:
        return ""
    return value


def _fill(instance, data: dict, names: list[str], where: str, errors: list[str]) -> None:
    unknown = sorted(set(data) - set(names))
    if unknown:
        errors.append(_("%(where)s: unknown fields %(fields)s") % {"where": where, "fields": ", ".join(unknown)})
    for name in names:
        if name not in data:
            continue
        model_field = _field(type(instance), name)
        try:
            setattr(instance, model_field.attname, _coerce(model_field, data[name]))
        except (ValueError, TypeError):
            errors.append(_("%(where)s: %(field)s is not valid JSON") % {"where": where, "field": name})


def _clean(instance, exclude: list[str], where: str, errors: list[str]) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            label = str(_field(type(instance), name).verbose_name) if name != "__all__" else ""
            prefix = f"{where}: " if where else ""
            for message in messages:
                errors.append(f"{prefix}{label} ({name}): {message}" if label else f"{prefix}{message}")


def content_from_data(data: dict, *, version: ItemVersion | None = None, where: str = "",
                      child_where: dict | None = None) -> Content:
    """Build unsaved rows from `data`, validating field types and enums.

    `version` supplies the starting values (a draft being updated); child lists present in `data` replace
    the existing ones. Errors are collected in `Content.errors`, prefixed by `where` / `child_where`.
    """
    errors: list[str] = []
    version = version or ItemVersion()
    top = {k: v for k, v in data.items() if k not in CHILDREN}
    _fill(version, top, CONTENT_FIELDS, where, errors)
    _clean(version, exclude=list(NON_CONTENT), where=where, errors=errors)
    for name, enum in LIST_ENUMS.items():
        value = getattr(version, name)
        if not isinstance(value, list) or any(v not in enum.values for v in value):
            errors.append(_("%(where)s: %(field)s must be a list of %(choices)s") % {
                "where": where, "field": name, "choices": ", ".join(enum.values)})
    if not isinstance(version.topics, list):
        errors.append(_("%(where)s: topics must be a list") % {"where": where})
    if not 1 <= (version.online_depth or 0) <= 4:
        errors.append(_("%(where)s: online depth must be between 1 and 4") % {"where": where})
    content = Content(version=version)
    for name, model in CHILDREN.items():
        rows = data.get(name)
        if rows is None:
            continue
        if not isinstance(rows, list):
            errors.append(_("%(where)s: %(field)s must be a list") % {"where": where, "field": name})
            continue
        built = []
        for index, row in enumerate(rows):
            row_where = (child_where or {}).get(name, [None] * len(rows))[index] or f"{where} {name}[{index}]"
            if not isinstance(row, dict):
                errors.append(_("%(where)s: each row must be an object") % {"where": row_where})
                continue
            child = model()
            _fill(child, row, CHILD_FIELDS[name], row_where, errors)
            _clean(child, exclude=["version"], where=row_where, errors=errors)
            if name == "form_fields" and not isinstance(child.choices, list):
                errors.append(_("%(where)s: choices must be a list") % {"where": row_where})
            built.append(child)
        # Stable sort so that a file listed out of order compares equal to what the database returns.
        setattr(content, name, sorted(built, key=lambda c: c.order if isinstance(c.order, int) else 0))
    content.errors = errors
    return content


def content_of(version: ItemVersion) -> Content:
    """The stored content of a version (use a version with its children prefetched)."""
    return Content(version=version, **{name: list(getattr(version, name).all()) for name in CHILDREN})


def content_to_data(content: Content) -> dict:
    """The file-format dict of a content (without the item's code and basic code)."""
    data = {name: getattr(content.version, name) for name in CONTENT_FIELDS}
    for name in CHILDREN:
        data[name] = [{f: getattr(child, f) for f in CHILD_FIELDS[name]} for child in getattr(content, name)]
    return data
