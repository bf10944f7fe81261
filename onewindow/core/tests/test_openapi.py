"""Issue 16: the OpenAPI document states each operation's error responses in the one error shape, and no two
different shapes share a schema name (ninja would file both under one component, and one would be wrong)."""

import inspect
import json
import sys
from collections import defaultdict

from ninja import Schema

from onewindow.api import api


def test_every_operation_documents_its_errors_in_the_error_shape():
    schema = api.get_openapi_schema()
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"code", "message", "details"}
    operations = [(m, p, op) for p, methods in schema["paths"].items() for m, op in methods.items()]
    assert len(operations) >= 50
    for method, path, op in operations:
        documented = {int(status) for status in op["responses"]}
        assert 429 in documented, (method, path)
        if op.get("security"):
            assert {401, 403} <= documented, (method, path)
        if "{" in path:
            assert {404, 422} <= documented, (method, path)
        if method != "get":
            assert {404, 409} <= documented, (method, path)
        for status, response in op["responses"].items():
            if int(status) >= 400:
                assert response["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ErrorOut"}, (method, path, status)


def test_distinct_shapes_have_distinct_schema_names():
    shapes = defaultdict(set)
    for name, module in list(sys.modules.items()):
        if name.startswith("onewindow.") and name.endswith(".api"):
            for obj in vars(module).values():
                if inspect.isclass(obj) and issubclass(obj, Schema) and obj.__module__.startswith("onewindow."):
                    shapes[obj.__name__].add(json.dumps(obj.model_json_schema(), sort_keys=True))
    assert len(shapes) > 30
    assert not {name for name, found in shapes.items() if len(found) > 1}
