"""Warning lights and their policies."""

import datetime
from decimal import Decimal

import pytest

from onewindow.audit.models import AuditEvent
from onewindow.core.errors import ValidationFailed
from onewindow.workdays import services
from onewindow.workdays.models import WarningKind, WarningPolicy
from onewindow.workdays.services import Light, light_for

D = datetime.date
pytestmark = pytest.mark.django_db


def test_default_policies_exist():
    assert set(WarningPolicy.objects.values_list("kind", flat=True)) == set(WarningKind.values)


def test_case_light_thresholds():
    # Case policy: yellow below 25% of the limit or below 3 working days left.
    due = D(2026, 3, 31)  # Tuesday
    assert light_for(kind="case", due=due, today=D(2026, 3, 20), limit_days=20) == Light.GREEN  # 7 left
    assert light_for(kind="case", due=due, today=D(2026, 3, 24), limit_days=20) == Light.GREEN  # 5 left = 25%
    assert light_for(kind="case", due=due, today=D(2026, 3, 25), limit_days=20) == Light.YELLOW  # 4 left < 5
    assert light_for(kind="case", due=due, today=D(2026, 3, 26), limit_days=12) == Light.GREEN  # 3 = 25% of 12
    assert light_for(kind="case", due=due, today=D(2026, 3, 27), limit_days=4) == Light.YELLOW  # 2 < 3 days
    assert light_for(kind="case", due=due, today=due, limit_days=20) == Light.YELLOW
    assert light_for(kind="case", due=due, today=D(2026, 4, 1), limit_days=20) == Light.RED


def test_remaining_days_skip_holidays():
    # Due 10/9: from 9/30 only 10/8 and 10/9 remain (国庆 10/1-7 off): yellow for a 5-day 补正 notice.
    kw = {"kind": "correction_notice", "due": D(2026, 10, 9), "limit_days": 5}
    assert light_for(today=D(2026, 9, 30), **kw) == Light.GREEN  # 2 left, policy: below 2
    assert light_for(today=D(2026, 10, 8), **kw) == Light.YELLOW
    assert light_for(today=D(2026, 10, 10), **kw) == Light.RED


@pytest.mark.parametrize("kind", WarningKind.values)
def test_every_kind_has_a_light(kind):
    assert light_for(kind=kind, due=D(2026, 6, 30), today=D(2026, 6, 1), limit_days=20) == Light.GREEN
    assert light_for(kind=kind, due=D(2026, 6, 30), today=D(2026, 7, 1), limit_days=20) == Light.RED


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        light_for(kind="nonsense", due=D(2026, 6, 30), today=D(2026, 6, 1), limit_days=20)


def test_policy_update_changes_lights_and_is_audited(administrator):
    kw = {"kind": "delivery", "due": D(2026, 6, 30), "today": D(2026, 6, 16), "limit_days": 10}  # 10 left
    assert light_for(**kw) == Light.GREEN
    services.policy_update(kind="delivery", yellow_share=Decimal("0.5"), yellow_days=11, actor=administrator)
    assert light_for(**kw) == Light.YELLOW
    event = AuditEvent.objects.get(action="workdays.policy_updated")
    assert event.changes["yellow_days"] == [3, 11]


def test_policy_update_rejects_bad_values(administrator):
    with pytest.raises(ValidationFailed) as info:
        services.policy_update(kind="case", yellow_share=Decimal("1.5"), yellow_days=3, actor=administrator)
    assert info.value.code == "share_out_of_range"
    assert WarningPolicy.objects.get(kind="case").yellow_share == Decimal("0.25")


def test_lights_for_a_page_cost_at_most_one_query(django_assert_max_num_queries):
    services.light_for(kind="case", due=D(2026, 6, 30), today=D(2026, 6, 1), limit_days=20)
    with django_assert_max_num_queries(1):
        for offset in range(100):
            light_for(kind="case", due=D(2026, 6, 30), today=D(2026, 6, 1) + datetime.timedelta(days=offset % 40),
                      limit_days=20)
