"""The division sets up programmes, indicator systems, zones and teams on its pages; nobody else can."""

from onewindow.evaluations import services
from onewindow.evaluations.models import Evaluation, Indicator, Programme, Zone


def test_staff_create_a_programme_of_their_own_department(world, login, client):
    assert client.get("/evaluations/programmes/new/").status_code == 302  # sign in first
    response = login(world.officer).post("/evaluations/programmes/new/", {
        "name": "第四批省级城乡社区治理和服务创新实验区", "starts_on": "2026-01-01", "ends_on": "2028-12-31",
        "excellent_from": "85", "pass_from": "60"})
    programme = Programme.objects.get(name="第四批省级城乡社区治理和服务创新实验区")
    assert response.status_code == 302 and programme.division == world.division
    assert programme.excellent_from == 85
    refused = login(world.officer).post("/evaluations/programmes/new/", {
        "name": "第五批", "starts_on": "2026-01-01", "ends_on": "2028-12-31", "excellent_from": "50", "pass_from": "60"})
    assert refused.status_code == 422 and "合格分数线不能高于优秀分数线" in refused.content.decode()
    assert not Programme.objects.filter(name="第五批").exists()


def test_only_the_division_opens_its_programme(world, login):
    path = f"/evaluations/programmes/{world.programme.pk}/"
    for user in (world.bureau_user, world.member, world.outsider):
        assert login(user).get(path).status_code == 404
    page = login(world.officer).get(path).content.decode()
    assert "100 / 100" in page and "益阳市资阳区" in page
    assert login(world.bureau_user).post(f"{path}act/zone/", {"name": "x", "bureau": world.bureau.pk,
                                                              "theme": "x"}).status_code == 404


def test_the_division_builds_the_system_and_a_frozen_stage_is_refused_with_a_message(world, login):
    client = login(world.officer)
    path = f"/evaluations/programmes/{world.programme.pk}/act/"
    assert client.post(path + "indicator/", {"stage": "mid_term", "code": "1", "name": "组织领导", "weight": "100",
                                            "max_score": "100"}).status_code == 302
    assert Indicator.objects.filter(stage="mid_term").count() == 1
    bad = client.post(path + "indicator/", {"stage": "mid_term", "code": "2", "name": "x", "weight": "abc"})
    assert bad.status_code == 422 and "请输入" in bad.content.decode()
    services.scoring_start(evaluation=world.evaluation, actor=world.leader)
    frozen = client.post(path + "indicator/", {"stage": "closing", "code": "4", "name": "群众满意度", "weight": "30"})
    assert frozen.status_code == 409 and "指标体系不能再修改" in frozen.content.decode()


def test_the_division_adds_a_zone_and_sets_up_a_team(world, login):
    client = login(world.officer)
    path = f"/evaluations/programmes/{world.programme.pk}/act/"
    assert client.post(path + "zone/", {"name": "长沙市天心区", "bureau": world.bureau.pk, "theme": "智慧社区",
                                       "communities": "桂花坪社区\n新路村社区\n"}).status_code == 302
    zone = Zone.objects.get(name="长沙市天心区")
    assert list(zone.communities.values_list("name", flat=True)) == ["桂花坪社区", "新路村社区"]
    unknown = client.post(path + "evaluation/", {"zone": zone.pk, "stage": "mid_term", "leader": "mojf",
                                                "members": "nobody 特邀专家"})
    assert unknown.status_code == 422 and "nobody" in unknown.content.decode()
    assert client.post(path + "evaluation/", {"zone": zone.pk, "stage": "mid_term", "leader": "mojf",
                                             "members": "expert 特邀专家"}).status_code == 302
    evaluation = Evaluation.objects.get(zone=zone)
    assert [(m.user.username, m.role, m.affiliation) for m in evaluation.team.all()] == [
        ("mojf", "leader", ""), ("expert", "member", "特邀专家")]
