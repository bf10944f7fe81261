"""Keeping the catalog in step with the platform: export in its item layout, import its item updates.

Updates arrive in the platform's codes and become drafts (or update the existing draft) that an
administrator reviews and publishes: the platform never publishes into our catalog by itself.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.catalog.models import Item, ItemVersion
from onewindow.catalog.selectors import published_items
from onewindow.catalog.services import version_draft_create, version_update
from onewindow.core.errors import ServiceError, ValidationFailed

from .mapping import load_mappings
from .models import PlatformProfile

# Platform item field → our ItemVersion field (values copied as they are).
PLAIN_FIELDS = {
    "task_name": "name", "handle_item_code": "handle_item_code", "by_law": "legal_basis",
    "accept_condition": "acceptance_conditions", "anticipate_day": "statutory_limit",
    "promise_day": "promised_limit", "transact_addr": "address", "transact_time": "hours",
    "link_tel": "consult_phone", "supervise_tel": "complaint_phone", "result_name": "result_name",
}
# Platform item field → (mapping field, our ItemVersion field): coded values.
CODED_FIELDS = {"task_type": ("item_type", "item_type"), "project_type": ("case_type", "case_type")}


def platform_catalog(profile: PlatformProfile) -> list[dict]:
    """Every published item in the platform's layout and codes."""
    codes = load_mappings(profile)
    rows = []
    for item in published_items():
        version = item.current_version
        row = {"task_code": item.code, "catalog_code": item.basic_code, "task_version": version.number,
               "dept_name": version.implementing_body, "dept_code": version.implementing_body_code,
               "route": version.route, "promise_unit": version.promised_limit_unit,
               "anticipate_unit": version.statutory_limit_unit}
        row.update({theirs: getattr(version, ours) for theirs, ours in PLAIN_FIELDS.items()})
        row.update({theirs: codes.get((field, getattr(version, ours)))
                    for theirs, (field, ours) in CODED_FIELDS.items()})
        rows.append(row)
    return rows


def _data_from_row(row: dict, reverse: dict[tuple[str, str], str], errors: list[str], where: str) -> dict:
    data = {ours: row[theirs] for theirs, ours in PLAIN_FIELDS.items() if theirs in row}
    for theirs, (field, ours) in CODED_FIELDS.items():
        if theirs in row:
            meaning = reverse.get((field, str(row[theirs])))
            if meaning is None:
                errors.append(_("%(where)s: unknown %(field)s code %(code)s") % {
                    "where": where, "field": theirs, "code": row[theirs]})
            data[ours] = meaning
    return data


def platform_catalog_import(*, profile: PlatformProfile, rows: list[dict], actor) -> dict:
    """Apply item updates as drafts. Everything is checked first; any error changes nothing."""
    reverse = {(field, code): meaning for (field, meaning), code in load_mappings(profile).items()}
    errors: list[str] = []
    planned = []
    for n, row in enumerate(rows, start=1):
        where = f"#{n} {row.get('task_code', '')}"
        item = Item.objects.filter(code=row.get("task_code", "")).first()
        if item is None:
            errors.append(_("%(where)s: no such item") % {"where": where})
            continue
        planned.append((item, _data_from_row(row, reverse, errors, where), where))
    if errors:
        raise ValidationFailed(_("The catalog update was not applied."), code="catalog_update_invalid",
                               details={"errors": errors})
    drafts = []
    with transaction.atomic():  # a rule failing on any draft rolls every draft back
        for item, data, where in planned:
            draft = item.versions.filter(status=ItemVersion.Status.DRAFT).first()
            try:
                with transaction.atomic():
                    draft = (version_update(version=draft, actor=actor, data=data) if draft else
                             version_draft_create(item=item, actor=actor, data=data))
            except ServiceError as exc:
                errors.append(f"{where}: {exc.message} {exc.details or ''}".strip())
                continue
            drafts.append({"task_code": item.code, "draft_version": draft.number})
        if errors:
            raise ValidationFailed(_("The catalog update was not applied."), code="catalog_update_invalid",
                                   details={"errors": errors})
    return {"drafts": drafts}
