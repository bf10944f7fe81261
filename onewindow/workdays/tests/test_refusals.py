"""The calendar services' refusals, by code: each leaves the calendar as it was."""

import datetime
from decimal import Decimal

import pytest

from onewindow.audit.models import AuditEvent
from onewindow.core.errors import ValidationFailed
from onewindow.workdays import services
from onewindow.workdays.models import WarningKind, WarningPolicy, WorkdayOverride

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 6, 1)


def test_an_override_note_longer_than_its_column_is_refused(administrator):
    limit = WorkdayOverride._meta.get_field("note").max_length
    with pytest.raises(ValidationFailed) as err:
        services.override_set(day=MONDAY, is_working=False, note="停" * (limit + 1), actor=administrator)
    assert err.value.code == "note_too_long"
    assert not WorkdayOverride.objects.exists()
    services.override_set(day=MONDAY, is_working=False, note="停" * limit, actor=administrator)
    assert not services.is_working_day(MONDAY)


def test_deleting_a_missing_override_is_refused(administrator):
    with pytest.raises(ValidationFailed) as err:
        services.override_delete(day=MONDAY, actor=administrator)
    assert err.value.code == "override_missing"
    assert not AuditEvent.objects.filter(action="workdays.override_deleted").exists()


@pytest.mark.parametrize("days", [-1, 366])
def test_yellow_days_outside_a_year_are_refused(administrator, days):
    before = WarningPolicy.objects.get(kind=WarningKind.CASE).yellow_days
    with pytest.raises(ValidationFailed) as err:
        services.policy_update(
            kind=WarningKind.CASE, yellow_share=Decimal("0.5"), yellow_days=days, actor=administrator
        )
    assert err.value.code == "days_out_of_range"
    assert WarningPolicy.objects.get(kind=WarningKind.CASE).yellow_days == before
