"""Each refusal of ratings, rectification, appeals, complaints and urging by its error code: the service
refuses and changes nothing; the API answers with the status and the code, a page with the Chinese message."""

import pytest
from django.urls import reverse

from onewindow.cases import services as case_services
from onewindow.catalog.models import Channel
from onewindow.core.errors import Conflict, PermissionDenied, ValidationFailed
from onewindow.ratings import services
from onewindow.ratings.models import Appeal, Complaint, Rating, RatingWindow, Rectification, Urging

from .fixtures import _applicant

pytestmark = pytest.mark.django_db


@pytest.fixture
def bad_review(complete, applicant, django_capture_on_commit_callbacks):
    """A named bad review of a completed case, and the rectification it opened."""
    with django_capture_on_commit_callbacks(execute=True):
        rating = services.rating_submit(
            case=complete(owner=applicant), actor=applicant, channel="pc", level="dissatisfied"
        )
    return rating.rectification


@pytest.fixture
def complaint(applicant, supervisor, unit, chief):
    """A complaint filed by the applicant's account, assigned to the chief's unit and person."""
    filed = services.complaint_create(
        kind="complaint",
        source="portal",
        subject="等候太久",
        content="排队两小时",
        actor=applicant,
        person_name="赵晓红",
        person_mobile="13800000000",
    )
    return services.complaint_assign(complaint=filed, actor=supervisor, department=unit, assignee=chief)


def _filed(applicant, item):
    return case_services.case_create(
        actor=applicant,
        item=item,
        applicant=_applicant(),
        form_data={"name": "湖南康养职业培训学校"},
        channel=Channel.PC,
    )


# --- ratings ------------------------------------------------------------------------------------------------------


def test_a_case_is_rated_only_once_completed_and_not_when_withdrawn(api, applicant, item):
    case = _filed(applicant, item)
    url = f"/api/v1/ratings/cases/{case.case_no}"
    response = api(applicant).post(url, {"level": "satisfied"})
    assert response.status_code == 409 and response.json()["code"] == "case_not_completed"
    case_services.case_withdraw(case=case, actor=applicant, reason="不再需要")
    with pytest.raises(Conflict) as exc:
        services.rating_window_open(case=case)
    assert exc.value.code == "case_withdrawn"
    response = api(applicant).post(url, {"level": "satisfied"})
    assert response.status_code == 409 and response.json()["code"] == "case_withdrawn"
    assert not Rating.objects.exists() and not RatingWindow.objects.exists()


def test_the_api_names_an_unknown_case_or_complaint(api, applicant):
    for response in (
        api(applicant).post("/api/v1/ratings/cases/NOPE", {"level": "satisfied"}),
        api(applicant).get("/api/v1/ratings/cases/NOPE"),
    ):
        assert response.status_code == 404 and response.json()["code"] == "case_not_found"
    response = api(applicant).get("/api/v1/ratings/complaints/TS202604030001")
    assert response.status_code == 404 and response.json()["code"] == "complaint_not_found"


def test_a_rating_needs_one_of_the_five_levels(complete, applicant):
    with pytest.raises(ValidationFailed) as exc:
        services.rating_submit(case=complete(owner=applicant), actor=applicant, channel="pc", level="great")
    assert exc.value.code == "bad_level" and not Rating.objects.exists()


# --- rectification and appeals --------------------------------------------------------------------------------------


def test_only_the_responsible_unit_handles_a_rectification(bad_review, other_unit_staff):
    for act in (
        lambda: services.rectification_visit(rectification=bad_review, actor=other_unit_staff, note="回访"),
        lambda: services.appeal_file(rectification=bad_review, actor=other_unit_staff, reason="误评"),
    ):
        with pytest.raises(PermissionDenied) as exc:
            act()
        assert exc.value.code == "not_responsible_unit"
    assert Rectification.objects.get().state == Rectification.State.OPEN and not Appeal.objects.exists()


def test_the_rectification_page_asks_for_the_note_and_the_outcome(bad_review, chief, login, refused):
    page = login(chief).post(
        reverse("ratings:rectification", args=[bad_review.pk]), {"do": "visit", "note": " "}
    )
    assert "请记录申请人的反馈。" in page.content.decode() and refused[-1] == "note_required"
    services.rectification_visit(rectification=bad_review, actor=chief, note="电话回访")
    page = login(chief).post(
        reverse("ratings:rectification", args=[bad_review.pk]),
        {"do": "record", "outcome": "ignored", "note": "已改"},
    )
    assert "请选择整改结果。" in page.content.decode() and refused[-1] == "bad_outcome"
    with pytest.raises(ValidationFailed) as exc:
        services.rectification_record(rectification=bad_review, actor=chief, outcome="fixed_at_once", note="")
    assert exc.value.code == "note_required"
    assert Rectification.objects.get().state == Rectification.State.VISITED


