"""The outbox: enqueue in the caller's transaction, deliver in batches, retry, park, replay."""

import json
import logging
import random
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.audit.services import audit_log
from onewindow.core import clock
from onewindow.core.errors import NotFound

from . import destinations
from .destinations import destination_check
from .mapping import MappingMissing, load_mappings, platform_row
from .models import OutboxRow, PlatformProfile
from .signing import sign

log = logging.getLogger(__name__)



def profile_connect(*, name: str, endpoint_url: str, ack_url: str = "", secret: str = "", active: bool = True,
                    actor=None) -> PlatformProfile:
    """Point a platform profile at a receiver and switch it on or off (the admin's 平台配置, for scripts)."""
    with transaction.atomic():
        profile = PlatformProfile.objects.select_for_update().filter(name=name).first()
        if profile is None:
            raise NotFound(_("No platform profile named %(name)s.") % {"name": name}, code="profile_not_found")
        before = {"endpoint_url": profile.endpoint_url, "ack_url": profile.ack_url, "active": profile.active}
        profile.endpoint_url, profile.ack_url, profile.active = endpoint_url, ack_url, active
        if secret:
            profile.secret = secret
        profile.full_clean()
        profile.save()
        audit_log(action="exchange.profile_connected", actor=actor, obj=profile,
                  changes={"before": before, "after": {"endpoint_url": endpoint_url, "ack_url": ack_url,
                                                       "active": active, "secret_changed": bool(secret)}})
    return profile


def outbox_enqueue(*, kind: str, case_no: str, payload: dict, operation: str = OutboxRow.Operation.INSERT,
                   profiles: list[int] | None = None) -> int:
    """Record one event for every active reporting platform (or for the given callback profiles).

    Call inside the transaction of the change it reports.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_enqueue must run inside the transaction of the change it reports")
    if profiles is None:
        profiles = list(PlatformProfile.objects.filter(active=True, purpose=PlatformProfile.Purpose.REPORT)
                        .values_list("pk", flat=True))
    OutboxRow.objects.bulk_create([
        OutboxRow(profile_id=pk, kind=kind, case_no=case_no, payload=payload, operation=operation)
        for pk in profiles
    ])
    if profiles:
        transaction.on_commit(_wake_worker)
    return len(profiles)


def _wake_worker():
    from .tasks import deliver_outbox

    deliver_outbox.enqueue()


def backoff_seconds(attempts: int) -> float:
    """Exponential backoff with jitter: base·2^(n-1), capped, times a random factor in [0.5, 1]."""
    base, cap = settings.EXCHANGE_RETRY_BASE_SECONDS, settings.EXCHANGE_RETRY_CAP_SECONDS
    return min(cap, base * 2 ** max(attempts - 1, 0)) * random.uniform(0.5, 1.0)


@dataclass
class DeliveryReport:
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    parked: int = 0
    errors: list[str] = field(default_factory=list)


def _claim_batch(profile: PlatformProfile, now) -> list[OutboxRow]:
    """Take the next due rows, oldest first, skipping any case whose earlier row is still waiting.

    Claiming sets a lease (next_attempt_at in the future) and commits, so the HTTP call happens outside
    any transaction and a killed worker's rows come back after EXCHANGE_LEASE_SECONDS.
    """
    blocked = OutboxRow.objects.filter(
        profile=profile, case_no=OuterRef("case_no"), id__lt=OuterRef("id"),
    ).filter(Q(status=OutboxRow.Status.DEAD) | Q(status=OutboxRow.Status.PENDING, next_attempt_at__gt=now))
    with transaction.atomic():
        qs = (OutboxRow.objects.filter(profile=profile, status=OutboxRow.Status.PENDING)
              .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
              .exclude(Exists(blocked)).order_by("id"))
        if transaction.get_connection().features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        rows = list(qs[: profile.batch_size])
        OutboxRow.objects.filter(pk__in=[r.pk for r in rows]).update(
            next_attempt_at=now + timedelta(seconds=settings.EXCHANGE_LEASE_SECONDS))
    return rows


def deliver_batch(profile: PlatformProfile) -> DeliveryReport:
    """Send one batch to the profile's endpoint and record the outcome of every row."""
    report = DeliveryReport()
    now = clock.now()
    rows = _claim_batch(profile, now)
    if not rows:
        return report
    batch_no = f"{now:%Y%m%d%H%M%S}-{rows[0].pk}"
    sync_time = timezone.localtime(now).isoformat(timespec="seconds")
    mappings = load_mappings(profile)
    body_rows, sendable = [], []
    for row in rows:
        try:
            body_rows.append(platform_row(row, mappings, batch_no=batch_no, sync_time=sync_time,
                                          data_source=profile.data_source_code))
            sendable.append(row)
        except MappingMissing as exc:
            _park(row, str(exc.message))  # a configuration error: retrying cannot help
            report.parked += 1
            report.errors.append(str(exc.message))
    if not sendable:
        return report
    report.sent = len(sendable)
    try:
        acked = _post(profile, {"batch_no": batch_no, "rows": body_rows})
    except Exception as exc:  # network error, timeout, non-2xx, bad reply: the whole batch retries
        error = f"{type(exc).__name__}: {exc}"[:500]
        report.errors.append(error)
        for row in sendable:
            parked = _fail(row, profile, error)
            report.parked += parked
            report.failed += not parked
        return report
    for row in sendable:
        if str(row.guid) in acked:
            OutboxRow.objects.filter(pk=row.pk).update(status=OutboxRow.Status.DELIVERED, delivered_at=clock.now(),
                                                       batch_no=batch_no, attempts=row.attempts + 1,
                                                       next_attempt_at=None, last_error="")
            report.delivered += 1
        else:
            parked = _fail(row, profile, "not acknowledged")
            report.parked += parked
            report.failed += not parked
    return report


