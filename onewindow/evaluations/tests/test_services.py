"""The rules of an evaluation, through the services."""

from decimal import Decimal

import pytest

from onewindow.audit.models import AuditEvent
from onewindow.core.errors import Conflict, PermissionDenied, ValidationFailed
from onewindow.evaluations import selectors, services
from onewindow.evaluations.models import Conclusion, Evaluation, Evidence, Stage

from .conftest import PDF, PNG


def _score_all(world, user, values):
    services.scores_save(evaluation=world.evaluation, actor=user,
                         scores={i.pk: (v, "意见") for i, v in zip(world.indicators, values, strict=True)})
    services.scores_submit(evaluation=world.evaluation, actor=user)


def _conclude(world, consensus=(90, 90, 90, 90)):
    services.scoring_start(evaluation=world.evaluation, actor=world.leader)
    _score_all(world, world.leader, consensus)
    _score_all(world, world.member, consensus)
    services.consensus_save(evaluation=world.evaluation, actor=world.leader,
                            scores={i.pk: (v, "") for i, v in zip(world.indicators, consensus, strict=True)})
    return services.evaluation_conclude(evaluation=world.evaluation, actor=world.leader, recommendations=["扩面深化"])


def test_only_the_bureau_uploads_evidence_and_a_new_file_is_a_new_version(world):
    for actor in (world.officer, world.leader, world.outsider):
        with pytest.raises(PermissionDenied):
            services.evidence_upload(zone=world.zone, actor=actor, name="台账.pdf", content=PDF, kind="ledger",
                                     title="台账", indicator_ids=[world.indicators[0].pk])
    first = services.evidence_upload(zone=world.zone, actor=world.bureau_user, name="台账.pdf", content=PDF,
                                     kind="ledger", title="社区服务台账",
                                     indicator_ids=[world.indicators[0].pk, world.indicators[2].pk])
    second = services.evidence_upload(zone=world.zone, actor=world.bureau_user, name="台账-修订.png", content=PNG,
                                      evidence=first.evidence)
    assert (first.number, second.number) == (1, 2)
    assert [v.number for v in first.evidence.versions.all()] == [2, 1]
    assert set(first.evidence.indicators.values_list("code", flat=True)) == {"1", "3"}
    assert AuditEvent.objects.filter(action="evaluations.evidence_uploaded").count() == 2


def test_an_upload_is_checked_by_content_and_a_refusal_keeps_nothing(world):
    with pytest.raises(ValidationFailed) as refused:
        services.evidence_upload(zone=world.zone, actor=world.bureau_user, name="台账.pdf", content=PNG,
                                 kind="ledger", title="台账", indicator_ids=[world.indicators[0].pk])
    assert refused.value.code == "upload_extension_mismatch"
    with pytest.raises(ValidationFailed):  # an indicator of no programme of this zone
        services.evidence_upload(zone=world.zone, actor=world.bureau_user, name="台账.pdf", content=PDF,
                                 kind="ledger", title="台账", indicator_ids=[999999])
    assert not Evidence.objects.exists()


def test_weights_must_add_up_to_100_before_scoring(world):
    services.indicator_save(programme=world.programme, stage=Stage.CLOSING, code="4", name="群众满意度", weight=10,
                            actor=world.officer)
    with pytest.raises(ValidationFailed) as refused:
        services.scoring_start(evaluation=world.evaluation, actor=world.leader)
    assert refused.value.code == "weights_not_100" and refused.value.details["total"] == "90.00"


def test_the_indicator_system_is_frozen_once_scoring_started(world):
    services.scoring_start(evaluation=world.evaluation, actor=world.leader)
    with pytest.raises(Conflict) as refused:
        services.indicator_save(programme=world.programme, stage=Stage.CLOSING, code="4", name="群众满意度",
                                weight=20, actor=world.officer)
    assert refused.value.code == "indicators_frozen"
    # the other stage is still open
    services.indicator_save(programme=world.programme, stage=Stage.MID_TERM, code="1", name="组织领导", weight=100,
                            actor=world.officer)


def test_only_team_members_score_and_scores_stay_within_the_maximum(world):
    services.scoring_start(evaluation=world.evaluation, actor=world.leader)
    with pytest.raises(PermissionDenied):
        services.scores_save(evaluation=world.evaluation, actor=world.outsider, scores={world.indicators[0].pk: ("80", "")})
    with pytest.raises(ValidationFailed):
        services.scores_save(evaluation=world.evaluation, actor=world.member, scores={world.indicators[0].pk: ("101", "")})
    with pytest.raises(ValidationFailed) as missing:
        services.scores_submit(evaluation=world.evaluation, actor=world.member)
    assert missing.value.code == "scores_missing" and missing.value.details["missing"] == ["1", "2", "3", "4"]


