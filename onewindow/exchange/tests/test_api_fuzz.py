"""Schemathesis against the OpenAPI description of the inbound API: no input may cause a 500.

Covers the platform endpoints and the case API a platform calls, with a platform client's token and
with a staff token.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from onewindow.catalog.loader import catalog_load_reference
from onewindow.exchange.clients import platform_client_create, platform_token_issue

INBOUND = r"^/api/v1/(platform|cases)"


@pytest.fixture
def wsgi_app(db, settings):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]  # schemathesis calls the app as "localhost"
    # Like Django's test client: keep the test's connection (and its transaction) open across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def platform_token(db):
    _, secret = platform_client_create(client_id="fuzz", name="fuzz", rate_limit=100000,
                                       scopes=["cases:create", "cases:read", "catalog:read", "catalog:write",
                                               "webhooks"])
    return platform_token_issue(client_id="fuzz", client_secret=secret)["access_token"]


def test_no_input_causes_a_server_error(wsgi_app, platform_token, chief, api):
    catalog_load_reference()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app).include(path_regex=INBOUND)
    tokens = [platform_token, api(chief).headers["Authorization"].split()[1]]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case):
            for token in tokens:
                case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error])

        check()


def test_every_operation_conforms_with_a_staff_token_and_anonymously(wsgi_app, chief, api):
    """Issue 16: over every operation of the document, with a staff token and without one, no 500, and each
    answer's status, content type and body are the ones the document states (errors in the ErrorOut shape)."""
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    catalog_load_reference()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 50
    staff = {"Authorization": api(chief).headers["Authorization"]}
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

    failures = []
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=3, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case):
            for headers in (staff, {}):
                case.call_and_validate(headers=headers, checks=checks)

        try:
            check()
        except (Exception, BaseExceptionGroup) as exc:  # every operation is tried; all failures are reported together
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
