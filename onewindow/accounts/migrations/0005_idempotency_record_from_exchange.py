# The idempotency records of API requests move from the exchange to accounts (they belong to any API
# caller, and the cases API reads them): the exchange's table is taken over as it is, then renamed.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import onewindow.core.clock


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_date_joined_from_the_clock"),
        ("exchange", "0005_applicant_types_and_actions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IdempotencyRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("key", models.CharField(max_length=120, verbose_name="key")),
                        ("request_hash", models.CharField(max_length=64, verbose_name="request hash")),
                        ("status", models.PositiveSmallIntegerField(verbose_name="status")),
                        ("body", models.JSONField(verbose_name="response")),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=onewindow.core.clock.now, editable=False, verbose_name="created at"
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="account",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "idempotency record",
                        "verbose_name_plural": "idempotency records",
                        "db_table": "exchange_idempotencyrecord",
                        "constraints": [
                            models.UniqueConstraint(fields=("user", "key"), name="idempotency_unique_key")
                        ],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="idempotencyrecord", table=None),
    ]
