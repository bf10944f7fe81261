"""Generations: the one way to invalidate cached results without purging them.

A cached result is filed under the current *generation* of what it was computed from (a number in the
shared default cache). A change replaces that generation, at once and again when its transaction commits:
a result computed in between, from rows about to change, is filed under a generation nobody asks for
again, and old entries simply expire. A generation that is missing (never set, or evicted by the cache)
is given a fresh value rather than a default, so an entry filed before the eviction is never read again.
Used by the public guide pages (catalog/pagecache.py), the monthly figures (stats/monthcache.py) and the
public progress pages (portal/progresscache.py)."""

import time
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction


def current(keys: Iterable[str]) -> dict[str, int]:
    """The generation under each key as of now."""
    keys = list(keys)
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        fresh = time.time_ns()
        for key in missing:
            cache.add(key, fresh, timeout=None)  # another process may have set it first: its value wins
        found.update(cache.get_many(missing))
    return found


def replace(keys: Iterable[str], *, then: Callable[[], None] | None = None) -> None:
    """Replace the generations under `keys` now and again when the current transaction commits; `then` runs
    after each replacement (e.g. to forget a process-local copy)."""
    keys = list(keys)

    def _set() -> None:
        bump(keys)
        if then is not None:
            then()

    _set()
    transaction.on_commit(_set)


def bump(keys: Iterable[str]) -> None:
    """Replace the generations under `keys` now only (for callers that run on commit themselves)."""
    cache.set_many(dict.fromkeys(keys, time.time_ns()), timeout=None)
