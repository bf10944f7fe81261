import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from onewindow.catalog.exchange import catalog_export, catalog_import
from onewindow.catalog.loader import catalog_load_reference
from onewindow.catalog.models import FAQ, CatalogInfo, Item, ItemVersion, Material
from onewindow.core.errors import ValidationFailed

from .factories import catalog_file, file_entry

pytestmark = pytest.mark.django_db

BACK_OFFICE = {
    "route": "back_office", "promised_limit": 15, "promised_limit_unit": "working_days", "case_type": "committed",
    "name": "基金会设立登记", "keywords": "基金会", "service_objects": ["natural_person"],
    "org_kinds": ["foundation"],
    "steps": [
        {"order": 1, "kind": "accept", "name": "受理", "time_limit": 0, "description": ""},
        {"order": 2, "kind": "review", "name": "初审", "time_limit": 10, "description": "处室审核"},
        {"order": 3, "kind": "sign_off", "name": "签发", "time_limit": 2, "description": ""},
        {"order": 4, "kind": "forward", "name": "报上级决定", "time_limit": 3, "description": ""},
    ],
}


def sample_file(**label):
    return catalog_file(
        file_entry("C001", "B001"),
        file_entry("C002", "B002", **BACK_OFFICE),
        file_entry("C003", "", name="公墓建设审批", item_type="public_service", faqs=[], form_fields=[],
                   org_kinds=[], registry_action="none", result_name="批复", result_type="approval",
                   result_sample="", hours="工作日 9:00-17:00\n节假日除外", topics=["殡葬", "=SUM(A1)"]),
        **label)


def to_bytes(document) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


def wipe():
    Item.objects.update(current_version=None)
    ItemVersion.objects.all().delete()
    Item.objects.all().delete()
    CatalogInfo.objects.all().delete()


def test_import_creates_published_items_and_label():
    report = catalog_import(to_bytes(sample_file()), actor=None)
    assert sorted(report.created) == ["C001", "C002", "C003"]
    assert str(report).startswith("3 items, 3 changed")
    assert Item.objects.filter(current_version__status="published").count() == 3
    assert CatalogInfo.objects.get().label == "参考配置（非官方清单）"
    assert Item.objects.get(code="C002").current_version.steps.count() == 4


def test_import_is_idempotent_and_only_changed_items_get_a_version():
    catalog_import(to_bytes(sample_file()), actor=None)
    again = catalog_import(to_bytes(sample_file()), actor=None)
    assert again.created == [] and again.changed == [] and len(again.unchanged) == 3
    assert ItemVersion.objects.count() == 3
    document = sample_file()
    document["items"][0]["promised_limit_note"] = "材料齐全当场办结"
    report = catalog_import(to_bytes(document), actor=None)
    assert report.changed == ["C001"]
    assert Item.objects.get(code="C001").current_version.number == 2
    assert ItemVersion.objects.filter(status="retired").count() == 1


def test_json_round_trip_is_byte_identical():
    catalog_import(to_bytes(sample_file()), actor=None)
    first = catalog_export("json")
    wipe()
    catalog_import(first, actor=None)
    assert catalog_export("json") == first
    assert json.loads(first)["items"][2]["topics"] == ["殡葬", "=SUM(A1)"]


def test_xlsx_round_trip_is_exact():
    catalog_import(to_bytes(sample_file()), actor=None)
    json_before = catalog_export("json")
    xlsx = catalog_export("xlsx")
    book = load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames == ["meta", "items", "materials", "steps", "faqs", "form_fields"]
    assert book["items"]["A2"].value == "C001"
    wipe()
    report = catalog_import(xlsx, actor=None)
    assert len(report.created) == 3
    assert catalog_export("json") == json_before
    rows = lambda data: {name: [tuple(r) for r in load_workbook(io.BytesIO(data))[name].iter_rows(values_only=True)]  # noqa: E731
                         for name in book.sheetnames}
    assert rows(catalog_export("xlsx")) == rows(xlsx)


