# The idempotency records now belong to accounts (accounts 0005 took the table over and renamed it).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0005_applicant_types_and_actions"),
        ("accounts", "0005_idempotency_record_from_exchange"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdempotencyRecord")]
        ),
    ]
