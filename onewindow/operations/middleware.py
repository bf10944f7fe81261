import re
import time
import uuid

from . import metrics
from .logs import request_id_var

# nginx passes its own $request_id (32 hex digits); anything else from outside is replaced.
_VALID_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class RequestMiddleware:
    """First in the stack: gives every request an id (logs, audit events, the X-Request-ID response header)
    and records its latency under the name of the view that served it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match and match.view_name else "<unresolved>"
        metrics.observe(view=view, method=request.method, status=response.status_code,
                        seconds=time.perf_counter() - started)
        response["X-Request-ID"] = request.request_id
        return response
