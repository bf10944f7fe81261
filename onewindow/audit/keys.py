"""The audit chain's head key and signed anchors, both kept outside the database.

- Event keys: the writer keys each event's content digest (HMAC-SHA256 with the same key), so the sealer
  chains only events the application wrote, unaltered.
- The head key: HMAC-SHA256 over "<count>:<last hash>", keyed by ONEWINDOW_AUDIT_KEY (settings) or, when
  that is empty, by a key derived from SECRET_KEY. Neither is stored in the database.
- Anchors: `onewindow audit anchor` (run it from cron, e.g. hourly) signs the head with the department's
  Ed25519 key (the certificate signing key) and appends it to ONEWINDOW_AUDIT_ANCHOR_FILE, one JSON line
  each. Publish or copy that file elsewhere; anyone can check it with /verify/public-key.pem.
"""

import hashlib
import hmac
import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from onewindow.core import signing

ANCHOR_FORMAT = "onewindow-audit-anchor/1"


def _key() -> bytes:
    configured = getattr(settings, "ONEWINDOW_AUDIT_KEY", "")
    if configured:
        return configured.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"onewindow-audit-head", hashlib.sha256).digest()


def head_mac(count: int, last_hash: str) -> str:
    return hmac.new(_key(), f"{count}:{last_hash}".encode(), hashlib.sha256).hexdigest()


def event_mac(content_digest: str) -> str:
    return hmac.new(_key(), f"event:{content_digest}".encode(), hashlib.sha256).hexdigest()


def event_mac_valid(content_digest: str, mac: str) -> bool:
    return bool(mac) and hmac.compare_digest(event_mac(content_digest), mac)


def head_mac_valid(count: int, last_hash: str, mac: str) -> bool:
    return bool(mac) and hmac.compare_digest(head_mac(count, last_hash), mac)


def anchor_path() -> Path:
    return Path(getattr(settings, "ONEWINDOW_AUDIT_ANCHOR_FILE", "") or Path(settings.VAR_DIR) / "audit-anchors.jsonl")


def anchor_write(*, count: int, last_hash: str) -> dict:
    """Sign the head and append it to the anchor file."""

    payload = {"format": ANCHOR_FORMAT, "count": count, "last_hash": last_hash, "at": timezone.now().isoformat()}
    signature, key_id = signing.sign(payload)
    line = {"payload": payload, "signature": signature, "key_id": key_id}
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(line, sort_keys=True) + "\n")
    return line


def anchors_read() -> list[tuple[dict | None, str]]:
    """Every anchor in the file as (payload, "") when its signature verifies, else (None, reason)."""

    path = anchor_path()
    if not path.exists():
        return []
    public_key = signing.signing_key().public_key()
    result = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            line = json.loads(text)
            payload, signature = line["payload"], line["signature"]
        except (ValueError, KeyError, TypeError):
            result.append((None, f"anchor line {number} is not readable"))
            continue
        if (line.get("key_id") != signing.key_id(public_key) or payload.get("format") != ANCHOR_FORMAT
                or not signing.signature_valid(payload, signature, public_key)):
            result.append((None, f"anchor line {number} does not verify"))
            continue
        result.append((payload, ""))
    return result
