"""The department's Ed25519 signing key (certificates, volunteer certificates, audit anchors) and the
canonical form of a signed record.

The key lives in a PEM file: $ONEWINDOW_SIGNING_KEY_FILE, or <VAR_DIR>/signing_key.pem, created on first
use. Anyone can check a record offline with the public key published at /verify/public-key.pem.
"""

import base64
import hashlib
import json
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

RECORD_FORMAT = "onewindow-certificate/1"
ALGORITHM = "Ed25519"


def key_path() -> Path:
    return Path(settings.ONEWINDOW_SIGNING_KEY_FILE)


def signing_key() -> Ed25519PrivateKey:
    """Load the private key, generating it the first time (O_EXCL, so two processes never race)."""
    path = key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first: use theirs
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def public_key_pem(key: Ed25519PrivateKey | None = None) -> bytes:
    key = key or signing_key()
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short fingerprint naming the key that signed a record (SHA-256 of the raw key, 16 hex digits)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def canonical_json(payload: dict) -> bytes:
    """Sorted keys, no spaces, UTF-8: the exact bytes that are signed."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def sign(payload: dict) -> tuple[str, str]:
    """(base64 signature, key id) for the payload."""
    key = signing_key()
    return base64.b64encode(key.sign(canonical_json(payload))).decode(), key_id(key.public_key())


def signature_valid(payload: dict, signature_b64: str, public_key: Ed25519PublicKey) -> bool:
    try:
        public_key.verify(base64.b64decode(signature_b64, validate=True), canonical_json(payload))
    except (InvalidSignature, ValueError):
        return False
    return True


def record_valid(record: dict, public_key: Ed25519PublicKey) -> tuple[bool, str]:
    """Check an exported record: (ok, reason in English for the CLI)."""
    if record.get("format") != RECORD_FORMAT or record.get("algorithm") != ALGORITHM:
        return False, "unknown record format"
    payload, signature = record.get("payload"), record.get("signature")
    if not isinstance(payload, dict) or not isinstance(signature, str):
        return False, "record lacks payload or signature"
    if record.get("key_id") != key_id(public_key):
        return False, "signed with a different key"
    if not signature_valid(payload, signature, public_key):
        return False, "signature does not match the data (tampered or corrupted)"
    return True, "signature valid"


def certificate_authentic(certificate) -> bool:
    """Does the stored record still verify? Checked on every public verification: the signature over the
    printed data with this installation's key, and the signed data naming this certificate (its token in
    the verify URL, its number and kind), so neither a rewritten record nor a moved token passes."""
    payload = certificate.printed if isinstance(certificate.printed, dict) else {}
    public_key = signing_key().public_key()
    return (certificate.key_id == key_id(public_key)
            and str(payload.get("verify_url", "")).endswith(f"/verify/{certificate.token}")
            and payload.get("number") == certificate.number and payload.get("kind") == certificate.kind
            and signature_valid(payload, certificate.signature, public_key))
