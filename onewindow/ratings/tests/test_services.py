"""Ratings, rectification, appeals, default ratings, complaints and urging through the services."""

import datetime

import pytest
from django.utils import timezone

from onewindow.audit.models import AuditEvent
from onewindow.core.errors import Conflict, PermissionDenied, ValidationFailed
from onewindow.exchange.models import OutboxRow, PlatformProfile
from onewindow.ratings import services
from onewindow.ratings.models import Appeal, Complaint, Rating, RatingWindow, Rectification, Urging
from onewindow.stats.selectors import figures

PERIOD = {"date_from": datetime.date(2026, 1, 1), "date_to": datetime.date(2026, 12, 31)}


def test_completion_opens_the_rating_window(complete, applicant, settings):
    settings.ONEWINDOW_RATING_PERIOD_DAYS = 7
    case = complete(owner=applicant)
    window = RatingWindow.objects.get(case=case)
    assert window.closes_at - window.opens_at == datetime.timedelta(days=7)
    assert window.opens_at == case.completed_at


def test_a_rating_from_someone_else_is_refused(complete, applicant, other_applicant, chief, other_unit_staff):
    case = complete(owner=applicant)
    with pytest.raises(PermissionDenied) as exc:
        services.rating_submit(case=case, actor=other_applicant, channel="pc", level="very_satisfied")
    assert exc.value.code == "not_applicant"
    with pytest.raises(PermissionDenied):  # staff cannot rate their own work online
        services.rating_submit(case=case, actor=chief, channel="mobile", level="very_satisfied")
    with pytest.raises(PermissionDenied) as exc:
        services.rating_submit(case=case, actor=None, channel="qr_code", level="very_satisfied", token="forged")
    assert exc.value.code == "bad_token"
    with pytest.raises(PermissionDenied) as exc:  # a pad at another window (this clerk has none)
        services.rating_submit(case=case, actor=other_unit_staff, channel="window_pad", level="very_satisfied")
    assert exc.value.code == "not_pad_case"
    with pytest.raises(ValidationFailed):
        services.rating_submit(case=case, actor=applicant, channel="default", level="very_satisfied")
    assert not Rating.objects.exists()


def test_owner_qr_and_pad_ratings(complete, applicant, chief):
    case = complete(owner=applicant)
    pad = services.rating_submit(case=case, actor=chief, channel="window_pad", level="very_satisfied",
                                 scores={"attitude": 5})
    assert pad.visit == timezone.localdate().isoformat()  # one per visit (一次一评), changed once
    assert services.rating_submit(case=case, actor=chief, channel="window_pad", level="satisfied").attempt == 2
    with pytest.raises(Conflict):
        services.rating_submit(case=case, actor=chief, channel="window_pad", level="satisfied")
    first = services.rating_submit(case=case, actor=applicant, channel="pc", level="satisfied")
    token = services.rating_token(case)
    assert services.rating_url(case).endswith(f"/ratings/rate/{case.case_no}/?t={token}")
    second = services.rating_submit(case=case, actor=None, channel="qr_code", level="very_satisfied", token=token)
    assert (first.attempt, second.attempt) == (1, 2)
    first.refresh_from_db()
    assert first.superseded and not second.superseded
    with pytest.raises(Conflict) as exc:
        services.rating_submit(case=case, actor=applicant, channel="pc", level="satisfied")
    assert exc.value.code == "already_rated"


def test_ratings_close_after_the_period(complete, applicant):
    case = complete(owner=applicant)
    RatingWindow.objects.filter(case=case).update(closes_at=case.completed_at)
    with pytest.raises(Conflict) as exc:
        services.rating_submit(case=case, actor=applicant, channel="pc", level="satisfied")
    assert exc.value.code == "rating_closed"


def test_bad_scores_are_refused(complete, applicant):
    case = complete(owner=applicant)
    with pytest.raises(ValidationFailed) as exc:
        services.rating_submit(case=case, actor=applicant, channel="pc", level="satisfied", scores={"overall": 9})
    assert exc.value.code == "bad_scores"


