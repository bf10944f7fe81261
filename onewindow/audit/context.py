"""Where the current change comes from (web, API, worker, CLI), the client's address and the request id."""

import contextvars
import ipaddress
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class AuditContext:
    source: str = "system"
    client_ip: str | None = None
    request_id: str = ""  # the id in the JSON logs of the request that made the change


_DEFAULT = AuditContext()
_current: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar("audit_context", default=None)


def current() -> AuditContext:
    return _current.get() or _DEFAULT


@contextmanager
def audit_context(*, source: str, client_ip: str | None = None, request_id: str = ""):
    token = _current.set(AuditContext(source=source, client_ip=client_ip, request_id=request_id))
    try:
        yield
    finally:
        _current.reset(token)


def client_ip_of(request) -> str | None:
    """The client's address: REMOTE_ADDR, unless that is one of ONEWINDOW_TRUSTED_PROXIES (the reverse
    proxy in front of the application), whose X-Forwarded-For entry is then used: the rightmost address not
    itself a trusted proxy. A header sent by anyone else is ignored, or each request could claim a new
    address and escape every per-address limit."""
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = set(getattr(settings, "ONEWINDOW_TRUSTED_PROXIES", ()))
    if remote is None or remote not in trusted:
        return remote
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        entry = entry.strip()
        if entry and entry not in trusted:
            try:
                return str(ipaddress.ip_address(entry))
            except ValueError:
                return remote  # a malformed header: count the proxy, not a made-up address
    return remote
