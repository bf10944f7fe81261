import datetime
import zoneinfo

import pytest
from django.apps import apps
from django.db import models

from onewindow.cases.tests.factories import make_item
from onewindow.demo.history import history_generate
from onewindow.demo.staff import demo_people_setup

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _stamps():
    """Every datetime the database holds, as (model.field, value), except `auto_now` columns (the moment
    a row was last written, not a moment of the story)."""
    for model in apps.get_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.DateTimeField) and not f.auto_now
        ]
        for row in model.objects.values_list(*fields) if fields else ():
            for name, value in zip(fields, row, strict=True):
                if value is not None:
                    yield f"{model._meta.label}.{name}", value


@pytest.mark.django_db(transaction=True)  # each day's transaction commits: its on-commit work runs on the day
def test_the_history_is_stamped_on_its_own_days_by_the_frozen_clock():
    demo_people_setup()  # the chief approver at window A12
    make_item(name="社会组织印章式样备案")
    before = set(_stamps())
    report = history_generate(since=datetime.date(2026, 3, 2), until=datetime.date(2026, 3, 4), completed=6)
    assert (report.created, report.days) == (6, 3)
    written = set(_stamps()) - before
    first, last = (datetime.datetime(2026, 3, d, tzinfo=SHANGHAI) for d in (2, 5))
    assert {
        "cases.Case.created_at",
        "cases.Case.completed_at",
        "ratings.Rating.rated_at",
        "audit.AuditEvent.at",
    } <= {name for name, _value in written}
    deadlines = {"ratings.RatingWindow.closes_at"}  # the rating window closes 15 days after completion
    outside = sorted({name for name, value in written if not first <= value < last} - deadlines)
    assert outside == []