def test_a_rating_goes_to_the_outbox_by_meaning(complete, applicant):
    PlatformProfile.objects.create(name="province", title="省平台", active=True)
    case = complete(owner=applicant)
    OutboxRow.objects.all().delete()
    services.rating_submit(case=case, actor=applicant, channel="mobile", level="basically_satisfied", text="还行")
    row = OutboxRow.objects.get(kind="evaluation")
    assert row.payload["satisfaction"] == "basically_satisfied"
    assert row.payload["rating_channel"] == "mobile"
    assert row.payload["project_no"] == case.case_no and row.payload["evaluate_count"] == 1


def test_a_bad_review_opens_rectification_with_the_right_deadlines(clock, complete, applicant, unit, chief):
    case = complete(owner=applicant)  # Friday 2026-04-03, before the 清明 break (Sat 4/4 - Mon 4/6)
    rating = services.rating_submit(case=case, actor=applicant, channel="pc", level="very_dissatisfied", text="态度差")
    rect = Rectification.objects.get(rating=rating)
    assert rect.department == unit and rect.handler == chief and rect.unit_name == unit.name
    assert rect.opened_on == datetime.date(2026, 4, 3)
    assert rect.visit_due == datetime.date(2026, 4, 8)  # 2 working days: Tue 4/7, Wed 4/8
    assert rect.rectify_due == datetime.date(2026, 4, 13)  # 5: 4/7, 4/8, 4/9, 4/10, Mon 4/13
    assert services.rectification_light(rect, datetime.date(2026, 4, 3)) == "green"
    assert services.rectification_light(rect, datetime.date(2026, 4, 8)) == "yellow"
    assert services.rectification_light(rect, datetime.date(2026, 4, 9)) == "red"


