"""Signatures over outbound bodies. Pluggable by name so that SM3 (or another) can be added."""

import hashlib
import hmac


def hmac_sha256(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


SIGNERS = {"hmac-sha256": hmac_sha256}


def sign(algorithm: str, body: bytes, secret: str) -> str:
    return SIGNERS[algorithm](body, secret)


def verify(algorithm: str, body: bytes, secret: str, signature: str) -> bool:
    return hmac.compare_digest(sign(algorithm, body, secret), signature or "")
