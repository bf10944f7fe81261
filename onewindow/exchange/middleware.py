import time

from .models import ApiRequestLog


class PlatformRequestLogMiddleware:
    """Logs every API request made with a platform client's token: method, path, status, time.

    Bodies and query strings are never stored (they can carry ID numbers and names).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        started = time.monotonic()
        response = self.get_response(request)
        token = getattr(request, "api_token", None)
        client = getattr(getattr(token, "user", None), "platform_client", None) if token else None
        if client is not None:
            ApiRequestLog.objects.create(client=client, method=request.method, path=request.path[:200],
                                         status=response.status_code,
                                         duration_ms=int((time.monotonic() - started) * 1000))
        return response
