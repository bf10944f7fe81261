from onewindow.core.clients import client_ip_of

from .context import audit_context


class AuditContextMiddleware:
    """Marks every change made during a request as coming from the web (or the API) and its client."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = "api" if request.path.startswith("/api/") else "web"
        with audit_context(source=source, client_ip=client_ip_of(request),
                           request_id=getattr(request, "request_id", "")):
            return self.get_response(request)
