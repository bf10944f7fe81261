"""Where the current change comes from (web, API, worker, CLI), the client's address and the request id."""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass


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
