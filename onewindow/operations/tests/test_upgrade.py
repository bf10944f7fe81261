"""Upgrades: this code's migrations applied to a database at the previous release's schema with data in it
(docs/operations.md, "Upgrading": migrate before the new code serves)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from onewindow.audit.context import audit_context
from onewindow.audit.models import AuditEvent
from onewindow.audit.services import audit_log, audit_verify

# The leaf migrations of the previous release: main at commit 9a62ff6 (2026-11-27).
RELEASE_9A62FF6 = [
    ("accounts", "0003_token_scopes_expiry_rate"), ("admin", "0003_logentry_add_action_flag_choices"),
    ("audit", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length"),
    ("cases", "0003_applicant_name_trigram"), ("catalog", "0002_cataloginfo_itemversion_facets_and_more"),
    ("certificates", "0002_number_sequence_rows"), ("contenttypes", "0002_remove_content_type_name"),
    ("django_tasks_database", "0021_conditional_partial_index_ordering"), ("exchange", "0004_callbacks"),
    ("portal", "0002_window_slot"), ("ratings", "0003_rating_excluded_index"), ("registry", "0004_override_index"),
    ("sessions", "0001_initial"), ("stats", "0002_dailyfigure"), ("workdays", "0003_ordinal_lookup_index"),
]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_migrations_upgrade_a_database_of_the_previous_release(chief):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    with audit_context(source="cli"):
        from django.db import transaction

        with transaction.atomic():
            for n in range(3):
                audit_log(action="test.before_upgrade", actor=chief, obj=chief, changes={"n": n})
    _migrate(RELEASE_9A62FF6)  # the previous release's schema, its rows still there
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, "audit_auditevent")]
        assert "request_id" not in columns
        cursor.execute("SELECT COUNT(*) FROM audit_auditevent WHERE action = 'test.before_upgrade'")
        assert cursor.fetchone()[0] == 3

    _migrate(latest)  # the upgrade
    assert AuditEvent.objects.filter(action="test.before_upgrade", request_id="").count() == 3
    assert audit_verify().ok
    assert not MigrationExecutor(connection).migration_plan(latest)
