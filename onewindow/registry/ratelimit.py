"""The public pages' request limit per client address (register search, certificate verification): the
"public" policy of the one rate limiter, `core/ratelimit.py`."""

from onewindow.audit.context import client_ip_of
from onewindow.core import ratelimit
from onewindow.core.errors import RateLimited

__all__ = ["RateLimited", "check_rate", "rate_limited"]


def rate_limited(request, scope: str, limit: int | None = None) -> bool:
    """Count this request; True when the client has gone over the limit (default: the public policy's) for
    `scope` in this window."""
    return not ratelimit.hit("public", f"{scope}:{client_ip_of(request) or 'unknown'}", limit=limit or None)


def check_rate(request, scope: str) -> None:
    """Raise `RateLimited` (a structured 429 in the API) when the client is over the limit."""
    if rate_limited(request, scope):
        raise RateLimited()
