"""Searching a name matches anywhere in it (LIKE '%…%'), which no B-tree serves: on PostgreSQL a trigram
index keeps that search from reading every case. pg_trgm is a trusted extension (PostgreSQL 13+), so the
database owner may create it. SQLite has no such index and reads the table, which at its sizes is fine."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS case_applicant_name_trgm ON cases_case USING gin (applicant_name gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS case_applicant_name_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)
    return apply


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_queue_indexes_review_label")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