def _post(profile: PlatformProfile, body: dict) -> set[str]:
    data = json.dumps(body, ensure_ascii=False, sort_keys=True).encode()
    request = urllib.request.Request(profile.endpoint_url, data=data, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        "X-Signature-Algorithm": profile.signing,
        "X-Signature": sign(profile.signing, data, profile.secret),
        "X-Batch-No": body["batch_no"],
    })
    if profile.purpose == PlatformProfile.Purpose.CALLBACK:
        destination_check(profile.endpoint_url)  # again: the client's host may resolve elsewhere by now
        open_url = destinations.opener().open
    else:
        open_url = urllib.request.urlopen  # a platform the administrator configured
    with open_url(request, timeout=profile.timeout_seconds) as response:
        raw = response.read()
    if profile.purpose == PlatformProfile.Purpose.CALLBACK:
        return {row["row_guid"] for row in body["rows"]}  # a webhook receiver acknowledges with any 2xx
    reply = json.loads(raw or b"{}")
    if str(reply.get("code")) != "0":
        raise ValueError(f"platform refused the batch: {reply.get('msg') or reply}")
    return {str(g) for g in reply.get("acked", [])}


def _fail(row: OutboxRow, profile: PlatformProfile, error: str) -> bool:
    attempts = row.attempts + 1
    if attempts >= profile.max_attempts:
        _park(row, error, attempts=attempts)
        return True
    OutboxRow.objects.filter(pk=row.pk).update(
        attempts=attempts, last_error=error,
        next_attempt_at=clock.now() + timedelta(seconds=backoff_seconds(attempts)))
    return False


def _park(row: OutboxRow, error: str, *, attempts: int | None = None) -> None:
    OutboxRow.objects.filter(pk=row.pk).update(status=OutboxRow.Status.DEAD, last_error=error,
                                               attempts=attempts if attempts is not None else row.attempts,
                                               next_attempt_at=None)
    log.warning("outbox row %s parked: %s", row.guid, error)


def deliver_all(*, max_batches: int = 1000) -> DeliveryReport:
    """Deliver every due row of every active profile (the worker's job)."""
    total = DeliveryReport()
    for profile in PlatformProfile.objects.filter(active=True).exclude(endpoint_url=""):
        for _batch in range(max_batches):
            report = deliver_batch(profile)
            for name in ("sent", "delivered", "failed", "parked"):
                setattr(total, name, getattr(total, name) + getattr(report, name))
            total.errors += report.errors
            if report.sent + report.parked == 0 or report.delivered == 0:
                break
    return total


def next_due_at():
    """When the earliest waiting row becomes due again (None when nothing waits). Rows without a time are
    due now or wait behind an earlier row of their case, so only timed rows decide (and NULLs, which
    SQLite and PostgreSQL sort differently, stay out of the ordering)."""
    return (OutboxRow.objects.filter(status=OutboxRow.Status.PENDING, profile__active=True,
                                     next_attempt_at__isnull=False)
            .order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first())


def outbox_replay(*, rows, actor) -> int:
    """Put parked rows back in the queue (one by one or in bulk, from the admin or the CLI)."""
    with transaction.atomic():
        ids = list(rows.filter(status=OutboxRow.Status.DEAD).select_for_update().values_list("pk", flat=True))
        OutboxRow.objects.filter(pk__in=ids).update(status=OutboxRow.Status.PENDING, attempts=0,
                                                    next_attempt_at=None)
        if ids:
            audit_log(action="exchange.rows_replayed", actor=actor, object_type="exchange.outboxrow",
                      object_id=",".join(map(str, ids[:50])), changes={"count": len(ids)})
            transaction.on_commit(_wake_worker)
    return len(ids)
