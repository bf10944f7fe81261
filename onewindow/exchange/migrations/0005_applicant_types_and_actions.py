from django.db import migrations

from onewindow.exchange.codelists import add_missing_mappings


def forwards(apps, schema_editor):
    add_missing_mappings(apps.get_model("exchange", "PlatformProfile"), apps.get_model("exchange", "CodeMapping"))


class Migration(migrations.Migration):
    """Codes for the applicant types, the handling action and the new Art. 45 pause kinds."""

    dependencies = [("exchange", "0004_callbacks")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