def test_an_evaluator_sees_the_others_scores_only_after_submitting(world):
    services.scoring_start(evaluation=world.evaluation, actor=world.leader)
    _score_all(world, world.leader, [90, 80, 70, 60])
    services.scores_save(evaluation=world.evaluation, actor=world.member,
                         scores={i.pk: ("50", "") for i in world.indicators})
    rows = selectors.indicator_rows(world.evaluation, world.member)
    assert [r.scores for r in rows] == [[], [], [], []] and rows[0].own.score == Decimal("50")
    services.scores_submit(evaluation=world.evaluation, actor=world.member)
    rows = selectors.indicator_rows(world.evaluation, world.member)
    assert [len(r.scores) for r in rows] == [2, 2, 2, 2]
    # spread 40/30/20/10 points: with the default threshold of 20 the first three are flagged
    assert [r.spread for r in rows] == [Decimal("40.0"), Decimal("30.0"), Decimal("20.0"), Decimal("10.0")]
    assert [r.disagreement for r in rows] == [True, True, True, False]
    # the bureau sees no score before the conclusion
    assert all(r.scores == [] for r in selectors.indicator_rows(world.evaluation, world.bureau_user))


def test_the_disagreement_threshold_is_a_setting(world, settings):
    settings.ONEWINDOW_EVALUATION_DISAGREEMENT = 35
    services.scoring_start(evaluation=world.evaluation, actor=world.leader)
    _score_all(world, world.leader, [90, 80, 70, 60])
    _score_all(world, world.member, [50, 50, 50, 50])
    assert [r.disagreement for r in selectors.indicator_rows(world.evaluation, world.leader)] == [True, False, False, False]


def test_consensus_waits_for_every_evaluator_and_only_the_leader_concludes(world):
    services.scoring_start(evaluation=world.evaluation, actor=world.leader)
    _score_all(world, world.leader, [90, 90, 90, 90])
    with pytest.raises(Conflict):
        services.consensus_save(evaluation=world.evaluation, actor=world.leader, scores={world.indicators[0].pk: ("90", "")})
    _score_all(world, world.member, [90, 90, 90, 90])
    with pytest.raises(PermissionDenied):
        services.consensus_save(evaluation=world.evaluation, actor=world.member, scores={world.indicators[0].pk: ("90", "")})
    with pytest.raises(ValidationFailed) as missing:
        services.evaluation_conclude(evaluation=world.evaluation, actor=world.leader)
    assert missing.value.code == "consensus_missing"


@pytest.mark.parametrize(("consensus", "total", "conclusion"), [
    ((90, 90, 90, 90), Decimal("90.00"), Conclusion.EXCELLENT),
    ((100, 80, 90, 70), Decimal("86.00"), Conclusion.PASS),  # 25 + 20 + 27 + 14
    ((60, 60, 50, 60), Decimal("57.00"), Conclusion.FAIL),
])
def test_the_total_is_weighted_and_the_conclusion_follows_the_thresholds(world, consensus, total, conclusion):
    evaluation = _conclude(world, consensus)
    assert (evaluation.total, evaluation.conclusion, evaluation.state) == (total, conclusion, Evaluation.State.CONCLUDED)
    assert evaluation.report_no.startswith("湘民评字〔") and evaluation.report_no.endswith("0001号")
    assert AuditEvent.objects.filter(action="evaluations.concluded", object_id=str(evaluation.pk)).exists()


def test_thresholds_are_per_programme(world):
    world.programme.excellent_from = Decimal(95)
    world.programme.save()
    assert _conclude(world).conclusion == Conclusion.PASS


def test_the_bureau_answers_the_recommendations(world):
    _conclude(world)
    recommendation = world.evaluation.recommendations.get()
    with pytest.raises(PermissionDenied):
        services.recommendation_answer(recommendation=recommendation, response="已整改", actor=world.leader)
    services.recommendation_answer(recommendation=recommendation, response="已在全区推广", actor=world.bureau_user)
    recommendation.refresh_from_db()
    assert recommendation.response == "已在全区推广" and recommendation.responded_by == world.bureau_user


def test_a_figure_entered_once_is_shown_with_every_indicator_that_uses_it(world):
    services.figure_set(zone=world.zone, label="志愿者人数", value="1200", unit="人",
                        indicator_ids=[world.indicators[2].pk, world.indicators[3].pk], actor=world.bureau_user)
    services.figure_set(zone=world.zone, label="志愿者人数", value="1350", unit="人",
                        indicator_ids=[world.indicators[2].pk, world.indicators[3].pk], actor=world.bureau_user)
    rows = selectors.indicator_rows(world.evaluation, world.leader)
    assert [[f.value for f in r.figures] for r in rows] == [[], [], [Decimal("1350")], [Decimal("1350")]]
    with pytest.raises(ValidationFailed):
        services.figure_set(zone=world.zone, label="志愿者人数", value="很多", actor=world.bureau_user)


def test_an_indicator_needs_a_whole_maximum_and_a_known_parent(world):
    with pytest.raises(ValidationFailed):
        services.indicator_save(programme=world.programme, stage=Stage.MID_TERM, code="1", name="组织领导",
                                weight=100, max_score="10.5", actor=world.officer)
    with pytest.raises(ValidationFailed) as refused:
        services.indicator_save(programme=world.programme, stage=Stage.MID_TERM, code="1.1", name="领导机制",
                                weight=100, parent_code="9", actor=world.officer)
    assert refused.value.code == "bad_parent"
    with pytest.raises(PermissionDenied):
        services.indicator_save(programme=world.programme, stage=Stage.MID_TERM, code="1", name="组织领导",
                                weight=100, actor=world.bureau_user)
