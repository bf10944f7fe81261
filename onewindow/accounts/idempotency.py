"""Idempotent API requests: a caller (a person's or a platform client's account) that repeats a request with
the same Idempotency-Key (or client reference) gets the first answer, not a second effect."""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from onewindow.core.errors import Conflict

from .models import IdempotencyRecord


def request_hash(payload) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def idempotent(*, user, key: str, payload, run) -> tuple[int, dict, bool]:
    """Run `run()` (→ (status, body)) once per (user, key); later calls get the first answer.

    Returns (status, body, replayed). The same key with a different request is a conflict. `run` and the
    record commit together, so a concurrent duplicate rolls back whatever its `run` created.
    """
    digest = request_hash(payload)
    existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if existing is None:
        try:
            with transaction.atomic():
                status, body = run()
                stored = json.loads(json.dumps(body, cls=DjangoJSONEncoder))  # datetimes as ISO text
                IdempotencyRecord.objects.create(
                    user=user, key=key, request_hash=digest, status=status, body=stored
                )
                return status, body, False
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
            if existing is None:
                raise
    if existing.request_hash != digest:
        raise Conflict(
            _("This idempotency key was used for a different request."), code="idempotency_key_reused"
        )
    return existing.status, existing.body, True
