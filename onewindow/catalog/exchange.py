"""Import and export of the whole catalog, as JSON or Excel, in the one "onewindow-catalog" format.

Import validates every item first and changes nothing when anything is wrong; otherwise an item gets a
new published version only when its content differs from the current one, so importing is idempotent.
"""

import io
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from onewindow.audit.services import audit_log
from onewindow.core.errors import ValidationFailed

from .content import CHILD_FIELDS, CHILDREN, CONTENT_FIELDS, content_from_data, content_of, content_to_data
from .models import CatalogInfo, Item, ItemVersion
from .rules import guide_violations
from .services import (
    catalog_label_set,
    item_create,
    item_update,
    version_draft_create,
    version_publish,
    version_update,
)

FORMAT = "onewindow-catalog"
FORMAT_VERSION = 1
ITEM_COLUMNS = ["code", "basic_code", *CONTENT_FIELDS]
JSON_COLUMNS = {"service_objects", "channels", "org_kinds", "topics", "choices", "pause_provisions"}


@dataclass
class ImportReport:
    total: int = 0
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def __str__(self):
        return (f"{self.total} items, {len(self.created) + len(self.changed)} changed "
                f"({len(self.created)} new, {len(self.changed)} updated, {len(self.unchanged)} unchanged)")


@dataclass
class Entry:
    """One item read from a file, with where it came from (for error messages)."""

    code: str
    basic_code: str
    data: dict
    where: str
    child_where: dict = field(default_factory=dict)


# --- export -----------------------------------------------------------------------------------------

def catalog_document() -> dict:
    """The whole published catalog as the file-format dict, items ordered by code."""
    items = (Item.objects.filter(current_version__isnull=False).select_related("current_version")
             .prefetch_related(*(f"current_version__{name}" for name in CHILDREN)).order_by("code"))
    info = CatalogInfo.objects.filter(pk=1).first()
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "label": info.label if info else "",
        "items": [{"code": item.code, "basic_code": item.basic_code,
                   **content_to_data(content_of(item.current_version))} for item in items],
    }


def catalog_export(format: str) -> bytes:
    """The catalog as "json" (UTF-8, indented, stable order) or "xlsx" bytes."""
    document = catalog_document()
    if format == "json":
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()
    if format == "xlsx":
        return _xlsx_bytes(document)
    raise ValidationFailed(_("Unknown export format %(format)s (use json or xlsx).") % {"format": format},
                           code="bad_format")


def _cell(value, name):
    return json.dumps(value, ensure_ascii=False) if name in JSON_COLUMNS else value


def _append(sheet, values):
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"  # text, never a formula


