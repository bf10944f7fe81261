from django.db import migrations


def carry_over(apps, schema_editor):
    """The next organisation-code serial N becomes the series of the same name with last value N - 1."""
    old = apps.get_model("registry", "CodeSequence")
    series = apps.get_model("core", "Sequence")
    rows = [series(name=row.name, last=row.next_value - 1) for row in old.objects.all()]
    series.objects.bulk_create(rows, batch_size=2000, update_conflicts=True, unique_fields=["name"],
                               update_fields=["last"])


def carry_back(apps, schema_editor):
    old = apps.get_model("registry", "CodeSequence")
    series = apps.get_model("core", "Sequence")
    for row in series.objects.filter(name="organisation_code"):
        old.objects.create(name=row.name, next_value=row.last + 1)


class Migration(migrations.Migration):
    """The organisation-code serial moves into the one number-series table (core.Sequence); numbering continues."""

    dependencies = [
        ("registry", "0004_override_index"),
        ("core", "0002_sequence"),
    ]

    operations = [
        migrations.RunPython(carry_over, carry_back),
        migrations.DeleteModel(name="CodeSequence"),
    ]
