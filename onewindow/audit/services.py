"""Writing and verifying the audit chain. Services call `audit_log` inside their own transaction."""

import datetime
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from onewindow.core import clock

from . import keys
from .context import current
from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def audit_log(*, action: str, actor=None, obj=None, changes: dict | None = None,
              object_type: str = "", object_id: str = "", object_repr: str = "") -> AuditEvent:
    """Append one event. Must run inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_log must be called inside the transaction of the change")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
    ctx = current()
    event = AuditEvent(
        # In UTC, as the database gives it back: the hash covers the stored instant's text, not a local form.
        at=clock.now().astimezone(datetime.UTC),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(actor)[:150] if actor is not None else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        changes=changes or {},
        source=ctx.source,
        client_ip=ctx.client_ip,
        request_id=ctx.request_id,
        prev_hash=head.last_hash,
    )
    # Round-trip through the JSON encoder first so the hash covers exactly what is stored.
    event.changes = _stored_form(event.changes)
    event.hash = event.compute_hash()
    event.save()
    count = head.count + 1
    AuditChainHead.objects.filter(pk=1).update(last_hash=event.hash, count=count,
                                               mac=keys.head_mac(count, event.hash))
    return event


def _stored_form(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def field_changes(before: dict, after: dict) -> dict:
    """{"field": [old, new]} for the fields whose value differs."""
    return {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    reason: str = ""


def audit_verify(*, batch_size: int = 5000) -> VerifyResult:
    """Walk the chain in order; report the first event whose link or content hash is wrong, a head that
    does not match the last event or is not keyed (a recomputed chain, a cut tail), and any signed anchor
    the table no longer reaches (a tail cut back to an older head)."""
    anchors = keys.anchors_read()
    for payload, reason in anchors:
        if payload is None:
            return VerifyResult(False, 0, None, reason)
    wanted = {payload["count"]: payload["last_hash"] for payload, _reason in anchors}
    prev = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != prev:
            return VerifyResult(False, checked, event.id, "previous-hash link broken")
        if event.compute_hash() != event.hash:
            return VerifyResult(False, checked, event.id, "content does not match its hash")
        prev = event.hash
        checked += 1
        if checked in wanted and wanted.pop(checked) != prev:
            return VerifyResult(False, checked, event.id, "event differs from the signed anchor (chain rewritten)")
    if wanted:
        return VerifyResult(False, checked, None, f"a signed anchor covers {max(wanted)} events but the chain "
                                                  f"has {checked} (events removed)")
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and checked and head.last_hash != prev:
        return VerifyResult(False, checked, None, "chain head does not match the last event (events removed?)")
    if head and checked and (head.count != checked or not keys.head_mac_valid(head.count, head.last_hash, head.mac)):
        return VerifyResult(False, checked, None, "chain head is not keyed by this installation (chain recomputed "
                                                  "or cut outside the application)")
    return VerifyResult(True, checked)


def audit_anchor() -> dict:
    """Sign the current head into the anchor file (kept outside the database); verifies the chain first
    so a tampered chain is never anchored."""
    result = audit_verify()
    if not result.ok:
        raise RuntimeError(f"the audit chain does not verify: {result.reason}")
    head = AuditChainHead.objects.filter(pk=1).first()
    return keys.anchor_write(count=head.count if head else 0, last_hash=head.last_hash if head else GENESIS)
