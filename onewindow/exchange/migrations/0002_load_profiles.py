from django.db import migrations

from onewindow.exchange.codelists import load_profiles


def forwards(apps, schema_editor):
    load_profiles(apps.get_model("exchange", "PlatformProfile"), apps.get_model("exchange", "CodeMapping"))


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
