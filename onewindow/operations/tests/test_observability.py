"""/metrics, /readyz and the request id that joins log lines and audit events."""

import json
import logging

import pytest
from django.test import Client, override_settings

from onewindow.audit.models import AuditEvent
from onewindow.operations.logs import JsonFormatter, RequestFilter


@pytest.mark.django_db
def test_metrics_closed_by_default_in_production(settings):
    settings.ONEWINDOW_METRICS_TOKEN = ""
    settings.ONEWINDOW_METRICS_ADDRESSES = []
    assert Client().get("/metrics").status_code == 403
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 403


@pytest.mark.django_db
@override_settings(ONEWINDOW_METRICS_TOKEN="s3cret-metrics-token", ONEWINDOW_METRICS_ADDRESSES=[])
def test_metrics_with_the_token_only(login, chief):
    """Anonymous, a wrong token and a signed-in staff member are refused; the token is let in."""
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong-token").status_code == 403
    assert login(chief).get("/metrics").status_code == 403  # staff are not operators
    Client().get("/guide/")
    for _ in range(3):
        Client().get("/healthz")
    response = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-metrics-token")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert 'onewindow_request_duration_seconds_count{method="GET",view="healthz"}' in text
    assert 'view="catalog:' in text
    for name in ("onewindow_outbox_pending", "onewindow_outbox_oldest_pending_seconds", "onewindow_task_queue_depth",
                 "onewindow_task_queue_oldest_seconds", "onewindow_cases"):
        assert f"\n{name}" in text or f"# TYPE {name} gauge" in text


@pytest.mark.django_db
@override_settings(ONEWINDOW_METRICS_TOKEN="", ONEWINDOW_METRICS_ADDRESSES=["127.0.0.1"])
def test_metrics_by_address_counts_cases_and_throttle_hits(clerk):
    from onewindow.operations import metrics

    before = metrics.THROTTLED.labels("registry:search")._value.get()
    metrics.observe(view="registry:search", method="GET", status=429, seconds=0.01)
    assert metrics.THROTTLED.labels("registry:search")._value.get() == before + 1
    text = Client(REMOTE_ADDR="127.0.0.1").get("/metrics").content.decode()
    assert 'onewindow_throttled_requests_total{view="registry:search"}' in text
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 403


@pytest.mark.django_db
def test_readyz_reports_database_cache_worker_and_outbox():
    response = Client().get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["cache"] == "ok"
    assert body["worker"] == {"due_tasks": 0, "oldest_seconds": 0, "fresh": True}
    assert body["outbox"]["pending"] == 0


@pytest.mark.django_db
def test_readyz_is_degraded_not_down_when_the_worker_lags(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.ONEWINDOW_READY_MAX_LAG_SECONDS = -1  # any waiting task is "too old"
    from onewindow.ratings.tasks import ratings_sweep  # an existing task, queued and not run

    ratings_sweep.enqueue()
    body = Client().get("/readyz")
    assert body.status_code == 200 and body.json()["status"] == "degraded"
    assert body.json()["worker"]["due_tasks"] == 1 and body.json()["worker"]["fresh"] is False


@pytest.mark.django_db
def test_audit_events_of_a_request_carry_its_id(chief):
    """The two middlewares as the settings stack them: the event written by the view has the response's id."""
    from django.db import transaction
    from django.http import HttpResponse
    from django.test import RequestFactory

    from onewindow.audit.middleware import AuditContextMiddleware
    from onewindow.audit.services import audit_log
    from onewindow.operations.middleware import RequestMiddleware

    def view(request):
        with transaction.atomic():
            audit_log(action="test.touched", actor=chief, obj=chief)
        return HttpResponse("ok")

    stack = RequestMiddleware(AuditContextMiddleware(view))
    response = stack(RequestFactory().post("/x", HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef"))
    assert response["X-Request-ID"] == "0123456789abcdef0123456789abcdef"
    assert AuditEvent.objects.get(action="test.touched").request_id == "0123456789abcdef0123456789abcdef"

    response = stack(RequestFactory().post("/x", HTTP_X_REQUEST_ID="bad id!"))  # not ours to trust: replaced
    assert response["X-Request-ID"] != "bad id!"
    assert AuditEvent.objects.filter(action="test.touched").last().request_id == response["X-Request-ID"]


def test_json_log_lines_carry_the_request_id():
    from onewindow.operations.logs import request_id_var

    record = logging.LogRecord("onewindow", logging.WARNING, __file__, 1, "签收 %s", ("ok",), None)
    token = request_id_var.set("abcdef0123456789")
    try:
        RequestFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "abcdef0123456789" and line["message"] == "签收 ok" and line["level"] == "WARNING"
