def test_openapi_lists_every_action(client, db):
    from onewindow.cases.actions import ACTIONS

    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for action in ACTIONS.values():
        assert f"/api/v1/cases/{{case_no}}/{action.path}" in paths
    decide = paths["/api/v1/cases/{case_no}/actions/decide"]["post"]
    assert "409" in decide["responses"]


def test_openapi_shows_materials_with_the_case(client, db):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schemas["CaseIn"]["properties"]["materials"]["items"] == {"$ref": "#/components/schemas/MaterialIn"}
    material = schemas["MaterialIn"]["properties"]
    assert material["mode"]["default"] == "paper" and set(material["mode"]["enum"]) == {
        "paper", "reused", "missing", "faulty"}


def test_action_bodies_are_the_declared_inputs(client, db):
    """Issue 13: a draft's submit takes no opinion (it was offered one and ignored it); every other action's
    body has exactly the fields its declaration names, required where the declaration says so."""
    from onewindow.cases.actions import ACTIONS

    schema = client.get("/api/v1/openapi.json").json()
    for name, action in ACTIONS.items():
        post = schema["paths"][f"/api/v1/cases/{{case_no}}/{action.path}"]["post"]
        if not action.inputs:
            assert "requestBody" not in post, name
            continue
        ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
        body = schema["components"]["schemas"][ref]
        assert list(body["properties"]) == list(action.fields), name
        assert set(body.get("required", ())) == {i.name for i in action.inputs if i.required}, name
    assert ACTIONS["submit"].fields == () and "opinion" in ACTIONS["resubmit"].fields
