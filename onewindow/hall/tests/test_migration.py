"""The portal's window-collection slots become hall appointment slots (portal 0004): rows are kept."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("portal", "0003_onetimecode_survey_purpose"), ("hall", "0002_appointments")]
AFTER = [("portal", "0004_window_slots_become_hall_slots")]


@pytest.mark.django_db(transaction=True)
def test_window_slots_are_moved_to_hall_slots():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    day = datetime.date(2026, 12, 7)
    old_apps.get_model("portal", "WindowSlot").objects.create(date=day, period="pm")
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new_apps = executor.loader.project_state(AFTER).apps
    moved = new_apps.get_model("hall", "AppointmentSlot").objects.get()
    assert (moved.date, moved.starts_at, moved.ends_at, moved.business_id) == (day, datetime.time(13),
                                                                              datetime.time(17), None)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
