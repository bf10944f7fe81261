"""Failure counters in the cache: sign-in per account and per address, progress queries per case and
per address. A blocked key stays blocked until its window passes; success clears the account's count."""

from django.core.cache import cache

from .sms import config

WINDOW_SECONDS = int(config("PORTAL_THROTTLE_SECONDS", "900"))
LIMITS = {"account": 5, "address": 20, "case": 5}


def _key(scope: str, kind: str, value: str) -> str:
    return f"portal:fail:{scope}:{kind}:{value}"


def blocked(scope: str, **values: str) -> bool:
    """True when any of the given keys (kind=value) has reached its limit."""
    return any((cache.get(_key(scope, kind, value)) or 0) >= LIMITS[kind] for kind, value in values.items() if value)


def failed(scope: str, **values: str) -> None:
    for kind, value in values.items():
        if not value:
            continue
        key = _key(scope, kind, value)
        cache.add(key, 0, timeout=WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=WINDOW_SECONDS)


def cleared(scope: str, **values: str) -> None:
    cache.delete_many([_key(scope, kind, value) for kind, value in values.items() if value])