def test_the_fix_is_rated_with_one_of_the_five_levels(bad_review, chief, applicant):
    services.rectification_visit(rectification=bad_review, actor=chief, note="电话回访")
    services.rectification_record(rectification=bad_review, actor=chief, outcome="fixed_at_once", note="已改")
    with pytest.raises(ValidationFailed) as exc:
        services.rectification_rate_fix(rectification=bad_review, actor=applicant, level="")
    assert exc.value.code == "bad_level" and Rectification.objects.get().fix_level == ""


def test_one_appeal_at_a_time_decided_by_a_supervisor_and_none_after_exclusion(
    bad_review, chief, supervisor, login, refused
):
    appeal = services.appeal_file(rectification=bad_review, actor=chief, reason="申请人误操作")
    detail = reverse("ratings:rectification", args=[bad_review.pk])
    page = login(chief).post(detail, {"do": "appeal", "reason": "再次申诉"})
    assert "已有申诉在复核中。" in page.content.decode() and refused[-1] == "appeal_pending"
    page = login(chief).post(detail, {"do": "uphold", "note": "自己批准"})
    assert "只有效能监察人员可以复核申诉。" in page.content.decode() and refused[-1] == "not_supervisor"
    assert Appeal.objects.get().state == Appeal.State.PENDING
    services.appeal_decide(appeal=appeal, actor=supervisor, uphold=True, note="经核实为误评")
    with pytest.raises(Conflict) as exc:
        services.appeal_file(rectification=bad_review, actor=chief, reason="再申诉")
    assert exc.value.code == "already_excluded" and Appeal.objects.count() == 1


# --- complaints -----------------------------------------------------------------------------------------------------


def test_window_intake_is_for_staff(applicant):
    with pytest.raises(PermissionDenied) as exc:
        services.complaint_create(
            kind="complaint",
            source="window",
            subject="x",
            content="y",
            actor=applicant,
            person_name="赵",
            person_mobile="13800000000",
        )
    assert exc.value.code == "not_staff" and not Complaint.objects.exists()


def test_only_a_supervisor_assigns_and_only_to_staff_of_the_unit(
    applicant, supervisor, chief, unit, other_unit_staff
):
    filed = services.complaint_create(
        kind="complaint",
        source="portal",
        subject="等候太久",
        content="排队两小时",
        actor=applicant,
        person_name="赵晓红",
        person_mobile="13800000000",
    )
    with pytest.raises(PermissionDenied) as exc:
        services.complaint_assign(complaint=filed, actor=chief, department=unit)
    assert exc.value.code == "not_supervisor"
    for assignee in (other_unit_staff, applicant):
        with pytest.raises(ValidationFailed) as exc:
            services.complaint_assign(complaint=filed, actor=supervisor, department=unit, assignee=assignee)
        assert exc.value.code == "bad_assignee"
    assert Complaint.objects.get().state == Complaint.State.RECEIVED


def test_the_complaint_page_asks_for_a_reply_from_the_assigned_unit(
    complaint, chief, other_unit_staff, login, refused
):
    url = reverse("ratings:complaint", args=[complaint.tracking_no])
    page = login(chief).post(url, {"do": "reply", "reply": ""})
    assert "请填写答复内容。" in page.content.decode() and refused[-1] == "reply_required"
    with pytest.raises(PermissionDenied) as exc:
        services.complaint_reply(complaint=complaint, actor=other_unit_staff, reply="已处理")
    assert exc.value.code == "not_assigned" and Complaint.objects.get().state == Complaint.State.ASSIGNED


def test_only_the_complainant_rates_the_reply_with_a_level(
    complaint, chief, other_applicant, applicant, login, refused
):
    services.complaint_reply(complaint=complaint, actor=chief, reply="已增设窗口")
    with pytest.raises(PermissionDenied) as exc:
        services.complaint_rate_reply(complaint=complaint, actor=other_applicant, level="satisfied")
    assert exc.value.code == "not_submitter"
    page = login(applicant).post(
        reverse("ratings:complaint", args=[complaint.tracking_no]), {"do": "rate_reply", "level": "so-so"}
    )
    assert "五个等级" in page.content.decode() and refused[-1] == "bad_level"
    assert Complaint.objects.get().state == Complaint.State.REPLIED


# --- urging ---------------------------------------------------------------------------------------------------------


def test_urging_is_a_supervisors_message_about_one_subject(
    complaint, bad_review, chief, supervisor, login, refused
):
    with pytest.raises(PermissionDenied) as exc:
        services.urge(actor=chief, complaint=complaint, message="请加快")
    assert exc.value.code == "not_supervisor"
    for subjects in ({}, {"complaint": complaint, "rectification": bad_review}):
        with pytest.raises(ValidationFailed) as exc:
            services.urge(actor=supervisor, message="请加快", **subjects)
        assert exc.value.code == "bad_subject"
    page = login(supervisor).post(
        reverse("ratings:urge"),
        {"subject": "complaint", "ref": complaint.tracking_no, "message": " "},
        follow=True,
    )
    assert "请填写督办内容。" in page.content.decode() and refused[-1] == "message_required"
    assert not Urging.objects.exists()
