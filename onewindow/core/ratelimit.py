"""One rate limiter with named policies (fixed windows, counted atomically in the database).

A policy names what is limited and how much: `hit(policy, who)` counts one attempt and says whether it is
within the limit. The count is incremented before the caller does the guarded thing, so concurrent
requests cannot all pass a check made before any of them was counted (the old progress throttle let 8–19
guesses through a limit of 5). Clients are identified by `core.clients.client_ip_of` (REMOTE_ADDR, or the
address a trusted reverse proxy reports; never a client-supplied header otherwise)."""

import datetime
import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .clients import client_ip_of
from .errors import RateLimited
from .models import RateCounter


@dataclass(frozen=True)
class Policy:
    limit: int
    window_seconds: int
    setting: str = ""  # a setting that overrides the limit

    @property
    def current_limit(self) -> int:
        return int(getattr(settings, self.setting, self.limit)) if self.setting else self.limit


POLICIES = {
    # Public read pages and their API (register search, certificate verification), per address.
    "public": Policy(60, 60, "ONEWINDOW_PUBLIC_RATE_LIMIT"),
    # Progress query guesses: per case and per address.
    "progress.case": Policy(5, 900),
    "progress.address": Policy(20, 900),
    # Portal sign-in failures: per account and per address.
    "signin.account": Policy(5, 900),
    "signin.address": Policy(20, 900),
    # Staff sign-in failures (workbench and admin): per account and per address; lifted by `signin unlock`.
    "staff_signin.account": Policy(5, 900, "ONEWINDOW_STAFF_SIGNIN_ACCOUNT_LIMIT"),
    "staff_signin.address": Policy(20, 900, "ONEWINDOW_STAFF_SIGNIN_ADDRESS_LIMIT"),
    # Sign-up / sign-in SMS codes per address (the per-number limits live with the codes).
    "sms.address": Policy(20, 3600, "ONEWINDOW_SMS_ADDRESS_LIMIT"),
    # Wrong SMS codes on the residents' satisfaction survey (evaluations), per address.
    "survey.address": Policy(20, 900),
    # Binding by the legal representative (portal/binding.py): attempts per account, matched or not.
    "binding.account": Policy(5, 3600),
    # Anonymous uploads (sign-up authorisation letters) per address.
    "upload.address": Policy(20, 3600),
    # Platform token endpoint, per client id and address.
    "exchange.token": Policy(20, 60),
    # A personal API token's own per-minute limit (ApiToken.rate_limit, passed as `limit`).
    "api.token": Policy(0, 60),
}


def _row_key(name: str, who: str) -> str:
    return hashlib.sha256(f"{name}\x00{who}".encode()).hexdigest()


def _window(policy: Policy, now: datetime.datetime) -> int:
    return int(now.timestamp() // policy.window_seconds)


def _count(rows: list[tuple[str, int, datetime.datetime]]) -> dict[str, int]:
    """Add one to each (key, window, expires_at) counter and return the new counts by key, in one atomic
    statement (an upsert with RETURNING, which SQLite ≥ 3.35 and PostgreSQL both have). Rows go in key order,
    so two statements that share counters lock them in the same order and cannot deadlock."""
    table, q = RateCounter._meta.db_table, connection.ops.quote_name
    rows = sorted(rows)
    sql = (f"INSERT INTO {q(table)} ({q('key')}, {q('window')}, {q('count')}, {q('expires_at')}) "
           f"VALUES {', '.join(['(%s, %s, 1, %s)'] * len(rows))} ON CONFLICT ({q('key')}, {q('window')}) "
           f"DO UPDATE SET {q('count')} = {q(table)}.{q('count')} + 1 RETURNING {q('key')}, {q('count')}")
    params = [value for key, window, expires_at in rows
              for value in (key, window, connection.ops.adapt_datetimefield_value(expires_at))]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


SWEEP_SECONDS = 60
_next_sweep = 0.0  # the monotonic time after which this process next drops passed windows


def _sweep(now: datetime.datetime) -> None:
    """Drop the windows that have passed (indexed on expires_at), at most once a minute per process. (Sweeping
    on every new window swept on every query of a followed case, whose right answers are refunded to 0.)"""
    global _next_sweep
    if time.monotonic() >= _next_sweep:
        _next_sweep = time.monotonic() + SWEEP_SECONDS
        RateCounter.objects.filter(expires_at__lt=now).delete()


def _counted(limits, *, limit: int | None = None) -> bool:
    """Count one attempt under each distinct (policy, who) pair; True when every count is within its limit."""
    now = timezone.now()
    pairs = {(name, who): _row_key(name, who) for name, who in limits if who}
    if not pairs:
        return True
    counts = _count([(key, _window(POLICIES[name], now),
                      now + datetime.timedelta(seconds=POLICIES[name].window_seconds))
                     for (name, _who), key in pairs.items()])
    _sweep(now)
    return all(counts[key] <= (POLICIES[name].current_limit if limit is None else limit)
               for (name, _who), key in pairs.items())


def hit(name: str, who: str, *, limit: int | None = None) -> bool:
    """Count one attempt of `who` under policy `name`; True while within the limit (this attempt included).
    Concurrent attempts each get their own count, so no more than the limit can pass."""
    return _counted([(name, who)], limit=limit)


def over(name: str, who: str) -> bool:
    """True when `who` has used up policy `name` in this window (counts nothing)."""
    policy = POLICIES[name]
    count = (RateCounter.objects.filter(key=_row_key(name, who), window=_window(policy, timezone.now()))
             .values_list("count", flat=True).first() or 0)
    return count >= policy.current_limit


def clear(name: str, who: str) -> None:
    RateCounter.objects.filter(key=_row_key(name, who)).delete()


def attempt(*limits: tuple[str, str]) -> bool:
    """Count one attempt under each (policy, who) pair, in one statement; True when all are within their
    limits. Every pair is counted even when another is over, so an address cannot dodge its count by
    switching target."""
    return _counted(limits)


def refund(*limits: tuple[str, str]) -> None:
    """Give back one counted attempt under each (policy, who) pair, in one statement (e.g. a sign-in that
    succeeded counts as no failure). SQL as `_count`: the ORM's OR of pairs cost twice the statement."""
    now, table, q = timezone.now(), RateCounter._meta.db_table, connection.ops.quote_name
    rows = [(_row_key(name, who), _window(POLICIES[name], now)) for name, who in limits if who]
    if not rows:  # as `attempt`, a pair without a client counts nothing and gives nothing back
        return
    sql = (f"UPDATE {q(table)} SET {q('count')} = {q('count')} - 1 WHERE {q('count')} > 0 "
           f"AND ({q('key')}, {q('window')}) IN ({', '.join(['(%s, %s)'] * len(rows))})")
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


# --- the public pages' limit per client address (register search, certificate verification, the hall) --------

def rate_limited(request, scope: str, limit: int | None = None) -> bool:
    """Count this request under the "public" policy; True when the client has gone over the limit (default:
    the policy's) for `scope` in this window."""
    return not hit("public", f"{scope}:{client_ip_of(request) or 'unknown'}", limit=limit or None)


def check_rate(request, scope: str) -> None:
    """Raise `RateLimited` (a structured 429 in the API) when the client is over the limit."""
    if rate_limited(request, scope):
        raise RateLimited()
