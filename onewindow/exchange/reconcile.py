"""Comparing what we delivered on a day with what the platform says it acknowledged."""

import json
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from .models import OutboxRow, PlatformProfile


@dataclass
class Reconciliation:
    day: date
    ours: Counter = field(default_factory=Counter)  # kind → rows we delivered
    theirs: Counter = field(default_factory=Counter)  # kind → rows the platform holds
    missing_at_platform: list[str] = field(default_factory=list)  # delivered by us, unknown to them
    unknown_to_us: list[str] = field(default_factory=list)  # held by them, not delivered by us that day
    pending: int = 0  # created that day, not yet delivered
    parked: int = 0

    @property
    def clean(self) -> bool:
        return not (self.missing_at_platform or self.unknown_to_us)


def fetch_platform_rows(profile: PlatformProfile, day: date) -> list[dict]:
    query = urllib.parse.urlencode({"date": day.isoformat()})
    url = profile.ack_url + ("&" if "?" in profile.ack_url else "?") + query
    with urllib.request.urlopen(url, timeout=profile.timeout_seconds) as response:
        return json.loads(response.read())["rows"]


def reconcile(profile: PlatformProfile, day: date, platform_rows: list[dict] | None = None) -> Reconciliation:
    if platform_rows is None:
        platform_rows = fetch_platform_rows(profile, day)
    result = Reconciliation(day=day)
    ours = {str(g): k for g, k in OutboxRow.objects.filter(
        profile=profile, status=OutboxRow.Status.DELIVERED, delivered_at__date=day).values_list("guid", "kind")}
    theirs = {r["guid"]: r["kind"] for r in platform_rows}
    result.ours.update(ours.values())
    result.theirs.update(theirs.values())
    result.missing_at_platform = sorted(set(ours) - set(theirs))
    result.unknown_to_us = sorted(set(theirs) - set(ours))
    created = OutboxRow.objects.filter(profile=profile, created_at__date=day)
    result.pending = created.filter(status=OutboxRow.Status.PENDING).count()
    result.parked = created.filter(status=OutboxRow.Status.DEAD).count()
    return result
