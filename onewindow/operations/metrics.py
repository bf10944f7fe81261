"""Prometheus metrics with prometheus-client: request latency by view and throttle refusals (instrumented in
`middleware.RequestMiddleware`), and the domain gauges read from the database at each scrape.

Under gunicorn each worker process counts its own requests; set PROMETHEUS_MULTIPROC_DIR (the systemd unit
does) so that a scrape of any worker reports the whole server (prometheus-client's multiprocess mode).
"""

from django.conf import settings
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY

from . import state

_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

REQUEST_LATENCY = Histogram(
    "onewindow_request_duration_seconds", "Time from the first middleware to the response, by view.",
    ["view", "method"], buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
THROTTLED = Counter("onewindow_throttled_requests", "Requests refused with 429 (rate limits, throttles), by view.",
                    ["view"])


def observe(*, view: str, method: str, status: int, seconds: float) -> None:
    method = method if method in _METHODS else "other"  # bounded label values
    REQUEST_LATENCY.labels(view, method).observe(seconds)
    if status == 429:
        THROTTLED.labels(view).inc()


class DomainCollector:
    """Gauges that are facts of the database, the same whichever process is scraped."""

    def collect(self):
        cases = GaugeMetricFamily("onewindow_cases", "Cases by state.", labels=["state"])
        for name, count in sorted(state.cases_by_state().items()):
            cases.add_metric([name], count)
        yield cases
        outbox, tasks = state.outbox_backlog(), state.task_queue()
        yield GaugeMetricFamily("onewindow_outbox_pending", "Outbox rows not yet delivered (active profiles).",
                                value=outbox.count)
        yield GaugeMetricFamily("onewindow_outbox_oldest_pending_seconds", "Age of the oldest pending outbox row.",
                                value=outbox.oldest_seconds)
        yield GaugeMetricFamily("onewindow_task_queue_depth", "Tasks due and not yet started by a worker.",
                                value=tasks.count)
        yield GaugeMetricFamily("onewindow_task_queue_oldest_seconds", "How long the oldest due task has waited.",
                                value=tasks.oldest_seconds)
        yield GaugeMetricFamily("onewindow_tasks_failed", "Tasks that ended in failure (kept rows).",
                                value=state.task_failures())


_domain = CollectorRegistry(auto_describe=False)
_domain.register(DomainCollector())


def exposition() -> bytes:
    """The text a scrape receives: process metrics (all workers in multiprocess mode), then the gauges."""
    if settings.PROMETHEUS_MULTIPROC_DIR:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry) + generate_latest(_domain)
