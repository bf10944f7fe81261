"""Pluggable SMS delivery for one-time codes and notifications.

The backend is chosen by the `PORTAL_SMS_BACKEND` setting (settings.py reads the environment):
- "console" (default): writes the message to the log, for development;
- "file": appends one JSON line per message to `PORTAL_SMS_FILE` (default var/sms.jsonl);
- "memory": keeps messages in `outbox` (tests);
- "http": POSTs {"mobile", "text"} as JSON to `PORTAL_SMS_HTTP_URL` with `PORTAL_SMS_HTTP_TOKEN` as a
  bearer token, for a gateway adapter run by the operator.
Sending never raises into the caller: a failed send is logged, because the inbox keeps the message.
"""

import json
import logging
import threading
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)
outbox: list["Sms"] = []
_file_lock = threading.Lock()


@dataclass(frozen=True)
class Sms:
    mobile: str
    text: str


def _console(message: Sms) -> None:
    logger.info("SMS to %s: %s", message.mobile, message.text)


def _file(message: Sms) -> None:
    path = settings.PORTAL_SMS_FILE
    line = json.dumps({"at": timezone.now().isoformat(), "mobile": message.mobile, "text": message.text},
                      ensure_ascii=False)
    with _file_lock, open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def _memory(message: Sms) -> None:
    outbox.append(message)


def _http(message: Sms) -> None:
    url = settings.PORTAL_SMS_HTTP_URL
    if not url:
        raise RuntimeError("PORTAL_SMS_HTTP_URL is not set")
    body = json.dumps({"mobile": message.mobile, "text": message.text}, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {settings.PORTAL_SMS_HTTP_TOKEN}"})
    with urllib.request.urlopen(request, timeout=settings.PORTAL_SMS_HTTP_TIMEOUT) as response:
        if response.status >= 300:
            raise RuntimeError(f"SMS gateway answered {response.status}")


BACKENDS = {"console": _console, "file": _file, "memory": _memory, "http": _http}


def sms_send(*, mobile: str, text: str) -> bool:
    """Send one message through the configured backend; True when handed over."""
    name = settings.PORTAL_SMS_BACKEND
    backend = BACKENDS.get(name)
    if backend is None:
        logger.error("Unknown PORTAL_SMS_BACKEND %r; message to %s not sent", name, mobile[-4:])
        return False
    try:
        backend(Sms(mobile=mobile, text=text))
    except Exception:  # a gateway outage must not break the action that triggered the message
        logger.exception("SMS to …%s failed", mobile[-4:])
        return False
    return True
