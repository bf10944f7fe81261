"""A fixed-window request limit per client address for the public pages (Django cache).

The address is the one the audit log records (REMOTE_ADDR): a client-supplied X-Forwarded-For is not
trusted, or anyone could pick a fresh address per request. The count lives in the default cache, so
several server processes need a shared cache backend to share one budget.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from onewindow.audit.context import client_ip_of
from onewindow.core.errors import ServiceError

DEFAULT_LIMIT = 60  # requests per client and scope per window
WINDOW_SECONDS = 60


def rate_limited(request, scope: str, limit: int | None = None) -> bool:
    """Count this request; True when the client has gone over the limit (default: the public one) for `scope`
    in this window."""
    limit = limit or getattr(settings, "ONEWINDOW_PUBLIC_RATE_LIMIT", DEFAULT_LIMIT)
    address = client_ip_of(request) or "unknown"
    key = f"ratelimit:{scope}:{address}:{int(time.time() // WINDOW_SECONDS)}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    return count > limit


class RateLimited(ServiceError):
    status = 429
    code = "rate_limited"

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("Too many requests; please try again in a minute."), **kwargs)


def check_rate(request, scope: str) -> None:
    """Raise `RateLimited` (a structured 429 in the API) when the client is over the limit."""
    if rate_limited(request, scope):
        raise RateLimited()
