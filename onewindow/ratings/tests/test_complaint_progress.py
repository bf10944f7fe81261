"""Issue 17: a complainant follows a complaint or report through the public progress query (page and API)
with the last four digits of the mobile or, for a report filed without a mobile, a 6-digit query code."""

import re

from django.test import Client
from django.urls import reverse
from django.utils import translation

from onewindow.ratings import services
from onewindow.ratings.models import Complaint

QUERY = "/progress/"


def _complaint():
    return services.complaint_create(kind="complaint", source="portal", subject="等候太久", content="排队两小时",
                                     person_name="赵晓红", person_mobile="13800004321")


def test_complaint_followed_with_the_mobile_digits_shows_state_due_date_and_reply(supervisor, unit, chief):
    c = _complaint()
    client = Client()
    response = client.post(QUERY, {"case_no": c.tracking_no, "last4": "4321"})
    url = reverse("portal:complaint_progress", args=[c.tracking_no])
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    with translation.override("zh-hans"):
        assert f'id="complaint-state">{Complaint.State.RECEIVED.label}<' in page
    assert c.due_on.isoformat() in page and "13800004321" not in page and "赵晓红" not in page
    services.complaint_assign(complaint=c, actor=supervisor, department=unit, assignee=chief)
    services.complaint_reply(complaint=c, actor=chief, reply="已增设两个窗口")
    assert "已增设两个窗口" in client.get(url).content.decode()
    # Without the proof the page sends to the query form; a staff login is never asked for.
    other = Client().get(url)
    assert other.status_code == 302 and other["Location"].startswith(QUERY)


def test_wrong_digits_are_refused_and_throttled_like_the_case_query(db):
    c = _complaint()
    client = Client()
    for _attempt in range(5):
        assert client.post(QUERY, {"case_no": c.tracking_no, "last4": "0000"}).status_code == 422
    response = Client(REMOTE_ADDR="10.0.0.7").post(QUERY, {"case_no": c.tracking_no, "last4": "4321"})
    assert response.status_code == 422 and "15" in response.content.decode()


def test_anonymous_report_without_mobile_gets_a_query_code_shown_once(db):
    response = Client().post(reverse("ratings:complaint_new"), {
        "kind": "report", "category": "conduct", "subject": "收受礼品", "content": "某日看到……", "anonymous": "on"})
    page = response.content.decode()
    code = re.search(r'id="query-code">[^0-9]*(\d{6})', page).group(1)
    report = Complaint.objects.get()
    assert report.query_code_hash and code not in report.query_code_hash  # only a keyed hash is kept
    client = Client()
    assert client.post(QUERY, {"case_no": report.tracking_no, "last4": "000000" if code != "000000"
                               else "111111"}).status_code == 422
    response = client.post(QUERY, {"case_no": report.tracking_no, "last4": code})
    assert response.status_code == 302
    assert report.tracking_no in client.get(response["Location"]).content.decode()
    # A code is not a mobile's digits, and a complaint with a mobile has no code.
    assert client.post(QUERY, {"case_no": report.tracking_no, "last4": code[-4:]}).status_code == 422
    assert not _complaint().query_code_hash


def test_progress_api_answers_for_a_complaint(api, db):
    c = _complaint()
    client = api(None)
    response = client.post("/api/v1/portal/progress", {"case_no": c.tracking_no, "last4": "4321"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["tracking_no"] == c.tracking_no and body["state"] == "received"
    assert body["reply_due"] == c.due_on.isoformat() and body["reply"] == ""
    response = client.post("/api/v1/portal/progress", {"case_no": c.tracking_no, "last4": "0000"})
    assert response.status_code == 404 and response.json()["code"] == "no_match"
    for _attempt in range(5):
        client.post("/api/v1/portal/progress", {"case_no": c.tracking_no, "last4": "0000"})
    assert client.post("/api/v1/portal/progress", {"case_no": c.tracking_no, "last4": "4321"}).status_code == 429


def test_api_filing_a_report_without_mobile_returns_the_query_code(api, applicant):
    response = api(applicant).post("/api/v1/ratings/complaints", {
        "kind": "report", "category": "conduct", "subject": "s", "content": "c", "anonymous": True})
    assert response.status_code == 201, response.content
    assert re.fullmatch(r"\d{6}", response.json()["query_code"])
