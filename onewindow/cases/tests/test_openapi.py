def test_openapi_lists_every_action(client, db):
    from onewindow.cases.actions import ACTIONS

    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for action in ACTIONS:
        assert f"/api/v1/cases/{{case_no}}/actions/{action}" in paths
    decide = paths["/api/v1/cases/{case_no}/actions/decide"]["post"]
    assert "409" in decide["responses"]


def test_openapi_shows_materials_with_the_case(client, db):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schemas["CaseIn"]["properties"]["materials"]["items"] == {"$ref": "#/components/schemas/MaterialIn"}
    material = schemas["MaterialIn"]["properties"]
    assert material["mode"]["default"] == "paper" and set(material["mode"]["enum"]) == {
        "paper", "reused", "missing", "faulty"}
