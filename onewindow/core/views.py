from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from onewindow import __version__


@require_GET
@never_cache
def livez(request):
    """Public: liveness only (the process answers), no database. Also the ceiling `make bench` measures
    every page against: the full middleware stack with nothing behind it."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@never_cache
def healthz(request):
    """Public: liveness and database reachability for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unreachable", "error": type(exc).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor, "version": __version__})
