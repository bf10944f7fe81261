import hmac

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from onewindow.core.clients import client_ip_of

from . import metrics, state


def _may_read_metrics(request) -> bool:
    """The configured bearer token, or a configured client address (the proxy's or Prometheus's own)."""
    token = settings.ONEWINDOW_METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and given and hmac.compare_digest(given.encode(), token.encode()):
        return True
    return client_ip_of(request) in settings.ONEWINDOW_METRICS_ADDRESSES


@require_GET
@never_cache
def metrics_view(request):
    """Operators only: the token or an allowed address (ONEWINDOW_METRICS_*); closed when neither is set."""
    if not _may_read_metrics(request):
        return JsonResponse({"code": "forbidden", "message": _("Metrics are not open to this client.")}, status=403)
    return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)


@require_GET
@never_cache
def readyz(request):
    """Public (counts only): may this server take traffic? For the load balancer: 503 when the database or the
    cache does not answer. The worker and the outbox are reported ("degraded" when their oldest waiting item
    is older than ONEWINDOW_READY_MAX_LAG_SECONDS) but do not take the server out: a stuck worker or an
    unreachable provincial platform is the same on every server, and the counter must stay open."""
    from django.core.cache import cache

    checks: dict = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any database failure means "not ready"
        return JsonResponse({"status": "error", "database": type(exc).__name__}, status=503)
    try:
        cache.set("readyz", 1, timeout=5)
        checks["cache"] = "ok" if cache.get("readyz") == 1 else "error"
    except Exception as exc:  # Redis down or unreachable
        checks["cache"] = type(exc).__name__
    lag = settings.ONEWINDOW_READY_MAX_LAG_SECONDS
    tasks, outbox = state.task_queue(), state.outbox_backlog()
    checks["worker"] = {"due_tasks": tasks.count, "oldest_seconds": round(tasks.oldest_seconds),
                        "fresh": tasks.oldest_seconds <= lag}
    checks["outbox"] = {"pending": outbox.count, "oldest_seconds": round(outbox.oldest_seconds),
                        "fresh": outbox.oldest_seconds <= lag}
    fresh = checks["worker"]["fresh"] and checks["outbox"]["fresh"]
    status = "error" if checks["cache"] != "ok" else ("ok" if fresh else "degraded")
    return JsonResponse({"status": status, **checks}, status=503 if status == "error" else 200)