def _xlsx_bytes(document: dict) -> bytes:
    book = Workbook()
    meta = book.active
    meta.title = "meta"
    for key in ("format", "format_version", "label"):
        _append(meta, [key, document[key]])
    items = book.create_sheet("items")
    _append(items, ITEM_COLUMNS)
    for item in document["items"]:
        _append(items, [_cell(item[name], name) for name in ITEM_COLUMNS])
    for name, columns in CHILD_FIELDS.items():
        sheet = book.create_sheet(name)
        _append(sheet, ["item_code", *columns])
        for item in document["items"]:
            for row in item[name]:
                _append(sheet, [item["code"], *(_cell(row[c], c) for c in columns)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- reading files ----------------------------------------------------------------------------------

def _read_json(data: bytes) -> tuple[str, list[Entry], list[str]]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return "", [], [_("The file is neither valid JSON nor an Excel workbook: %(error)s") % {"error": exc}]
    if not isinstance(document, dict):
        return "", [], [_("The file must hold a JSON object.")]
    errors = _header_errors(document.get("format"), document.get("format_version"))
    items = document.get("items")
    if not isinstance(items, list):
        return "", [], [*errors, _("The file has no list of items.")]
    entries = []
    for index, raw in enumerate(items):
        if not isinstance(raw, dict):
            errors.append(_("items[%(index)s]: each item must be an object") % {"index": index})
            continue
        raw = dict(raw)
        code, basic_code = raw.pop("code", ""), raw.pop("basic_code", "")
        entries.append(Entry(str(code or ""), str(basic_code or ""), raw, f"items[{index}] ({code})"))
    return str(document.get("label") or ""), entries, errors


def _header_errors(fmt, version) -> list[str]:
    if fmt != FORMAT or version != FORMAT_VERSION:
        return [_("The file is not a %(format)s file of version %(version)s.") % {
            "format": FORMAT, "version": FORMAT_VERSION}]
    return []


def _read_xlsx(data: bytes) -> tuple[str, list[Entry], list[str]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        return "", [], [_("The Excel workbook cannot be read: %(error)s") % {"error": exc}]
    missing = [name for name in ("meta", "items", *CHILDREN) if name not in book.sheetnames]
    if missing:
        return "", [], [_("The workbook lacks the sheets: %(sheets)s") % {"sheets": ", ".join(missing)}]
    meta = {row[0]: row[1] for row in book["meta"].iter_rows(values_only=True) if row and row[0]}
    errors = _header_errors(meta.get("format"), meta.get("format_version"))
    entries: dict[str, Entry] = {}
    for row_number, row in _sheet_rows(book["items"], ITEM_COLUMNS, "items", errors):
        code = str(row.pop("code") or "")
        basic_code = str(row.pop("basic_code") or "")
        where = _("sheet %(sheet)s row %(row)s (%(code)s)") % {"sheet": "items", "row": row_number, "code": code}
        if code in entries:
            errors.append(_("%(where)s: repeated item code") % {"where": where})
            continue
        entries[code] = Entry(code, basic_code, {**row, **{name: [] for name in CHILDREN}}, where,
                              {name: [] for name in CHILDREN})
    for name, columns in CHILD_FIELDS.items():
        for row_number, row in _sheet_rows(book[name], ["item_code", *columns], name, errors):
            code = str(row.pop("item_code") or "")
            where = _("sheet %(sheet)s row %(row)s (%(code)s)") % {"sheet": name, "row": row_number, "code": code}
            if code not in entries:
                errors.append(_("%(where)s: no item with this code in sheet items") % {"where": where})
                continue
            entries[code].data[name].append(row)
            entries[code].child_where[name].append(where)
    book.close()
    return str(meta.get("label") or ""), list(entries.values()), errors


def _sheet_rows(sheet, expected: list[str], name: str, errors: list[str]):
    rows = sheet.iter_rows(values_only=True)
    header = [str(h) if h is not None else "" for h in next(rows, [])]
    while header and not header[-1]:
        header.pop()
    if sorted(header) != sorted(expected):
        errors.append(_("Sheet %(sheet)s: the columns must be %(expected)s") % {
            "sheet": name, "expected": ", ".join(expected)})
        return
    for number, values in enumerate(rows, start=2):
        if values is None or all(v is None for v in values):
            continue
        yield number, dict(zip(header, values, strict=False))


# --- import -----------------------------------------------------------------------------------------

def _validate(entries: list[Entry]) -> tuple[list[str], dict]:
    errors, contents, seen = [], {}, set()
    for entry in entries:
        if not entry.code or len(entry.code) > 50:
            errors.append(_("%(where)s: the item code is required (at most 50 characters)") % {"where": entry.where})
        elif entry.code in seen:
            errors.append(_("%(where)s: repeated item code") % {"where": entry.where})
        seen.add(entry.code)
        if len(entry.basic_code) > 50:
            errors.append(_("%(where)s: the basic code is longer than 50 characters") % {"where": entry.where})
        content = content_from_data(entry.data, where=entry.where, child_where=entry.child_where)
        errors.extend(content.errors)
        if not content.errors:
            errors.extend(f"{entry.where}: {message}" for message in guide_violations(content))
        contents[entry.code] = content
    return errors, contents


def catalog_import(data: bytes, actor) -> ImportReport:
    """Import a JSON or Excel catalog; raise ValidationFailed listing every error, changing nothing."""
    reader = _read_xlsx if data[:2] == b"PK" else _read_json
    label, entries, errors = reader(data)
    more, contents = _validate(entries)
    errors.extend(more)
    if errors:
        raise ValidationFailed(_("The catalog file has %(n)s errors; nothing was changed.") % {"n": len(errors)},
                               code="import_failed", details={"errors": errors})
    return _apply(label, entries, contents, actor)


@transaction.atomic
def _apply(label, entries, contents, actor) -> ImportReport:
    report = ImportReport(total=len(entries))
    existing = {item.code: item for item in Item.objects.select_related("current_version").prefetch_related(
        *(f"current_version__{name}" for name in CHILDREN)).filter(code__in=[e.code for e in entries])}
    for entry in entries:
        item = existing.get(entry.code)
        new_data = content_to_data(contents[entry.code])
        if item is None:
            item = item_create(code=entry.code, basic_code=entry.basic_code, actor=actor)
            report.created.append(entry.code)
        else:
            if item.basic_code != entry.basic_code:
                item_update(item=item, actor=actor, basic_code=entry.basic_code)
            if item.current_version_id and content_to_data(content_of(item.current_version)) == new_data:
                report.unchanged.append(entry.code)
                continue
            report.changed.append(entry.code)
        draft = item.versions.filter(status=ItemVersion.Status.DRAFT).first()
        if draft:
            draft = version_update(version=draft, actor=actor, data=new_data)
        else:
            draft = version_draft_create(item=item, actor=actor, data=new_data)
        version_publish(version=draft, actor=actor)
    if label:
        catalog_label_set(label=label, actor=actor)
    if report.created or report.changed:  # an import that changes nothing leaves no trace
        audit_log(action="catalog.imported", actor=actor if getattr(actor, "pk", None) else None,
                  object_type="catalog.catalog", object_repr=label[:200],
                  changes={"created": report.created, "changed": report.changed,
                           "unchanged": len(report.unchanged)})
    return report
