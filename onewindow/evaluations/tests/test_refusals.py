"""Each refusal of an evaluation by its error code: the service refuses and keeps nothing, and where a
person meets it the page answers with the status and the Chinese message."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onewindow.core import ratelimit
from onewindow.core.errors import Conflict, ValidationFailed
from onewindow.evaluations import services
from onewindow.evaluations.models import (
    Evaluation,
    Evidence,
    Innovation,
    Programme,
    Score,
    Stage,
    SurveyAnswer,
    Visit,
    VisitPhoto,
    Zone,
)
from onewindow.portal.tests.conftest import last_code

from .conftest import PDF
from .test_services import _conclude, _score_all

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 6, 1)


def _programme(world, **extra):
    data = dict(
        name="第四批实验区",
        division=world.division,
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
        actor=world.officer,
    )
    return services.programme_create(**(data | extra))


def _other_zone(world):
    return services.zone_create(
        programme=world.programme,
        name="长沙市天心区",
        bureau=world.bureau,
        theme="智慧社区",
        communities=["青园社区"],
        actor=world.officer,
    )


# --- the programme, its zones and indicators --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"pass_from": 95}, "bad_thresholds"),
        ({"excellent_from": "九十"}, "bad_number"),
        ({"pass_from": "60.555"}, "bad_number"),
        ({"name": "第四批\x00实验区"}, "bad_character"),
    ],
)
def test_a_programme_needs_ordered_thresholds_and_clean_text(world, extra, code):
    with pytest.raises(ValidationFailed) as exc:
        _programme(world, **extra)
    assert exc.value.code == code and not Programme.objects.filter(name__startswith="第四批").exists()


def test_programme_and_zone_names_are_unique(world):
    with pytest.raises(Conflict) as exc:
        _programme(world, name=world.programme.name)
    assert exc.value.code == "programme_exists" and Programme.objects.count() == 1
    with pytest.raises(Conflict) as exc:
        services.zone_create(
            programme=world.programme,
            name=world.zone.name,
            bureau=world.bureau,
            theme="重复",
            actor=world.officer,
        )
    assert exc.value.code == "zone_exists"
    with pytest.raises(Conflict) as exc:
        services.zone_create(
            programme=world.programme,
            name="长沙市天心区",
            bureau=world.bureau,
            theme="智慧社区",
            communities=["青园社区", "青园社区"],
            actor=world.officer,
        )
    assert exc.value.code == "zone_exists" and Zone.objects.count() == 1


def test_an_indicator_needs_a_known_stage_and_a_whole_maximum(world):
    with pytest.raises(ValidationFailed) as exc:
        services.indicator_save(
            programme=world.programme,
            stage="final",
            code="1",
            name="组织领导",
            weight=100,
            actor=world.officer,
        )
    assert exc.value.code == "bad_stage"
    with pytest.raises(ValidationFailed) as exc:
        services.indicator_save(
            programme=world.programme,
            stage=Stage.MID_TERM,
            code="1",
            name="组织领导",
            weight=100,
            max_score="10.5",
            actor=world.officer,
        )
    assert exc.value.code == "bad_number" and exc.value.details == {"max_score": "invalid"}
    assert not world.programme.indicators.filter(stage=Stage.MID_TERM).exists()


# --- the evaluation team ----------------------------------------------------------------------------------------


def test_an_evaluation_needs_a_known_stage_staff_members_and_one_per_stage(world, applicant):
    with pytest.raises(ValidationFailed) as exc:
        services.evaluation_create(
            zone=world.zone, stage="final", leader=world.leader, members=[], actor=world.officer
        )
    assert exc.value.code == "bad_stage"
    with pytest.raises(ValidationFailed) as exc:
        services.evaluation_create(
            zone=world.zone,
            stage=Stage.MID_TERM,
            leader=world.leader,
            members=[(applicant, "群众代表")],
            actor=world.officer,
        )
    assert exc.value.code == "team_not_staff"
    with pytest.raises(Conflict) as exc:
        services.evaluation_create(
            zone=world.zone, stage=Stage.CLOSING, leader=world.member, members=[], actor=world.officer
        )
    assert exc.value.code == "evaluation_exists"
    with pytest.raises(Conflict) as exc:
        services.evaluation_create(
            zone=world.zone,
            stage=Stage.MID_TERM,
            leader=world.leader,
            members=[(world.leader, "重复")],
            actor=world.officer,
        )
    assert exc.value.code == "evaluation_exists" and Evaluation.objects.count() == 1


def test_the_team_page_names_an_unknown_account(world, login, refused):
    page = login(world.officer).post(
        f"/evaluations/programmes/{world.programme.pk}/act/evaluation/",
        {"zone": world.zone.pk, "stage": Stage.MID_TERM, "leader": "nobody", "members": ""},
    )
    assert page.status_code == 422 and "没有工作人员账号“nobody”。" in page.content.decode()
    assert refused[-1] == "unknown_user" and Evaluation.objects.count() == 1


# --- evidence ---------------------------------------------------------------------------------------------------


def test_evidence_needs_a_kind_and_indicators_of_its_programme(world):
    other = _programme(world)
    foreign = services.indicator_save(
        programme=other, stage=Stage.CLOSING, code="1", name="组织领导", weight=100, actor=world.officer
    )
    with pytest.raises(ValidationFailed) as exc:
        services.evidence_upload(
            zone=world.zone,
            actor=world.bureau_user,
            name="台账.pdf",
            content=PDF,
            kind="poster",
            title="台账",
            indicator_ids=[world.indicators[0].pk],
        )
    assert exc.value.code == "bad_kind"
    for ids in ([foreign.pk], [world.indicators[0].pk, "x"]):
        with pytest.raises(ValidationFailed) as exc:
            services.evidence_upload(
                zone=world.zone,
                actor=world.bureau_user,
                name="台账.pdf",
                content=PDF,
                kind="ledger",
                title="台账",
                indicator_ids=ids,
            )
        assert exc.value.code == "bad_indicators"
    assert not Evidence.objects.exists()


def test_the_upload_page_asks_for_a_file(world, login, refused):
    page = login(world.bureau_user).post(
        f"/evaluations/zones/{world.zone.pk}/act/upload/",
        {"title": "台账", "kind": "ledger", "indicators": [world.indicators[0].pk]},
    )
    assert page.status_code == 422 and "请选择文件。" in page.content.decode()
    assert refused[-1] == "file_missing" and not Evidence.objects.exists()


# --- visits and innovations -------------------------------------------------------------------------------------


def test_a_visit_and_an_innovation_are_of_the_zones_own_communities_and_evidence(world):
    elsewhere = _other_zone(world).communities.get()
    with pytest.raises(ValidationFailed) as exc:
        services.visit_add(
            evaluation=world.evaluation, community=elsewhere, visited_on=TODAY, notes="", actor=world.member
        )
    assert exc.value.code == "bad_community" and not Visit.objects.exists()
    with pytest.raises(ValidationFailed) as exc:
        services.innovation_add(
            evaluation=world.evaluation,
            community=elsewhere,
            title="议事会",
            description="居民议事",
            actor=world.leader,
        )
    assert exc.value.code == "bad_community"
    own = world.zone.communities.first()
    with pytest.raises(ValidationFailed) as exc:
        services.innovation_add(
            evaluation=world.evaluation,
            community=own,
            title="议事会",
            description="居民议事",
            evidence_ids=[999999],
            actor=world.leader,
        )
    assert exc.value.code == "bad_evidence" and not Innovation.objects.exists()


def test_a_visit_photo_must_be_an_image_and_the_page_asks_for_a_file(world, login, refused):
    visit = services.visit_add(
        evaluation=world.evaluation,
        community=world.zone.communities.first(),
        visited_on=TODAY,
        notes="走访",
        actor=world.member,
    )
    with pytest.raises(ValidationFailed) as exc:
        services.visit_photo_add(visit=visit, name="照片.pdf", content=PDF, actor=world.member)
    assert exc.value.code == "upload_not_image"
    path = f"/evaluations/{world.evaluation.pk}/visits/{visit.pk}/photos/"
    client = login(world.member)
    page = client.post(path, {"file": SimpleUploadedFile("照片.pdf", PDF)})
    assert page.status_code == 422 and "实地查看照片须为 JPEG 或 PNG 图片。" in page.content.decode()
    assert refused[-1] == "upload_not_image"
    page = client.post(path, {})
    assert (
        page.status_code == 422 and "请选择文件。" in page.content.decode() and refused[-1] == "file_missing"
    )
    assert not VisitPhoto.objects.exists()


# --- scoring ----------------------------------------------------------------------------------------------------


def test_scores_wait_for_scoring_and_are_of_this_evaluations_indicators(world):
    one = {world.indicators[0].pk: ("80", "")}
    with pytest.raises(Conflict) as exc:
        services.scores_save(evaluation=world.evaluation, actor=world.member, scores=one)
    assert exc.value.code == "wrong_state" and exc.value.details == {"state": Evaluation.State.PREPARING}
    mid_term = services.indicator_save(
        programme=world.programme,
        stage=Stage.MID_TERM,
        code="1",
        name="组织领导",
        weight=100,
        actor=world.officer,
    )
    services.scoring_start(evaluation=world.evaluation, actor=world.leader)
    with pytest.raises(ValidationFailed) as exc:
        services.scores_save(
            evaluation=world.evaluation, actor=world.member, scores={mid_term.pk: ("80", "")}
        )
    assert exc.value.code == "bad_indicators" and not Score.objects.exists()


def test_submitted_scores_are_final(world):
    services.scoring_start(evaluation=world.evaluation, actor=world.leader)
    _score_all(world, world.member, [80, 80, 80, 80])
    with pytest.raises(Conflict) as exc:
        services.scores_save(
            evaluation=world.evaluation, actor=world.member, scores={world.indicators[0].pk: ("99", "")}
        )
    assert exc.value.code == "scores_submitted"
    with pytest.raises(Conflict) as exc:
        services.scores_submit(evaluation=world.evaluation, actor=world.member)
    assert exc.value.code == "scores_submitted"
    assert {str(s.score) for s in Score.objects.all()} == {"80.00"}


def test_the_consensus_waits_for_every_evaluator_and_takes_only_this_evaluations_indicators(
    world, login, refused
):
    services.scoring_start(evaluation=world.evaluation, actor=world.leader)
    _score_all(world, world.leader, [90, 90, 90, 90])
    page = login(world.leader).post(
        f"/evaluations/{world.evaluation.pk}/act/consensus/", {f"consensus_{world.indicators[0].pk}": "90"}
    )
    assert page.status_code == 409 and "尚有评估人未提交评分。" in page.content.decode()
    assert refused[-1] == "scores_pending"
    _score_all(world, world.member, [90, 90, 90, 90])
    with pytest.raises(ValidationFailed) as exc:
        services.consensus_save(evaluation=world.evaluation, actor=world.leader, scores={999999: ("90", "")})
    assert exc.value.code == "bad_indicators" and not world.evaluation.consensus.exists()


def test_a_concluded_evaluation_takes_no_more_visits(world, login, refused):
    _conclude(world)
    page = login(world.member).post(
        f"/evaluations/{world.evaluation.pk}/act/visit/",
        {"community": world.zone.communities.first().pk, "visited_on": "2025-06-01", "notes": "补充走访"},
    )
    assert page.status_code == 409 and "现在不能进行此操作" in page.content.decode()
    assert refused[-1] == "wrong_state" and not Visit.objects.exists()


# --- the residents' survey --------------------------------------------------------------------------------------


def _survey(world):
    return f"/evaluations/survey/{world.evaluation.survey_token}/"


def test_the_survey_takes_one_satisfaction_level_per_mobile(
    world, client, refused, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_survey(world), {"do": "code", "mobile": "13900004444"})
    code = last_code("13900004444")
    page = client.post(
        _survey(world), {"do": "answer", "mobile": "13900004444", "code": code, "satisfaction": "9"}
    )
    assert page.status_code == 422 and "请选择满意程度。" in page.content.decode()
    assert refused[-1] == "bad_satisfaction" and not SurveyAnswer.objects.exists()
    client.post(_survey(world), {"do": "answer", "mobile": "13900004444", "code": code, "satisfaction": "4"})
    page = client.post(
        _survey(world), {"do": "answer", "mobile": "13900004444", "code": code, "satisfaction": "1"}
    )
    assert page.status_code == 409 and "该手机号已经答过本问卷。" in page.content.decode()
    assert refused[-1] == "survey_answered" and SurveyAnswer.objects.get().satisfaction == 4


def test_the_survey_closes_with_the_conclusion(world, client, refused):
    _conclude(world)
    with pytest.raises(Conflict) as exc:
        services.survey_code_send(evaluation=world.evaluation, mobile="13900005555")
    assert exc.value.code == "survey_closed"
    page = client.post(
        _survey(world), {"do": "answer", "mobile": "13900005555", "code": "123456", "satisfaction": "5"}
    )
    assert page.status_code == 409 and "本问卷已结束。" in page.content.decode()
    assert refused[-1] == "survey_closed" and not SurveyAnswer.objects.exists()


def test_a_survey_opened_before_the_conclusion_takes_no_answer_after_it(
    world, django_capture_on_commit_callbacks
):
    """The survey's state is read from the database, not from the caller's copy of the evaluation."""
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_code_send(evaluation=world.evaluation, mobile="13900007777")
    opened = Evaluation.objects.get(pk=world.evaluation.pk)
    _conclude(world)
    with pytest.raises(Conflict) as exc:
        services.survey_answer(
            evaluation=opened, mobile="13900007777", code=last_code("13900007777"), satisfaction="5"
        )
    assert exc.value.code == "survey_closed" and not SurveyAnswer.objects.exists()


def test_an_address_with_too_many_wrong_codes_is_throttled(world, client, refused):
    for _attempt in range(ratelimit.POLICIES["survey.address"].limit):
        ratelimit.hit("survey.address", "127.0.0.1")
    page = client.post(_survey(world), {"do": "code", "mobile": "13900006666"})
    assert page.status_code == 409 and "失败次数过多，请15分钟后再试。" in page.content.decode()
    assert refused == ["throttled"]