def test_bad_file_lists_every_error_and_changes_nothing():
    catalog_import(to_bytes(sample_file()), actor=None)
    before = catalog_export("json")
    document = sample_file(label="新标签")
    document["items"][0]["promised_limit_note"] = "would change"
    document["items"][1]["item_type"] = "spaceship"  # bad enum
    document["items"][2]["hours"] = "周一至周五"  # breaks a publish rule
    document["items"].append(file_entry("C001"))  # repeated code
    document["items"][0]["materials"][1]["originals"] = "two"  # bad type in a child row
    with pytest.raises(ValidationFailed) as exc:
        catalog_import(to_bytes(document), actor=None)
    errors = exc.value.details["errors"]
    assert any(e.startswith("items[1] (C002)") and "item_type" in e for e in errors)
    assert any(e.startswith("items[2] (C003)") and "工作日" in e for e in errors)
    assert any(e.startswith("items[3] (C001)") and "重复" in e for e in errors)
    assert any("items[0] (C001) materials[1]" in e and "originals" in e for e in errors)
    assert catalog_export("json") == before
    assert CatalogInfo.objects.get().label == "参考配置（非官方清单）"


def test_bad_xlsx_names_sheet_rows():
    catalog_import(to_bytes(sample_file()), actor=None)
    book = load_workbook(io.BytesIO(catalog_export("xlsx")))
    header = [c.value for c in book["materials"][1]]
    book["materials"].cell(row=3, column=header.index("source") + 1, value="stolen")
    book["faqs"].append(["NOPE", 1, "问", "答"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ValidationFailed) as exc:
        catalog_import(out.getvalue(), actor=None)
    errors = exc.value.details["errors"]
    assert any("工作表 materials 第 3 行" in e and "source" in e for e in errors), errors
    assert any("工作表 faqs 第 " in e and "NOPE" in e for e in errors), errors
    assert len(errors) == 2


def test_garbage_and_wrong_format_are_refused():
    for data in (b"not json", json.dumps({"format": "other", "items": []}).encode(), b"PK\x03\x04broken"):
        with pytest.raises(ValidationFailed) as exc:
            catalog_import(data, actor=None)
        assert exc.value.details["errors"]
    assert Item.objects.count() == 0


def test_import_replaces_an_open_draft():
    from onewindow.catalog.services import version_draft_create

    catalog_import(to_bytes(sample_file()), actor=None)
    version_draft_create(item=Item.objects.get(code="C001"), actor=None, data={"name": "草稿里的名字"})
    document = sample_file()
    document["items"][0]["name"] = "导入的名字"
    catalog_import(to_bytes(document), actor=None)
    item = Item.objects.get(code="C001")
    assert item.current_version.name == "导入的名字" and item.current_version.number == 2
    assert not item.versions.filter(status="draft").exists()


def test_loader_reads_a_file_and_is_idempotent(tmp_path):
    path = tmp_path / "catalog.json"
    path.write_bytes(to_bytes(sample_file()))
    assert catalog_load_reference(path).startswith("3 items, 3 changed")
    assert catalog_load_reference(path).startswith("3 items, 0 changed")


def test_command_export_import_and_errors(tmp_path, capsys):
    source = tmp_path / "in.json"
    source.write_bytes(to_bytes(sample_file()))
    call_command("catalog", "import", str(source))
    out = tmp_path / "out.xlsx"
    call_command("catalog", "export", "--format", "xlsx", "-o", str(out))
    assert out.read_bytes()[:2] == b"PK"
    bad = sample_file()
    bad["items"][0]["faqs"] = []
    bad["items"][1]["consult_phone"] = bad["items"][1]["complaint_phone"]
    source.write_bytes(to_bytes(bad))
    with pytest.raises(CommandError):
        call_command("catalog", "import", str(source))
    err = capsys.readouterr().err
    assert "items[0] (C001)" in err and "items[1] (C002)" in err
    assert FAQ.objects.filter(version__item__code="C001").count() == 1
    assert Material.objects.count() == 6
