"""Figures from a known set of cases equal the values computed by hand."""

import datetime
from decimal import Decimal

import pytest

from onewindow.cases import services as cs
from onewindow.cases.tests.factories import make_case, make_item
from onewindow.cases.tests.helpers import COLLECTOR
from onewindow.ratings import services as rs
from onewindow.ratings.models import Complaint
from onewindow.stats.models import CaseFact
from onewindow.stats.selectors import DIMENSIONS, figures
from onewindow.stats.services import case_facts_rebuild

MARCH_APRIL = {"date_from": datetime.date(2026, 3, 1), "date_to": datetime.date(2026, 4, 30)}


@pytest.fixture
def history(clock, chief, supervisor, applicant, django_capture_on_commit_callbacks):
    """A: 20 min, B: 30 min, C: 40 min on the spot on Mon 2026-03-02; D rejected, E withdrawn, F open;
    G: 15 min on Wed 2026-04-01. Ratings: A pad 非常满意, B QR 满意, C QR 不满意 (rectified); D and G default.
    One complaint about C and one report naming no case in March."""
    item1, item2 = make_item(), make_item(name="社会组织印章式样备案")

    def on_spot(item, start, minutes_to_decide, minutes_total):
        clock.set(*start)
        case = make_case(item, chief)
        case = cs.case_accept(case=case, actor=chief)
        clock.advance(minutes=minutes_to_decide)
        case = cs.case_decide(case=case, actor=chief, outcome="grant")
        clock.advance(minutes=minutes_total - minutes_to_decide)
        return cs.case_issue(case=case, actor=chief, **COLLECTOR)

    with django_capture_on_commit_callbacks(execute=True):
        a = on_spot(item1, (2026, 3, 2, 9, 0), 5, 20)
        clock.advance(minutes=1)
        rs.rating_submit(case=a, actor=chief, channel="window_pad", level="very_satisfied")
        b = on_spot(item1, (2026, 3, 2, 10, 0), 10, 30)
        c = on_spot(item2, (2026, 3, 2, 11, 0), 10, 40)
        clock.set(2026, 3, 2, 14, 0)
        cs.case_reject(case=make_case(item1, chief), actor=chief, reason="不属于本机关职权范围")
        cs.case_withdraw(case=make_case(item1, chief), actor=chief, reason="申请人撤回")
        clock.set(2026, 3, 3, 9, 0)
        cs.case_accept(case=make_case(item1, chief), actor=chief)
        clock.set(2026, 3, 4, 9, 0)
        rs.rating_submit(case=b, actor=None, channel="qr_code", level="satisfied", token=rs.rating_token(b))
        bad = rs.rating_submit(case=c, actor=None, channel="qr_code", level="dissatisfied", token=rs.rating_token(c))
        rs.rectification_visit(rectification=bad.rectification, actor=chief, note="回访")
        rs.rectification_record(rectification=bad.rectification, actor=chief, outcome="explained", note="解释")
        rs.complaint_create(kind="complaint", source="portal", subject="慢", content="慢", actor=applicant,
                            person_name="赵晓红", person_mobile="13800000000", case_no=c.case_no)
        rs.complaint_create(kind="report", source="portal", subject="收礼", content="经过", anonymous=True)
        on_spot(item2, (2026, 4, 1, 9, 0), 5, 15)
    clock.set(2026, 4, 20, 9, 0)
    with django_capture_on_commit_callbacks(execute=True):
        assert rs.rating_defaults_record() == 2  # D (rejected, still rated) and G were never rated
    return item1, item2


def test_figures_equal_the_hand_computed_values(history):
    t = figures(**MARCH_APRIL).total
    assert (t.received, t.accepted, t.completed) == (7, 5, 5)  # E withdrawn does not count as completed
    assert (t.on_time, t.overdue, t.on_the_spot, t.on_the_spot_rate) == (4, 0, 4, Decimal("80.00"))
    assert (t.avg_minutes, t.p90_minutes) == (Decimal("26.25"), 40)  # (20+30+40+15)/4; nearest rank 4 of 4
    assert (t.avg_days, t.p90_days) == (Decimal("0.00"), 0)
    assert (t.avg_steps, t.avg_visits) == (Decimal("1.80"), Decimal("1.00"))  # 2+2+2+1+2 steps over 5
    assert t.levels == {"very_satisfied": 1, "satisfied": 1, "basically_satisfied": 0, "dissatisfied": 1,
                        "very_dissatisfied": 0}
    assert (t.valid_ratings, t.default_ratings, t.excluded_ratings) == (3, 2, 0)
    assert t.satisfaction_rate == Decimal("66.67")  # 2 good of 3 valid
    assert (t.bad_reviews, t.rectifications, t.rectified, t.rectification_rate) == (1, 1, 1, Decimal("100.00"))
    assert (t.complaints, t.reports) == (1, 1)


