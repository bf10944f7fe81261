"""Where the current change comes from (web, API, worker, CLI) and the client's address."""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class AuditContext:
    source: str = "system"
    client_ip: str | None = None


_DEFAULT = AuditContext()
_current: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar("audit_context", default=None)


def current() -> AuditContext:
    return _current.get() or _DEFAULT


@contextmanager
def audit_context(*, source: str, client_ip: str | None = None):
    token = _current.set(AuditContext(source=source, client_ip=client_ip))
    try:
        yield
    finally:
        _current.reset(token)


def client_ip_of(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None
