from django.db import migrations


def create_sequence(apps, schema_editor):
    apps.get_model("registry", "CodeSequence").objects.get_or_create(name="organisation_code")


class Migration(migrations.Migration):
    """The organisation-code sequence row exists before the first allocation locks it."""

    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(create_sequence, migrations.RunPython.noop)]