def test_figures_by_month_and_item(history, chief):
    item1, item2 = history
    months = {row.label: row for row in figures(**MARCH_APRIL, by="month").rows}
    assert (months["2026-03"].received, months["2026-03"].completed, months["2026-04"].completed) == (6, 4, 1)
    assert (months["2026-03"].complaints, months["2026-03"].default_ratings, months["2026-04"].default_ratings) == (
        1, 1, 1)
    assert months["2026-04"].p90_minutes == 15
    items = {row.key: row for row in figures(**MARCH_APRIL, by="item").rows}
    assert (items[item1.pk].completed, items[item2.pk].completed) == (3, 2)
    assert (items[item1.pk].satisfaction_rate, items[item2.pk].bad_reviews) == (Decimal("100.00"), 1)
    people = figures(**MARCH_APRIL, by="person").rows
    assert [(row.key, row.completed) for row in people] == [(chief.pk, 4), (None, 1)]  # D was never accepted
    only_march = figures(date_from=datetime.date(2026, 3, 1), date_to=datetime.date(2026, 3, 31)).total
    assert (only_march.completed, only_march.default_ratings) == (4, 1)


def test_complaints_and_reports_per_item_window_and_person(history, chief):
    item1, item2 = history
    about = Complaint.objects.get(kind="complaint").case.fact
    for by in DIMENSIONS:
        rows = figures(**MARCH_APRIL, by=by).rows
        assert (sum(r.complaints for r in rows), sum(r.reports for r in rows)) == (1, 1), by  # rows add up
    items = {row.key: row for row in figures(**MARCH_APRIL, by="item").rows}
    assert (items[item2.pk].complaints, items[item1.pk].complaints, items[None].reports) == (1, 0, 1)
    windows = {row.key: row for row in figures(**MARCH_APRIL, by="window").rows}
    assert about.window_id is not None and windows[about.window_id].complaints == 1
    people = {row.key: row for row in figures(**MARCH_APRIL, by="person").rows}
    assert (people[chief.pk].complaints, people[None].reports) == (1, 1)  # the report names no case


def test_rebuild_reproduces_the_facts_kept_by_the_signal(history):
    kept = {f.pk: f.__dict__ | {"_state": None} for f in CaseFact.objects.all()}
    CaseFact.objects.all().delete()
    assert case_facts_rebuild() == 7
    assert {f.pk: f.__dict__ | {"_state": None} for f in CaseFact.objects.all()} == kept


def test_an_unknown_dimension_is_refused():
    with pytest.raises(ValueError):
        figures(**MARCH_APRIL, by="colour")


def test_the_daily_table_kept_incrementally_equals_a_full_recompute(history):
    from onewindow.stats.models import DailyFigure
    from onewindow.stats.services import rollup_days

    def snapshot():
        skip = {"id", "_state"}
        return sorted((tuple(sorted((k, v) for k, v in row.__dict__.items() if k not in skip))
                      for row in DailyFigure.objects.all()), key=repr)

    kept = snapshot()
    assert kept and rollup_days(None) == len(kept)
    assert snapshot() == kept


def test_end_states_each_in_their_own_column(clock, chief, django_capture_on_commit_callbacks):
    """Terminated (容缺 lapse) and not accepted (不予受理, 行政许可法 Art. 32) cases count as 已办结 in their own
    columns: on time + overdue + terminated + not accepted = completed, and a terminated case decided at the
    counter is never 现场办结."""
    item = make_item()
    with django_capture_on_commit_callbacks(execute=True):
        clock.set(2026, 3, 2, 9, 0)
        granted = cs.case_accept(case=make_case(item, chief), actor=chief)
        granted = cs.case_decide(case=granted, actor=chief, outcome="grant")
        cs.case_issue(case=granted, actor=chief, **COLLECTOR)
        cs.case_reject(case=make_case(item, chief), actor=chief, reason="不属于本机关职权范围")
        lapsing = make_case(item, chief)
        material = lapsing.item_version.materials.get(key="resolution")
        cs.case_material_record(case=lapsing, actor=chief, material=material, mode="missing", note="未提供")
        lapsing = cs.case_accept_with_deficiency(case=lapsing, actor=chief, supplement_due=datetime.date(2026, 3, 3),
                                                 commitment_signed=True)
        cs.case_decide(case=lapsing, actor=chief, outcome="grant")  # decided on the spot, never in force
        clock.set(2026, 3, 5, 9, 0)
        assert cs.deficiencies_expire() == [lapsing.case_no]
    case_facts_rebuild()
    t = figures(date_from=datetime.date(2026, 3, 1), date_to=datetime.date(2026, 3, 31)).total
    assert (t.completed, t.on_time, t.overdue, t.terminated, t.not_accepted) == (3, 1, 0, 1, 1)
    assert t.on_time + t.overdue + t.terminated + t.not_accepted == t.completed
    assert t.on_the_spot == 1
    assert CaseFact.objects.get(case=lapsing).on_time is None
