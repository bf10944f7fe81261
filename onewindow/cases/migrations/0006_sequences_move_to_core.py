from django.db import migrations


def carry_over(apps, schema_editor):
    """Every counter (case, document and complaint numbers) keeps its name and last value."""
    old = apps.get_model("cases", "Sequence")
    series = apps.get_model("core", "Sequence")
    rows = [series(name=row.key, last=row.last) for row in old.objects.all()]
    series.objects.bulk_create(rows, batch_size=2000, update_conflicts=True, unique_fields=["name"],
                               update_fields=["last"])


def carry_back(apps, schema_editor):
    old = apps.get_model("cases", "Sequence")
    series = apps.get_model("core", "Sequence")
    for row in series.objects.filter(name__regex=r"^(case|doc|complaint):"):
        old.objects.create(key=row.name, last=row.last)


class Migration(migrations.Migration):
    """The case counters move into the one number-series table (core.Sequence); numbering continues."""

    dependencies = [
        ("cases", "0005_case_state_signed_off"),
        ("core", "0002_sequence"),
    ]

    operations = [
        migrations.RunPython(carry_over, carry_back),
        migrations.DeleteModel(name="Sequence"),
    ]
