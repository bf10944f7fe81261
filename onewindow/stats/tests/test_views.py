
"""Dashboard, public results, PDF, Excel and the summary API: permissions, agreement, query budgets."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from onewindow.cases.tests.factories import make_item
from onewindow.core.tests.pdfread import flat, read_pdf
from onewindow.demo.history import history_generate

PERIOD = {"from": "2026-03-01", "to": "2026-04-30"}


@pytest.fixture
def leader_user(make_staff):
    from onewindow.accounts.models import Role

    return make_staff("leader", Role.DECISION_MAKER)


@pytest.fixture
def made(chief, django_capture_on_commit_callbacks):
    """Six window cases over three working days, completed on the spot and rated, through the services."""
    make_item(name="社会组织印章式样备案")
    with django_capture_on_commit_callbacks(execute=True):
        report = history_generate(since=datetime.date(2026, 3, 2), until=datetime.date(2026, 3, 4), completed=6)
    return report


def test_history_reproduces_the_articles_kind_of_figures(made, api, leader_user):
    assert (made.created, made.days) == (6, 3)
    body = api(leader_user).get("/api/v1/stats/summary", **PERIOD).json()
    assert (body["completed"], body["bad_reviews"], body["complaints"], body["reports"]) == (6, 0, 0, 0)
    assert body["satisfaction_rate"] == 100.0 and body["ratings"] == 6 and body["on_the_spot"] == 6
    assert body["from"] == "2026-03-01"


def test_summary_api_permissions_and_errors(db, api, applicant, clerk):
    assert api(None).get("/api/v1/stats/summary").status_code == 401
    assert api(applicant).get("/api/v1/stats/summary").status_code == 403
    assert api(clerk).get("/api/v1/stats/summary", **PERIOD).status_code == 200
    bad = api(clerk).get("/api/v1/stats/summary", **{"from": "2026-05-01", "to": "2026-04-01"})
    assert bad.status_code == 422 and bad.json()["code"] == "bad_period"
    assert api(clerk).get("/api/v1/stats/summary", **{"from": "May"}).status_code == 422


def test_dashboard_and_api_agree(made, login, api, leader_user, django_assert_max_num_queries):
    browser = login(leader_user)
    with django_assert_max_num_queries(30):  # 3 auth + 8 breakdown + 8 total + 8 months + 1 labels
        page = browser.get("/stats/", {**PERIOD, "by": "item"})
    assert page.status_code == 200 and "<svg" in page.content.decode()
    api_body = api(leader_user).get("/api/v1/stats/summary", **PERIOD).json()
    assert {k: api_body[k] for k in page.context["summary"]} == page.context["summary"]
    for by in ("item_type", "route", "channel", "window", "person", "month"):
        assert login(leader_user).get("/stats/", {**PERIOD, "by": by}).status_code == 200


def test_complaints_per_item_on_the_dashboard_and_in_the_api(made, login, api, leader_user,
                                                             django_assert_max_num_queries):
    from onewindow.cases.models import Case
    from onewindow.ratings import services as rs
    from onewindow.stats.selectors import DIMENSIONS
    from onewindow.stats.tables import COLUMNS

    case = Case.objects.select_related("item__current_version").first()
    rs.complaint_create(kind="complaint", source="portal", subject="慢", content="等了很久", person_name="赵晓红",
                        person_mobile="13800000000", case_no=case.case_no)
    since = {"from": "2026-03-01"}
    column = 1 + [name for name, _label in COLUMNS].index("complaints")
    browser, client = login(leader_user), api(leader_user)
    with django_assert_max_num_queries(30):
        page = browser.get("/stats/", {**since, "by": "item"})
    assert [row[column] for row in page.context["table"]] == [1]
    assert page.context["table"][0][0] == case.item.current_version.name
    book = load_workbook(io.BytesIO(browser.get("/stats/export.xlsx", since).content))
    by_person = list(book.worksheets[1 + list(DIMENSIONS).index("person")].values)
    assert [row[column] for row in by_person[1:]] == [1]  # the same column in the Excel export
    with django_assert_max_num_queries(20):  # 3 auth + 8 breakdown + 8 total + 1 labels
        body = client.get("/api/v1/stats/summary", **since, by="person").json()
    assert body["by"] == "person" and body["complaints"] == 1
    assert [(row["key"], row["complaints"], row["completed"]) for row in body["rows"]] == [
        (str(case.fact.handler_id), 1, 6)]
    bad = client.get("/api/v1/stats/summary", by="colour")
    assert bad.status_code == 422 and bad.json()["code"] == "bad_dimension"


@pytest.mark.parametrize("url", ["/stats/", "/stats/export.xlsx", "/stats/report/2026-03.pdf"])
def test_report_pages_are_for_leaders_and_supervisors(url, client, login, clerk, applicant, supervisor):
    assert client.get(url).status_code == 302
    assert login(applicant).get(url).status_code == 403
    assert login(clerk).get(url).status_code == 403
    assert login(supervisor).get(url).status_code == 200


def test_excel_has_every_table(made, login, leader_user):
    response = login(leader_user).get("/stats/export.xlsx", PERIOD)
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 8  # the total and seven dimensions
    total = list(book.worksheets[0].values)
    assert total[2][3] == 6  # the total row: completed
    assert login(leader_user).get("/stats/export.xlsx", {"from": "bad"}).status_code == 400


def test_monthly_pdf(made, login, leader_user):
    response = login(leader_user).get("/stats/report/2026-03.pdf")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    text = flat("".join(read_pdf(response.content)[0]))
    # The key figures only (a second's layout otherwise); the Excel export has every column.
    assert "有效评价" in text and "满意率" in text and "默认评价" not in text
    assert "全部指标见统计页同期的Excel导出" in text
    assert login(leader_user).get("/stats/report/2026-13.pdf").status_code == 400


def test_public_results_for_anyone_without_personal_data(made, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        page = client.get("/stats/results/", PERIOD)
    body = page.content.decode()
    assert page.status_code == 200 and "100%" in body and "满意率" in body
    assert "湖南省" not in body.split("<main", 1)[1].split("</main>", 1)[0]  # no applicant names
