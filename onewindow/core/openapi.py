"""The API's OpenAPI document states the errors each operation can answer, in the one error shape.

Every refusal leaves the API as {"code", "message", "details"} (onewindow/api.py turns ServiceError, ninja's
validation and auth errors and Http404 into it). Rather than repeat the error statuses on each of ~60
operations, the document is completed here from what the operation is:
- 401 and 403: it needs a token (a missing or bad token; a role or scope that may not act);
- 403, 404 and 409: it writes (refused for this caller, about something named that does not exist, or in
  conflict with a state or a duplicate);
- 404 and 422: it takes parameters or a body (a parameter may name something that does not exist;
  validation, and NUL bytes anywhere: core/limits.py);
- 429: every token has its own per-minute limit and the public endpoints a per-address one (core/ratelimit.py).
Statuses a router already documents are kept."""

from ninja import NinjaAPI, Schema

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
DESCRIPTIONS = {401: "Missing or invalid token", 403: "Not allowed for this role or scope", 404: "Not found",
                409: "Conflicts with the current state", 422: "Invalid input (the fields are named in details)",
                429: "Over a rate limit"}


class ErrorOut(Schema):
    """The one error shape of the API."""

    code: str
    message: str
    details: dict | list


def error_statuses(method: str, path: str, operation: dict) -> set[int]:
    statuses = {429}
    writes, takes_input = method.lower() != "get", bool(operation.get("parameters") or operation.get("requestBody"))
    if operation.get("security"):
        statuses |= {401, 403}
    if writes:
        statuses |= {403, 404, 409}
    if takes_input:
        statuses |= {404, 422}
    return statuses


def document_errors(schema: dict) -> dict:
    schema.setdefault("components", {}).setdefault("schemas", {})["ErrorOut"] = ErrorOut.model_json_schema()
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            for status in sorted(error_statuses(method, path, operation)):
                if status not in responses and str(status) not in responses:
                    responses[status] = {"description": DESCRIPTIONS[status],
                                         "content": {"application/json": {"schema": ERROR_REF}}}
    return schema


class OneWindowAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        return document_errors(super().get_openapi_schema(**kwargs))
