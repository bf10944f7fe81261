"""Reading and writing the register as Excel (.xlsx) or CSV, with Chinese column headers.

`read_rows` turns a file into dicts keyed by field; `validate_rows` checks every row and reports all
problems at once; `export_rows` writes the same layout back, so an export can be re-imported.
"""

import csv
import datetime
import io

from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook

from onewindow.catalog.models import OrgKind
from onewindow.core.errors import ServiceError, ValidationFailed

from .identifiers import check_uscc
from .models import KIND_DIGIT, Organisation, UsccOverride
from .validation import clean_items

# (field, header) in column order; headers are the data's own wording.
COLUMNS = (
    ("name", "名称"), ("credit_code", "统一社会信用代码"), ("kind", "类型"), ("status", "状态"),
    ("address", "住所"), ("purpose", "宗旨"), ("business_scope", "业务范围"), ("activity_area", "活动地域"),
    ("legal_representative", "法定代表人"), ("registered_capital", "注册资金(元)"),
    ("supervisor_unit", "业务主管单位"), ("foundation_type", "基金会类型"),
    ("registration_authority", "登记机关"), ("established_on", "成立日期"),
    ("charity_recognised_on", "慈善组织认定日期"), ("fundraising_qualified_on", "公开募捐资格日期"),
)
KIND_WORDS = {"社会团体": OrgKind.SOCIAL_GROUP, "民办非企业单位": OrgKind.PRIVATE_NON_ENTERPRISE,
              "社会服务机构": OrgKind.PRIVATE_NON_ENTERPRISE, "基金会": OrgKind.FOUNDATION}
KIND_LABELS = {OrgKind.SOCIAL_GROUP: "社会团体", OrgKind.PRIVATE_NON_ENTERPRISE: "民办非企业单位",
               OrgKind.FOUNDATION: "基金会"}
STATUS_WORDS = {"登记": Organisation.Status.REGISTERED, "正常": Organisation.Status.REGISTERED,
                "注销": Organisation.Status.DEREGISTERED, "已注销": Organisation.Status.DEREGISTERED,
                "撤销": Organisation.Status.REVOKED, "已撤销": Organisation.Status.REVOKED}
STATUS_LABELS = {Organisation.Status.REGISTERED: "正常", Organisation.Status.DEREGISTERED: "已注销",
                 Organisation.Status.REVOKED: "已撤销"}
DATE_FIELDS = ("established_on", "charity_recognised_on", "fundraising_qualified_on")


def read_rows(content: bytes, filename: str) -> list[dict]:
    """Rows of an .xlsx or .csv file as {field: value}; the header row maps columns by their header."""
    by_header = {header: key for key, header in COLUMNS}
    if filename.lower().endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
            table = [list(row) for row in sheet.iter_rows(values_only=True)]
        except Exception as exc:  # openpyxl raises many kinds of errors for a broken file
            raise ValidationFailed(gettext("The file is not a readable Excel workbook."), code="import_file") from exc
    elif filename.lower().endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("gb18030", errors="strict")
        table = list(csv.reader(io.StringIO(text)))
    else:
        raise ValidationFailed(gettext("Upload an .xlsx or .csv file."), code="import_file")
    if not table:
        raise ValidationFailed(gettext("The file is empty."), code="import_file")
    headers = [str(h or "").strip() for h in table[0]]
    missing = [header for key, header in COLUMNS[:3] if header not in headers]
    if missing:
        raise ValidationFailed(gettext("Missing columns: %(cols)s.") % {"cols": "、".join(missing)}, code="import_file")
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if all(v in (None, "") for v in values):
            continue
        row = {by_header[h]: v for h, v in zip(headers, values, strict=False) if h in by_header}
        row["row"] = number  # the spreadsheet row, for error reports
        rows.append(row)
    return rows


def _date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip().replace("/", "-"))


def validate_rows(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """(model field dicts for the good rows, [{"row": spreadsheet row number, "errors": [...]}, ...])."""
    codes = [str(r.get("credit_code") or "").strip().upper() for r in rows]
    existing = set(Organisation.objects.filter(credit_code__in=codes).values_list("credit_code", flat=True))
    overridden = set(UsccOverride.objects.filter(code__in=codes).values_list("code", flat=True))
    seen: set[str] = set()
    valid, errors = [], []
    for index, (row, code) in enumerate(zip(rows, codes, strict=True), start=2):
        number = row.get("row", index)
        problems = []
        kind = KIND_WORDS.get(str(row.get("kind") or "").strip())
        if kind is None:
            problems.append(gettext("%(col)s must be one of: %(choices)s.")
                            % {"col": "类型", "choices": "、".join(KIND_WORDS)})
        check = check_uscc(code)
        if not check.ok and code not in overridden:
            problems.append(check.message)
        elif kind and (code[0] != "5" or code[1] != KIND_DIGIT[kind]):
            problems.append(gettext("The credit code does not belong to a civil-affairs organisation of this kind "
                               "(positions 1-2 should be 5%(digit)s).") % {"digit": KIND_DIGIT[kind]})
        if code in existing:
            problems.append(gettext("The credit code is already in the register."))
        elif code in seen:
            problems.append(gettext("The credit code appears twice in the file."))
        seen.add(code)
        status = STATUS_WORDS.get(str(row.get("status") or "正常").strip())
        if status is None:
            problems.append(gettext("%(col)s must be one of: %(choices)s.")
                            % {"col": "状态", "choices": "、".join(STATUS_WORDS)})
        dates = {}
        for key in DATE_FIELDS:
            try:
                dates[key] = _date(row.get(key))
            except ValueError:
                problems.append(gettext("%(col)s is not a date (YYYY-MM-DD).") % {"col": dict(COLUMNS)[key]})
        items = {}
        if not str(row.get("name") or "").strip():
            problems.append(gettext("%(item)s is required.") % {"item": "名称"})
        if kind:
            try:
                items = clean_items(kind=kind, data=row, required=False)
            except ServiceError as exc:
                problems.extend(str(m) for m in exc.details.values())
        if problems:
            errors.append({"row": number, "errors": problems})
            continue
        valid.append({**items, **dates, "kind": kind, "credit_code": code, "status": status,
                      "registration_authority": str(row.get("registration_authority") or "").strip()[:100]})
    return valid, errors


def export_rows(organisations, fmt: str) -> bytes:
    """The register as .xlsx or .csv bytes, in the import layout."""
    def values(o: Organisation) -> list:
        out = []
        for key, _header in COLUMNS:
            value = getattr(o, key)
            if key == "kind":
                value = KIND_LABELS[value]
            elif key == "status":
                value = STATUS_LABELS[value]
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            out.append("" if value is None else str(value))
        return out

    headers = [header for _key, header in COLUMNS]
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("社会组织")
        sheet.append(headers)
        for organisation in organisations:
            sheet.append(values(organisation))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for organisation in organisations:
        writer.writerow(values(organisation))
    return ("\ufeff" + buffer.getvalue()).encode()  # BOM so Excel opens UTF-8 CSV correctly
