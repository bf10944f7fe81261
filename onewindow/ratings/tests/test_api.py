"""The ratings API: who may rate and file, structured errors."""

from onewindow.ratings import services
from onewindow.ratings.models import Complaint, Rating


def test_rate_by_api(api, complete, applicant, other_applicant, chief):
    case = complete(owner=applicant)
    url = f"/api/v1/ratings/cases/{case.case_no}"
    assert api(None).post(url, {"level": "satisfied"}).status_code == 401
    refused = api(other_applicant).post(url, {"level": "satisfied"})
    assert refused.status_code == 403 and refused.json()["code"] == "not_applicant"
    assert api(chief).post(url, {"level": "satisfied"}).status_code == 403
    bad = api(applicant).post(url, {"level": "great"})
    assert bad.status_code == 422 and bad.json()["code"] == "validation_failed"
    ok = api(applicant).post(url, {"level": "very_satisfied", "channel": "mobile", "scores": {"overall": 5}})
    assert ok.status_code == 201 and ok.json()["attempt"] == 1
    assert Rating.objects.get(case=case).channel == "mobile"
    assert [r["level"] for r in api(applicant).get(url).json()] == ["very_satisfied"]
    assert api(other_applicant).get(url).status_code == 403
    assert api(applicant).post("/api/v1/ratings/cases/NOPE", {"level": "satisfied"}).status_code == 404


def test_complaints_by_api(api, applicant, chief, supervisor, unit):
    body = {"kind": "report", "subject": "收礼", "content": "经过", "anonymous": True, "person_name": "知情人乙",
            "person_mobile": "13700000001"}
    assert api(None).post("/api/v1/ratings/complaints", body).status_code == 401
    created = api(applicant).post("/api/v1/ratings/complaints", body)
    assert created.status_code == 201
    number = created.json()["tracking_no"]
    assert Complaint.objects.get(tracking_no=number).source == "api"
    url = f"/api/v1/ratings/complaints/{number}"
    assert api(applicant).get(url).json()["person_name"] == "知情人乙"  # the reporter sees their own
    assert api(chief).get(url).status_code == 404  # not assigned to them
    services.complaint_assign(complaint=Complaint.objects.get(), actor=supervisor, department=unit, assignee=chief)
    assert api(chief).get(url).json()["person_name"] is None
    assert api(supervisor).get(url).json()["person_mobile"] == "13700000001"
    invalid = api(applicant).post("/api/v1/ratings/complaints", {**body, "kind": "complaint"})
    assert invalid.status_code == 422 and "anonymous" in invalid.json()["details"]
