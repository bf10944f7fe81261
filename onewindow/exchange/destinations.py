"""Where status callbacks may go. A platform client names its callback URL, so without a check it could
make this server POST to itself, to the cloud metadata address or to the department's internal network
(server-side request forgery). A callback goes only to http(s) on a public address: every address the host
resolves to must be global (not loopback, link-local, private, reserved or multicast), checked when the
client subscribes and again before each delivery (the name may have been re-pointed since). Redirects are
not followed. An administrator allows an internal receiver by naming its host in
ONEWINDOW_CALLBACK_ALLOWED_HOSTS."""

import ipaddress
import socket
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from onewindow.core.errors import ValidationFailed

SECRET_MIN_LENGTH = 32


def _refuse(message: str):
    raise ValidationFailed(message, code="bad_callback_url", details={"callback_url": "refused"})


def destination_check(url: str) -> None:
    """Refuse (ValidationFailed) a callback URL that is not http(s) to a public address."""
    try:
        parts = urlsplit(url or "")
        host, port = parts.hostname, parts.port
    except ValueError:
        _refuse(_("The callback address must be an http(s) URL."))
    if parts.scheme not in ("http", "https") or not host or len(url) > 500:
        _refuse(_("The callback address must be an http(s) URL."))
    if host.lower() in {h.lower() for h in getattr(settings, "ONEWINDOW_CALLBACK_ALLOWED_HOSTS", ())}:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)}
    except (OSError, UnicodeError):
        _refuse(_("The callback host cannot be resolved."))
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            _refuse(_("Callbacks go only to public internet addresses; ask an administrator to allow an "
                      "internal receiver."))


def secret_check(secret: str) -> None:
    if secret and len(secret) < SECRET_MIN_LENGTH:
        raise ValidationFailed(_("A callback secret needs at least %(n)d characters.") % {"n": SECRET_MIN_LENGTH},
                               code="weak_callback_secret", details={"secret": "too_short"})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a 3xx is a failed delivery, never a second request elsewhere


def opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_NoRedirect)
