def test_openapi_lists_every_action(client, db):
    from onewindow.cases.transitions import ACTIONS

    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for action in ACTIONS:
        assert f"/api/v1/cases/{{case_no}}/actions/{action}" in paths
    decide = paths["/api/v1/cases/{case_no}/actions/decide"]["post"]
    assert "409" in decide["responses"]
