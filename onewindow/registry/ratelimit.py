"""A fixed-window request limit per client address for the public pages (Django cache).

Only REMOTE_ADDR is trusted: a proxy in front must set it (e.g. via its own header rewriting), because a
client-supplied X-Forwarded-For would let anyone pick a fresh address per request.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from onewindow.core.errors import ServiceError

DEFAULT_LIMIT = 60  # requests per client and scope per window
WINDOW_SECONDS = 60


def rate_limited(request, scope: str) -> bool:
    """Count this request; True when the client has gone over the limit for `scope` in this window."""
    limit = getattr(settings, "ONEWINDOW_PUBLIC_RATE_LIMIT", DEFAULT_LIMIT)
    address = request.META.get("REMOTE_ADDR") or "unknown"
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
