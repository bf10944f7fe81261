"""Who is asking: the client's address as the trusted reverse proxy reports it (for limits and the audit log)."""

import ipaddress

from django.conf import settings


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
