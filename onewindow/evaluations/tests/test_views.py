"""Who may open which page, and what the pages do (anonymous, wrong person, right person)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onewindow.evaluations import services
from onewindow.evaluations.models import Evidence, SurveyAnswer
from onewindow.portal.tests.conftest import last_code

from .conftest import PDF, PNG
from .test_services import _conclude


def test_the_menu_offers_evaluations_only_to_the_people_involved(world, login):
    assert "实验区评估" in login(world.bureau_user).get("/workbench/").content.decode()
    assert "实验区评估" not in login(world.outsider).get("/workbench/").content.decode()
    assert login(world.outsider).get("/evaluations/").status_code == 403
    assert login(world.member).get("/evaluations/").status_code == 200
    # staff without a department are not involved, even with a programme that has no zones yet
    from onewindow.accounts.services import staff_upsert
    from onewindow.evaluations import services as evaluation_services

    evaluation_services.programme_create(name="第四批", division=world.division, starts_on=world.programme.starts_on,
                                         ends_on=world.programme.ends_on, actor=world.officer)
    loose = staff_upsert(username="loose", full_name="无单位", roles=["reviewer"])
    assert login(loose).get("/evaluations/").status_code == 403


@pytest.mark.parametrize("path", ["/evaluations/", "/evaluations/zones/{zone}/", "/evaluations/{evaluation}/",
                                  "/evaluations/{evaluation}/report.pdf"])
def test_staff_pages_need_a_sign_in(world, client, path):
    response = client.get(path.format(zone=world.zone.pk, evaluation=world.evaluation.pk))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_zone_is_shown_only_to_its_division_bureau_and_teams(world, login):
    path = f"/evaluations/zones/{world.zone.pk}/"
    assert login(world.outsider).get(path).status_code == 404
    for user in (world.officer, world.bureau_user, world.member):
        assert login(user).get(path).status_code == 200
    assert 'id="upload-form"' in login(world.bureau_user).get(path).content.decode()
    assert 'id="upload-form"' not in login(world.officer).get(path).content.decode()


def test_the_bureau_uploads_tagged_evidence_and_a_bad_file_gets_a_chinese_message(world, login):
    client = login(world.bureau_user)
    path = f"/evaluations/zones/{world.zone.pk}/act/upload/"
    ids = [world.indicators[0].pk, world.indicators[1].pk]
    refused = client.post(path, {"title": "台账", "kind": "ledger", "indicators": ids,
                                 "file": SimpleUploadedFile("台账.pdf", PNG)})
    assert refused.status_code == 422 and "image/png" in refused.content.decode()
    assert not Evidence.objects.exists()
    done = client.post(path, {"title": "社区服务台账", "kind": "ledger", "indicators": ids,
                              "file": SimpleUploadedFile("台账.pdf", PDF)})
    assert done.status_code == 302
    evidence = Evidence.objects.get()
    assert sorted(evidence.indicators.values_list("code", flat=True)) == ["1", "2"]
    download = client.get(f"/evaluations/evidence/{evidence.pk}/v1/")
    assert download["Content-Type"] == "application/pdf" and download.content == PDF
    assert login(world.outsider).get(f"/evaluations/evidence/{evidence.pk}/v1/").status_code == 404
    # Another person may not upload into the zone
    assert login(world.leader).post(path, {"title": "x", "kind": "ledger",
                                           "file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 403


def test_an_evaluation_page_shows_no_other_scores_before_submitting(world, login, django_assert_max_num_queries):
    services.scoring_start(evaluation=world.evaluation, actor=world.leader)
    services.scores_save(evaluation=world.evaluation, actor=world.leader,
                         scores={i.pk: ("77", "领导意见") for i in world.indicators})
    services.scores_submit(evaluation=world.evaluation, actor=world.leader)
    client = login(world.member)
    with django_assert_max_num_queries(30):
        page = client.get(f"/evaluations/{world.evaluation.pk}/").content.decode()
    assert "领导意见" not in page
    assert login(world.outsider).get(f"/evaluations/{world.evaluation.pk}/").status_code == 404
    response = client.post(f"/evaluations/{world.evaluation.pk}/act/submit/",
                           {f"score_{i.pk}": "30" for i in world.indicators})
    assert response.status_code == 302
    page = client.get(f"/evaluations/{world.evaluation.pk}/").content.decode()
    assert "领导意见" in page and "分歧较大" in page
    refused = client.post(f"/evaluations/{world.evaluation.pk}/act/consensus/",
                          {f"consensus_{world.indicators[0].pk}": "50"})
    assert refused.status_code == 403


def test_the_page_query_count_does_not_grow_with_evidence(world, login, django_assert_max_num_queries):
    for n in range(6):
        services.evidence_upload(zone=world.zone, actor=world.bureau_user, name=f"{n}.pdf", content=PDF, kind="ledger",
                                 title=f"台账{n}", indicator_ids=[i.pk for i in world.indicators])
    client, officer = login(world.leader), login(world.officer)
    for path in (f"/evaluations/{world.evaluation.pk}/", f"/evaluations/zones/{world.zone.pk}/"):
        client.get(path)  # the session and the per-process caches, once
    officer.get(f"/evaluations/programmes/{world.programme.pk}/")
    with django_assert_max_num_queries(22):  # measured: 20 with 6 or 20 pieces of evidence
        assert client.get(f"/evaluations/{world.evaluation.pk}/").status_code == 200
    with django_assert_max_num_queries(14):  # measured: 12
        assert client.get(f"/evaluations/zones/{world.zone.pk}/").status_code == 200
    with django_assert_max_num_queries(15):  # measured: 13
        assert officer.get(f"/evaluations/programmes/{world.programme.pk}/").status_code == 200


def test_the_report_is_a_pdf_for_the_bureau_after_the_conclusion(world, login):
    path = f"/evaluations/{world.evaluation.pk}/report.pdf"
    assert login(world.bureau_user).get(path).status_code == 404  # not concluded yet
    _conclude(world)
    response = login(world.bureau_user).get(path)
    assert response.status_code == 200 and response.content[:5] == b"%PDF-"
    assert login(world.outsider).get(path).status_code == 404


def test_innovations_are_public_once_concluded(world, client):
    community = world.zone.communities.get(name="南岳宫社区")
    services.innovation_add(evaluation=world.evaluation, community=community, title="四点半学校",
                            description="放学后托管辅导", actor=world.leader)
    assert "四点半学校" not in client.get("/evaluations/innovations/").content.decode()
    _conclude(world)
    assert "四点半学校" in client.get("/evaluations/innovations/").content.decode()


def test_residents_answer_the_survey_once_per_verified_mobile(world, client, django_capture_on_commit_callbacks):
    """One answer per mobile number, proven by an SMS code; only a keyed hash of the number is kept
    (个人信息保护法 第六条: collect within the smallest scope the purpose needs)."""
    path = f"/evaluations/survey/{world.evaluation.survey_token}/"
    assert client.get(path).status_code == 200
    assert client.get("/evaluations/survey/not-a-token/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path, {"do": "code", "mobile": "13900002222"})
    code = last_code("13900002222")
    wrong = client.post(path, {"do": "answer", "mobile": "13900002222", "code": "000000" if code != "000000" else "111111",
                               "satisfaction": "5"})
    assert wrong.status_code == 422 and not SurveyAnswer.objects.exists()
    done = client.post(path, {"do": "answer", "mobile": "13900002222", "code": code, "satisfaction": "5"})
    assert done.status_code == 200 and SurveyAnswer.objects.count() == 1
    assert "13900002222" not in str(SurveyAnswer.objects.values_list().get())
    again = client.post(path, {"do": "answer", "mobile": "13900002222", "code": code, "satisfaction": "1"})
    assert again.status_code == 409 and SurveyAnswer.objects.count() == 1


def test_the_bureau_answers_a_recommendation_on_the_page(world, login):
    _conclude(world)
    recommendation = world.evaluation.recommendations.get()
    path = f"/evaluations/{world.evaluation.pk}/act/answer/"
    assert login(world.member).post(path, {"recommendation": recommendation.pk, "response": "x"}).status_code == 403
    assert login(world.bureau_user).post(path, {"recommendation": recommendation.pk,
                                                "response": "已扩面至全区"}).status_code == 302
    assert "已扩面至全区" in login(world.officer).get(f"/evaluations/{world.evaluation.pk}/").content.decode()


def test_wrong_survey_codes_are_throttled_per_address_and_the_survey_closes_with_the_evaluation(world, client):
    from onewindow.core.ratelimit import POLICIES

    path = f"/evaluations/survey/{world.evaluation.survey_token}/"
    answer = {"do": "answer", "mobile": "13900003333", "code": "123456", "satisfaction": "4"}
    for _attempt in range(POLICIES["survey.address"].limit):
        assert client.post(path, answer).status_code == 422
    blocked = client.post(path, answer)
    assert blocked.status_code == 409 and "失败次数过多" in blocked.content.decode()
    _conclude(world)
    assert "本问卷已结束" in client.get(path).content.decode()


def test_the_survey_qr_page_is_for_those_who_see_the_evaluation(world, login, client):
    path = f"/evaluations/{world.evaluation.pk}/survey-qr/"
    assert client.get(path).status_code == 302
    assert login(world.outsider).get(path).status_code == 404
    page = login(world.leader).get(path).content.decode()
    assert world.evaluation.survey_token in page and "data:image/png;base64," in page


def test_the_team_records_the_process_and_bad_input_gets_a_message_and_changes_nothing(world, login):
    client = login(world.member)
    path = f"/evaluations/{world.evaluation.pk}/act/"
    nanyue = world.zone.communities.get(name="南岳宫社区")
    missing_date = client.post(path + "visit/", {"community": nanyue.pk, "visited_on": "2026-13-40", "notes": "x"})
    assert missing_date.status_code == 422 and "请填写查看日期" in missing_date.content.decode()
    nul = client.post(path + "record/", {"meeting_reporter": "宋伟伟\x00", "meeting_minutes": "汇报"})
    assert nul.status_code == 400 and "meeting_reporter" in nul.content.decode()  # core.limits.BadInputMiddleware
    assert client.post(path + "visit/", {"community": nanyue.pk, "visited_on": "2026-11-20",
                                         "notes": "查看软硬件配套设施"}).status_code == 302
    assert client.post(path + "record/", {"meeting_on": "2026-11-20", "meeting_reporter": "资阳区副区长 宋伟伟",
                                          "meeting_minutes": "汇报创建工作进展"}).status_code == 302
    world.evaluation.refresh_from_db()
    assert world.evaluation.meeting_reporter == "资阳区副区长 宋伟伟" and world.evaluation.visits.count() == 1
    assert login(world.bureau_user).post(path + "record/", {"meeting_minutes": "x"}).status_code == 403
    assert client.post(path + "unknown/", {}).status_code == 404
    # only the leader names innovations
    assert client.post(path + "innovation/", {"community": nanyue.pk, "title": "八支队伍",
                                              "description": "八支服务队伍"}).status_code == 403
    assert login(world.leader).post(path + "innovation/", {"community": nanyue.pk, "title": "八支队伍",
                                                           "description": "八支服务队伍"}).status_code == 302


def test_the_bureau_uploads_a_new_version_and_retags_on_the_zone_page(world, login):
    client = login(world.bureau_user)
    first = services.evidence_upload(zone=world.zone, actor=world.bureau_user, name="台账.pdf", content=PDF,
                                     kind="ledger", title="社区服务台账", indicator_ids=[world.indicators[0].pk])
    path = f"/evaluations/zones/{world.zone.pk}/act/"
    assert client.post(path + "version/", {"evidence": first.evidence_id,
                                           "file": SimpleUploadedFile("台账-修订.png", PNG)}).status_code == 302
    assert client.post(path + "tag/", {"evidence": first.evidence_id,
                                       "indicators": [world.indicators[1].pk, world.indicators[3].pk]}).status_code == 302
    page = client.get(f"/evaluations/zones/{world.zone.pk}/").content.decode()
    assert "v2 台账-修订.png" in page and "v1 台账.pdf" in page
    assert sorted(first.evidence.indicators.values_list("code", flat=True)) == ["2", "4"]
    assert login(world.bureau_user).get(f"/evaluations/evidence/{first.evidence_id}/v2/")["Content-Type"] == "image/png"
    # a zone's bureau cannot touch another zone's evidence
    other = services.zone_create(programme=world.programme, name="长沙市天心区", bureau=world.division,
                                 theme="智慧社区", actor=world.officer)
    assert client.post(f"/evaluations/zones/{other.pk}/act/tag/", {"evidence": first.evidence_id}).status_code == 404


def test_team_members_add_photos_to_a_site_visit(world, login):
    nanyue = world.zone.communities.get(name="南岳宫社区")
    visit = services.visit_add(evaluation=world.evaluation, community=nanyue, visited_on=world.programme.starts_on,
                               notes="实地查看", actor=world.leader)
    path = f"/evaluations/{world.evaluation.pk}/visits/{visit.pk}/photos/"
    refused = login(world.member).post(path, {"file": SimpleUploadedFile("会议纪要.pdf", PDF)})
    assert refused.status_code == 422 and "JPEG 或 PNG" in refused.content.decode()
    assert login(world.bureau_user).post(path, {"file": SimpleUploadedFile("a.png", PNG)}).status_code == 403
    assert login(world.member).post(path, {"file": SimpleUploadedFile("现场.png", PNG)}).status_code == 302
    photo = visit.photos.get()
    assert login(world.officer).get(f"/evaluations/{world.evaluation.pk}/photos/{photo.pk}/").content == PNG
    assert login(world.outsider).get(f"/evaluations/{world.evaluation.pk}/photos/{photo.pk}/").status_code == 404
