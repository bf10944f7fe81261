"""Default warning policies, the calendar state row and the first ordinal table."""

import uuid
from decimal import Decimal

from django.db import migrations

POLICIES = {
    "case": (Decimal("0.25"), 3),
    "correction_notice": (Decimal("0.00"), 2),
    "deficiency": (Decimal("0.30"), 2),
    "delivery": (Decimal("0.30"), 3),
    "rectification": (Decimal("0.30"), 2),
}


def forwards(apps, schema_editor):
    from onewindow.workdays import calendar

    WarningPolicy = apps.get_model("workdays", "WarningPolicy")
    CalendarState = apps.get_model("workdays", "CalendarState")
    WorkdayOrdinal = apps.get_model("workdays", "WorkdayOrdinal")
    for kind, (share, days) in POLICIES.items():
        WarningPolicy.objects.get_or_create(kind=kind, defaults={"yellow_share": share, "yellow_days": days})
    snap = calendar.Snapshot.build(version="", overrides={}, confirmed=frozenset(), policies={})
    rows = [WorkdayOrdinal(**row) for row in snap.rows(snap.first)]
    WorkdayOrdinal.objects.bulk_create(rows, batch_size=2000)
    CalendarState.objects.update_or_create(pk=1, defaults={
        "version": uuid.uuid4().hex, "ordinals_from": snap.first, "ordinals_through": snap.last})


def backwards(apps, schema_editor):
    for name in ("WarningPolicy", "CalendarState", "WorkdayOrdinal"):
        apps.get_model("workdays", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
