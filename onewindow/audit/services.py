"""Writing, chaining and verifying the audit log. Services call `audit_log` inside their own transaction; it
takes no lock, so writers never queue behind each other. The sealer (`audit_seal`, on the task worker after
each commit, and before `audit verify`, `audit anchor` and a backup) chains committed events one at a time."""

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
    """Record one event. Must run inside the transaction of the change it records. Takes no lock: the event
    is stored unchained, keyed by its content's HMAC, and the sealer chains it once the transaction commits
    (`audit_seal`, a task enqueued on commit)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_log must be called inside the transaction of the change")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
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
        # Round-trip through the JSON encoder first so the hashes cover exactly what is stored.
        changes=_stored_form(changes or {}),
        source=ctx.source,
        client_ip=ctx.client_ip,
        request_id=ctx.request_id,
    )
    event.mac = keys.event_mac(event.compute_hash(prev_hash=""))
    event.save()
    _seal_after_commit()
    return event


def _seal_after_commit() -> None:
    """One sealing task per transaction, enqueued when it commits (a rolled-back change leaves no event): a
    new one unless one is registered that lives as long as this event (outside any savepoint not enclosing it)."""
    connection = transaction.get_connection()
    enclosing = set(connection.savepoint_ids)
    if not any(callback is _enqueue_seal and savepoints <= enclosing
               for savepoints, callback, _robust in connection.run_on_commit):
        transaction.on_commit(_enqueue_seal, robust=True)


def _enqueue_seal() -> None:
    """A sealing task, unless one is already waiting in the queue: a task not started yet chains everything
    committed before it runs, this transaction's events included (one queue row per write otherwise)."""
    from django_tasks_db.models import DBTaskResult

    from .tasks import audit_seal_task

    if DBTaskResult.objects.ready().filter(task_path=audit_seal_task.module_path).exists():
        return
    audit_seal_task.enqueue()


def audit_seal(*, batch_size: int = 1000) -> int:
    """Chain the committed events that are not chained yet, in id order, each linked to the one before it,
    and key the new head. One sealer at a time (it alone locks the head row); each batch is one transaction,
    so a sealer killed midway leaves the chain as it was. An event whose content no longer matches the
    writer's key is left unchained (`audit_verify` reports it). Returns how many events were chained."""
    sealed, after = 0, 0
    while True:
        with transaction.atomic():
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
            events = list(AuditEvent.objects.filter(position__isnull=True, id__gt=after).order_by("id")[:batch_size])
            prev, count = head.last_hash, head.count
            for event in events:
                if not keys.event_mac_valid(event.compute_hash(prev_hash=""), event.mac):
                    continue
                count, digest = count + 1, event.compute_hash(prev)
                AuditEvent.objects.seal(event.pk, position=count, prev_hash=prev, hash=digest)
                prev = digest
            if count != head.count:
                AuditChainHead.objects.filter(pk=1).update(last_hash=prev, count=count,
                                                           mac=keys.head_mac(count, prev))
        sealed += count - head.count
        if len(events) < batch_size:
            return sealed
        after = events[-1].id


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
    pending: int = 0  # committed events the sealer has not chained yet (not a failure)


def audit_verify(*, seal: bool = True, batch_size: int = 5000) -> VerifyResult:
    """Chain what is pending (unless seal=False), then walk the chain in order; report the first event whose
    link or content hash is wrong, a head that does not match the last event or is not keyed (a recomputed
    chain, a cut tail), any signed anchor the table no longer reaches (a tail cut back to an older head), and
    an unchained event whose content does not match its writer's key. Unchained events are counted as pending."""
    if seal:
        audit_seal()
    anchors = keys.anchors_read()
    for payload, reason in anchors:
        if payload is None:
            return VerifyResult(False, 0, None, reason)
    wanted = {payload["count"]: payload["last_hash"] for payload, _reason in anchors}
    prev = GENESIS
    checked = 0
    # The head first: events a sealer chains while this runs lie beyond it and are left for the next check.
    head = AuditChainHead.objects.filter(pk=1).first()
    chain = AuditEvent.objects.filter(position__isnull=False, position__lte=head.count if head else 0)
    chain = chain.order_by("position")
    for event in chain.iterator(chunk_size=batch_size):
        if event.prev_hash != prev or event.position != checked + 1:
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
    if head and (checked or head.count) and head.last_hash != prev:
        return VerifyResult(False, checked, None, "chain head does not match the last event (events removed?)")
    if head and (checked or head.count) and (head.count != checked or not keys.head_mac_valid(head.count, head.last_hash, head.mac)):
        return VerifyResult(False, checked, None, "chain head is not keyed by this installation (chain recomputed "
                                                  "or cut outside the application)")
    pending = 0
    for event in AuditEvent.objects.filter(position__isnull=True).order_by("id").iterator(chunk_size=batch_size):
        if not keys.event_mac_valid(event.compute_hash(prev_hash=""), event.mac):
            return VerifyResult(False, checked, event.id, "an unchained event does not match its writer's key "
                                                          "(altered, or not written by the application)")
        pending += 1
    return VerifyResult(True, checked, pending=pending)


def audit_anchor() -> dict:
    """Sign the current head into the anchor file (kept outside the database); verifies the chain first
    so a tampered chain is never anchored (and chains what is pending, so the anchor covers it)."""
    result = audit_verify()
    if not result.ok:
        raise RuntimeError(f"the audit chain does not verify: {result.reason}")
    head = AuditChainHead.objects.filter(pk=1).first()
    return keys.anchor_write(count=head.count if head else 0, last_hash=head.last_hash if head else GENESIS)
