from django.db import migrations


def carry_over(apps, schema_editor):
    """A kind's next serial N becomes the series "certificate:<kind>" with last value N - 1."""
    old = apps.get_model("certificates", "NumberSequence")
    series = apps.get_model("core", "Sequence")
    rows = [series(name=f"certificate:{row.kind}", last=row.next_value - 1) for row in old.objects.all()]
    series.objects.bulk_create(rows, batch_size=2000, update_conflicts=True, unique_fields=["name"],
                               update_fields=["last"])


def carry_back(apps, schema_editor):
    old = apps.get_model("certificates", "NumberSequence")
    series = apps.get_model("core", "Sequence")
    for row in series.objects.filter(name__startswith="certificate:"):
        old.objects.create(kind=row.name.removeprefix("certificate:"), next_value=row.last + 1)


class Migration(migrations.Migration):
    """The certificate serials move into the one number-series table (core.Sequence); numbering continues."""

    dependencies = [
        ("certificates", "0002_number_sequence_rows"),
        ("core", "0002_sequence"),
    ]

    operations = [
        migrations.RunPython(carry_over, carry_back),
        migrations.DeleteModel(name="NumberSequence"),
    ]
