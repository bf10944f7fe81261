from django.db import migrations

KINDS = ("social_group", "private_non_enterprise", "foundation", "fundraising")


def create_sequences(apps, schema_editor):
    sequence = apps.get_model("certificates", "NumberSequence")
    for kind in KINDS:
        sequence.objects.get_or_create(kind=kind)


class Migration(migrations.Migration):
    """One number-sequence row per certificate kind, so issuing only ever locks an existing row."""

    dependencies = [("certificates", "0001_initial")]

    operations = [migrations.RunPython(create_sequences, migrations.RunPython.noop)]
