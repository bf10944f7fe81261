"""The portal's window-collection slots become appointment slots of the hall (one model, not two): each
half-day row is copied as a hall slot with no business (collecting results at the window), then dropped."""

import datetime
import os

from django.db import migrations

PERIODS = {"am": (datetime.time(9), datetime.time(12)), "pm": (datetime.time(13), datetime.time(17))}


def forwards(apps, schema_editor):
    WindowSlot = apps.get_model("portal", "WindowSlot")
    AppointmentSlot = apps.get_model("hall", "AppointmentSlot")
    capacity = int(os.environ.get("PORTAL_SLOT_CAPACITY", "20"))
    for old in WindowSlot.objects.all():
        start, end = PERIODS[old.period]
        AppointmentSlot.objects.get_or_create(business=None, window=None, date=old.date, starts_at=start,
                                              defaults={"ends_at": end, "capacity": capacity})


def backwards(apps, schema_editor):
    WindowSlot = apps.get_model("portal", "WindowSlot")
    AppointmentSlot = apps.get_model("hall", "AppointmentSlot")
    for slot in AppointmentSlot.objects.filter(business=None, window=None):
        period = next((key for key, (start, _end) in PERIODS.items() if start == slot.starts_at), None)
        if period:
            WindowSlot.objects.get_or_create(date=slot.date, period=period)


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0003_onetimecode_survey_purpose"),
        ("hall", "0002_appointments"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="WindowSlot"),
    ]
