"""The read-only API: programmes, zones, evidence and results, with a staff token only."""

import pytest

from onewindow.accounts.auth import token_create
from onewindow.evaluations import services

from .conftest import PDF
from .test_services import _conclude

PATHS = ["/api/v1/evaluations/programmes", "/api/v1/evaluations/zones",
         "/api/v1/evaluations/zones/{zone}/evidence", "/api/v1/evaluations/zones/{zone}/results"]


@pytest.mark.parametrize("path", PATHS)
def test_anonymous_and_applicants_are_refused(world, api, applicant, path):
    path = path.format(zone=world.zone.pk)
    assert api(None).get(path).json()["code"] == "unauthorized"
    refused = api(applicant).get(path)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"


def test_a_scoped_token_needs_the_evaluations_scope(world, client):
    key = token_create(user=world.officer, scopes=["cases:read"])
    response = client.get("/api/v1/evaluations/programmes", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 403 and response.json()["code"] == "scope_missing"
    key = token_create(user=world.officer, scopes=["evaluations:read"])
    assert client.get("/api/v1/evaluations/programmes", headers={"Authorization": f"Bearer {key}"}).status_code == 200


def test_another_system_reads_the_collected_data_and_the_results(world, api, django_assert_max_num_queries):
    version = services.evidence_upload(zone=world.zone, actor=world.bureau_user, name="台账.pdf", content=PDF,
                                       kind="ledger", title="社区服务台账",
                                       indicator_ids=[world.indicators[0].pk, world.indicators[2].pk])
    services.figure_set(zone=world.zone, label="社区数", value="2", unit="个", indicator_ids=[world.indicators[0].pk],
                        actor=world.bureau_user)
    client = api(world.outsider)  # any staff member's token: the data is collected once for everyone
    programmes = client.get("/api/v1/evaluations/programmes").json()
    assert [i["weight"] for i in programmes[0]["indicators"]] == ["25.00", "25.00", "30.00", "20.00"]
    zone = client.get("/api/v1/evaluations/zones", programme_id=world.programme.pk).json()[0]
    assert zone["communities"] == ["南岳宫社区", "金花坪社区"]
    assert zone["figures"] == [{"label": "社区数", "value": "2.00", "unit": "个", "indicator_ids": [world.indicators[0].pk]}]
    evidence = client.get(f"/api/v1/evaluations/zones/{world.zone.pk}/evidence").json()
    assert evidence[0]["indicator_ids"] == [world.indicators[0].pk, world.indicators[2].pk]
    assert evidence[0]["versions"][0]["sha256"] == version.sha256
    assert client.get(evidence[0]["versions"][0]["download"]).content == PDF
    before = client.get(f"/api/v1/evaluations/zones/{world.zone.pk}/results").json()[0]
    assert before["state"] == "preparing" and before["indicators"][0]["score"] is None
    _conclude(world, (100, 80, 90, 70))
    with django_assert_max_num_queries(15):
        result = client.get(f"/api/v1/evaluations/zones/{world.zone.pk}/results").json()[0]
    assert (result["total"], result["conclusion"]) == ("86.00", "pass")
    assert [i["score"] for i in result["indicators"]] == ["100.00", "80.00", "90.00", "70.00"]
    assert result["indicators"][0]["evidence_ids"] == [version.evidence_id]
    assert result["recommendations"][0]["text"] == "扩面深化"


def test_the_openapi_description_lists_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/evaluations/programmes", "/api/v1/evaluations/zones/{zone_id}/results"} <= set(paths)