def test_rectification_by_the_unit_and_the_applicant_rates_the_fix(complete, applicant, chief, other_unit_staff,
                                                                   django_capture_on_commit_callbacks):
    case = complete(owner=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        rating = services.rating_submit(case=case, actor=applicant, channel="pc", level="dissatisfied")
    rect = rating.rectification
    with pytest.raises(PermissionDenied):
        services.rectification_visit(rectification=rect, actor=other_unit_staff, note="回访")
    with pytest.raises(Conflict):  # a named review needs its return visit first
        services.rectification_record(rectification=rect, actor=chief, outcome="fixed_at_once", note="已改")
    with pytest.raises(ValidationFailed):
        services.rectification_visit(rectification=rect, actor=chief, note=" ")
    services.rectification_visit(rectification=rect, actor=chief, note="电话回访，申请人反映等候时间长")
    services.rectification_record(rectification=rect, actor=chief, outcome="fixed_by_deadline", note="增设取号机")
    with pytest.raises(PermissionDenied):
        services.rectification_rate_fix(rectification=rect, actor=chief, level="satisfied")
    rect = services.rectification_rate_fix(rectification=rect, actor=applicant, level="satisfied")
    assert rect.state == Rectification.State.CLOSED and rect.fix_level == "satisfied"
    row = figures(**PERIOD).total
    assert (row.bad_reviews, row.rectifications, row.rectified, row.rectification_rate) == (1, 1, 1, 100)


def test_an_upheld_appeal_removes_the_rating_from_the_figures_not_the_records(
        complete, applicant, chief, supervisor, other_unit_staff, django_capture_on_commit_callbacks):
    case = complete(owner=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        rating = services.rating_submit(case=case, actor=applicant, channel="pc", level="very_dissatisfied",
                                        text="乱评")
    before = figures(**PERIOD).total
    assert (before.bad_reviews, before.valid_ratings, before.satisfaction_rate) == (1, 1, 0)
    with pytest.raises(PermissionDenied):
        services.appeal_file(rectification=rating.rectification, actor=other_unit_staff, reason="误评")
    appeal = services.appeal_file(rectification=rating.rectification, actor=chief, reason="申请人误操作，已电话核实")
    with pytest.raises(Conflict):
        services.appeal_file(rectification=rating.rectification, actor=chief, reason="again")
    with pytest.raises(PermissionDenied):
        services.appeal_decide(appeal=appeal, actor=chief, uphold=True, note="自己批准")
    with django_capture_on_commit_callbacks(execute=True):  # statistics follow the exclusion at commit
        services.appeal_decide(appeal=appeal, actor=supervisor, uphold=True, note="经核实为误评")
    rating.refresh_from_db()
    assert Rating.objects.filter(pk=rating.pk).exists() and rating.excluded
    assert rating.excluded_reason == "经核实为误评"
    assert Appeal.objects.get(pk=appeal.pk).state == Appeal.State.UPHELD
    assert Rectification.objects.get(pk=rating.rectification.pk).state == Rectification.State.CLOSED
    after = figures(**PERIOD).total
    assert (after.bad_reviews, after.valid_ratings, after.excluded_ratings, after.satisfaction_rate) == (0, 0, 1, None)
    assert after.rectifications == 0
    assert AuditEvent.objects.filter(action="rating.excluded", object_id=str(rating.pk)).exists()
    with pytest.raises(Conflict):
        services.appeal_decide(appeal=appeal, actor=supervisor, uphold=False, note="again")


def test_a_rejected_appeal_keeps_the_rating(complete, applicant, chief, supervisor, django_capture_on_commit_callbacks):
    case = complete(owner=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        rating = services.rating_submit(case=case, actor=applicant, channel="pc", level="dissatisfied")
    appeal = services.appeal_file(rectification=rating.rectification, actor=chief, reason="不认可")
    services.appeal_decide(appeal=appeal, actor=supervisor, uphold=False, note="评价属实")
    assert figures(**PERIOD).total.bad_reviews == 1


def test_default_ratings_are_recorded_once_and_counted_separately(complete, applicant, chief,
                                                                  django_capture_on_commit_callbacks):
    silent, rated = complete(owner=applicant), complete(owner=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.rating_submit(case=rated, actor=applicant, channel="pc", level="very_satisfied")
    RatingWindow.objects.update(closes_at=silent.completed_at)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.rating_defaults_record() == 1
    assert services.rating_defaults_record() == 0
    default = Rating.objects.get(case=silent)
    assert default.channel == "default" and default.level == "satisfied"
    assert not RatingWindow.objects.filter(settled=False).exists()
    row = figures(**PERIOD).total
    assert (row.valid_ratings, row.default_ratings, row.satisfaction_rate) == (1, 1, 100)


def test_complaint_and_report_intake(applicant, supervisor, unit, chief, clock):
    with pytest.raises(ValidationFailed) as exc:
        services.complaint_create(kind="complaint", source="portal", subject="", content="", anonymous=True)
    assert set(exc.value.details) >= {"subject", "content", "anonymous"}
    report = services.complaint_create(kind="report", source="portal", subject="窗口人员收受礼品",
                                       content="某日看到……", anonymous=True, person_name="知情人",
                                       person_mobile="13700000000", category="conduct")
    assert report.tracking_no == "JB202604030001" and report.due_on == datetime.date(2026, 4, 27)
    complaint = services.complaint_create(kind="complaint", source="api", subject="等候太久", content="排队两小时",
                                          actor=applicant, person_name="赵晓红", person_mobile="13800000000")
    assert complaint.tracking_no == "TS202604030001" and complaint.submitted_by == applicant
    assert services.identity_visible(supervisor, report) and not services.identity_visible(chief, report)
    assert services.identity_visible(chief, complaint)
    assert not AuditEvent.objects.filter(changes__icontains="知情人").exists()
    with pytest.raises(PermissionDenied):
        services.complaint_create(kind="complaint", source="window", subject="x", content="y", actor=applicant,
                                  person_name="赵", person_mobile="13800000000")


def test_complaint_assignment_reply_satisfaction_and_escalation(applicant, supervisor, unit, chief, clock,
                                                                other_unit_staff):
    c = services.complaint_create(kind="complaint", source="portal", subject="等候太久", content="排队两小时",
                                  actor=applicant, person_name="赵晓红", person_mobile="13800000000")
    with pytest.raises(PermissionDenied):
        services.complaint_assign(complaint=c, actor=chief, department=unit)
    with pytest.raises(ValidationFailed):
        services.complaint_assign(complaint=c, actor=supervisor, department=unit, assignee=other_unit_staff)
    c = services.complaint_assign(complaint=c, actor=supervisor, department=unit, assignee=chief)
    with pytest.raises(PermissionDenied):
        services.complaint_reply(complaint=c, actor=other_unit_staff, reply="已处理")
    c = services.complaint_reply(complaint=c, actor=chief, reply="已增设窗口")
    with pytest.raises(PermissionDenied):
        services.complaint_rate_reply(complaint=c, actor=chief, level="satisfied")
    c = services.complaint_rate_reply(complaint=c, actor=applicant, level="satisfied")
    assert c.state == Complaint.State.CLOSED
    late = services.complaint_create(kind="report", source="portal", subject="s", content="c", anonymous=True)
    assert services.complaints_escalate_overdue(on=late.due_on) == 0
    assert services.complaints_escalate_overdue(on=late.due_on + datetime.timedelta(days=1)) == 1
    assert services.complaints_escalate_overdue(on=late.due_on + datetime.timedelta(days=2)) == 0
    assert Complaint.objects.get(pk=late.pk).escalated_at is not None


def test_urging_reaches_the_handler(complete, chief, supervisor, applicant):
    case = complete()
    with pytest.raises(PermissionDenied):
        services.urge(actor=chief, case=case, message="请加快")
    urging = services.urge(actor=supervisor, case=case, message="请于今日办结")
    assert urging.to_user == chief and urging.subject == Urging.Subject.CASE
    with pytest.raises(PermissionDenied):
        services.urging_acknowledge(urging=urging, actor=supervisor)
    assert services.urging_acknowledge(urging=urging, actor=chief).acknowledged_at is not None
    c = services.complaint_create(kind="report", source="portal", subject="s", content="c", anonymous=True)
    with pytest.raises(ValidationFailed) as exc:  # nobody assigned yet
        services.urge(actor=supervisor, complaint=c, message="请处理")
    assert exc.value.code == "no_handler"
    assert AuditEvent.objects.filter(action="supervision.urged").count() == 1


def test_rectification_deadlines_follow_a_calendar_change(clock, complete, applicant, administrator,
                                                          django_capture_on_commit_callbacks):
    from onewindow.workdays.services import override_set

    case = complete(owner=applicant)
    rect = services.rating_submit(case=case, actor=applicant, channel="pc", level="dissatisfied").rectification
    with django_capture_on_commit_callbacks(execute=True):
        override_set(day=datetime.date(2026, 4, 7), is_working=False, note="临时放假", actor=administrator)
    rect.refresh_from_db()
    assert (rect.visit_due, rect.rectify_due) == (datetime.date(2026, 4, 9), datetime.date(2026, 4, 14))


def test_statistics_follow_a_rating_when_its_transaction_commits(complete, applicant,
                                                                 django_capture_on_commit_callbacks):
    """Ratings tell statistics through `ratings_changed` on commit; nothing is rolled up inside the rating's
    transaction (a rolled-back rating never reaches the figures)."""
    case = complete(owner=applicant)
    with django_capture_on_commit_callbacks() as callbacks:
        services.rating_submit(case=case, actor=applicant, channel="pc", level="very_satisfied")
    assert figures(**PERIOD).total.valid_ratings == 0
    for callback in callbacks:
        callback()
    assert figures(**PERIOD).total.valid_ratings == 1
