import csv
import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from onewindow.audit.models import AuditEvent
from onewindow.core.errors import PermissionDenied, ValidationFailed
from onewindow.registry.importer import COLUMNS, export_rows, read_rows
from onewindow.registry.models import Organisation
from onewindow.registry.services import organisations_import

pytestmark = pytest.mark.django_db

HEADERS = [header for _key, header in COLUMNS]
GOOD = [
    ["湖南省某行业协会", "51430000MJJ509249B", "社会团体", "正常", "长沙市", "服务会员", "行业交流", "湖南省", "张三",
     "100000", "湖南省某厅", "", "湖南省民政厅", "2010-05-06", "", ""],
    ["长沙某学校", "52430000MJ00000189", "民办非企业单位", "已注销", "长沙市", "办学", "培训", "", "李四", "300000",
     "某局", "", "湖南省民政厅", "2008-03-01", "", ""],
]


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_import_xlsx_then_export_round_trip(administrator, django_assert_max_num_queries):
    rows = read_rows(xlsx(GOOD), "register.xlsx")
    with django_assert_max_num_queries(12):  # constant: bulk inserts, not a query per row
        created = organisations_import(rows=rows, actor=administrator)
    assert len(created) == 2
    school = Organisation.objects.get(credit_code="52430000MJ00000189")
    assert school.status == Organisation.Status.DEREGISTERED and str(school.established_on) == "2008-03-01"
    assert school.versions.get().action == "import"
    assert AuditEvent.objects.filter(action="registry.imported").count() == 1
    exported = export_rows(Organisation.objects.order_by("credit_code"), "xlsx")
    rows = list(load_workbook(io.BytesIO(exported)).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS and rows[1][0] == "湖南省某行业协会" and rows[2][3] == "已注销"
    text = export_rows(Organisation.objects.order_by("credit_code"), "csv").decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[2][1] == "52430000MJ00000189"


def test_every_bad_row_is_reported_and_nothing_is_saved(administrator):
    bad = [
        GOOD[0],
        [""] * 16,  # blank rows are skipped but still counted in the row numbers
        ["", "51430000MJJ509249A", "社团", "正常"] + [""] * 12,  # no name, bad check, bad kind
        GOOD[0][:1] + ["51430000MJJ509249B"] + GOOD[0][2:],  # duplicate within the file
        ["某基金会", "52430000MJ00000189", "基金会", "存续", "", "", "", "", "", "abc", "", "", "", "2010-13-01",
         "", ""],  # kind digit, status, capital and date wrong
    ]
    with pytest.raises(ValidationFailed) as err:
        organisations_import(rows=read_rows(xlsx(bad), "r.xlsx"), actor=administrator)
    rows = err.value.details["rows"]
    assert [r["row"] for r in rows] == [4, 5, 6]
    assert len(rows[0]["errors"]) == 3 and "第18位" in " ".join(rows[0]["errors"])
    assert "重复" in rows[1]["errors"][0]
    assert len(rows[2]["errors"]) == 4
    assert not Organisation.objects.exists()


def test_import_is_for_administrators(clerk):
    with pytest.raises(PermissionDenied):
        organisations_import(rows=[], actor=clerk)


def test_csv_in_gb18030_and_missing_columns():
    content = ("\n".join([",".join(HEADERS), ",".join(GOOD[0])])).encode("gb18030")
    assert read_rows(content, "r.csv")[0]["name"] == "湖南省某行业协会"
    with pytest.raises(ValidationFailed):
        read_rows("名称\n甲".encode(), "r.csv")
    with pytest.raises(ValidationFailed):
        read_rows(b"x", "r.txt")
    with pytest.raises(ValidationFailed):
        read_rows(b"not a zip", "r.xlsx")


def test_import_page_and_export_permissions(client, login, clerk, supervisor, administrator):
    assert client.get("/organisations/import/").status_code == 302
    assert login(clerk).get("/organisations/import/").status_code == 403
    admin_client = login(administrator)
    bad = io.BytesIO(xlsx([["", "51430000MJJ509249A", "社团", ""] + [""] * 12]))
    bad.name = "bad.xlsx"
    response = admin_client.post("/organisations/import/", {"file": bad})
    assert response.status_code == 200 and "未导入任何数据" in response.content.decode()
    good = io.BytesIO(xlsx(GOOD))
    good.name = "good.xlsx"
    assert admin_client.post("/organisations/import/", {"file": good}).status_code == 302
    assert Organisation.objects.count() == 2

    assert client.get("/organisations/export.csv").status_code == 302
    assert login(administrator.__class__.objects.create(username="x", kind="applicant")).get(
        "/organisations/export.csv").status_code == 403
    response = login(supervisor).get("/organisations/export.csv")
    assert response.status_code == 200 and "湖南省某行业协会" in response.content.decode("utf-8-sig")
    assert login(clerk).get("/organisations/export.xlsx").status_code == 200


def test_register_command(administrator, tmp_path, capsys):
    source = tmp_path / "in.xlsx"
    source.write_bytes(xlsx(GOOD))
    call_command("registry", "import", str(source), "--by", administrator.username)
    assert "imported 2" in capsys.readouterr().out
    target = tmp_path / "out.csv"
    call_command("registry", "export", str(target))
    assert "长沙某学校" in target.read_text(encoding="utf-8-sig")
