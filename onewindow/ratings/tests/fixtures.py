"""Completed cases for the ratings and stats tests, built through the case services."""

import datetime
import zoneinfo

import pytest
from django.db import connection

from onewindow.accounts.models import Department, Hall, Window
from onewindow.cases import services as case_services
from onewindow.cases.signals import case_transitioned
from onewindow.cases.tests.factories import make_case, make_item
from onewindow.cases.tests.helpers import COLLECTOR
from onewindow.catalog.models import Channel


@pytest.fixture(autouse=True)
def _skip_unmigrated_receivers(db, monkeypatch):
    """The portal app is being built in parallel; until its tables exist, its case receiver is left out."""
    if "portal_notification" not in connection.introspection.table_names():
        monkeypatch.setattr(case_transitioned, "receivers",
                            [r for r in case_transitioned.receivers if r[0][0] != "portal.notify_applicant"])
        monkeypatch.setattr(case_transitioned, "sender_receivers_cache", {})


class Clock:
    """Time stands at `value` (an aware datetime in Asia/Shanghai) while the fixture is active: time-machine
    moves `timezone.now()` and so the services' `core.clock.now()`."""

    def __init__(self, traveller, value):
        self._traveller = traveller
        self._move(value)

    def _move(self, value):
        self.value = value
        self._traveller.move_to(value, tick=False)

    def set(self, *args):
        self._move(datetime.datetime(*args, tzinfo=SHANGHAI))

    def advance(self, **delta):
        self._move(self.value + datetime.timedelta(**delta))


@pytest.fixture
def clock(time_machine):
    """Pin the clock: by default Friday 2026-04-03 09:00, before the 清明 break (4/4-4/6)."""
    return Clock(time_machine, datetime.datetime(2026, 4, 3, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def unit(db):
    return Department.objects.create(name="社会组织管理局")


@pytest.fixture
def window(unit):
    hall = Hall.objects.create(name="政务服务大厅")
    return Window.objects.create(hall=hall, number="A12", name="民政窗口", department=unit)


@pytest.fixture
def chief(make_staff, window, unit):
    """The chief approver at window A12 (overrides the shared fixture to give a window and unit)."""
    from onewindow.accounts.models import Role

    user = make_staff("chief", Role.CHIEF_APPROVER, Role.CLERK)
    user.window, user.department = window, unit
    user.save(update_fields=["window", "department"])
    return user


SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def other_unit_staff(make_staff):
    from onewindow.accounts.models import Role

    user = make_staff("otherclerk", Role.CLERK)
    user.department = Department.objects.create(name="慈善事业促进处")
    user.save(update_fields=["department"])
    return user


@pytest.fixture
def other_applicant(db):
    from onewindow.accounts.models import User

    return User.objects.create(username="someone", kind=User.Kind.APPLICANT, full_name="钱某")


@pytest.fixture
def item(db):
    return make_item()


@pytest.fixture
def complete(django_capture_on_commit_callbacks, chief, item):
    """`complete(owner=None)`: a case accepted, decided and issued on the spot by the chief approver;
    with `owner` it is filed online by that applicant account."""

    def make(owner=None):
        with django_capture_on_commit_callbacks(execute=True):
            if owner is None:
                case = make_case(item, chief)
            else:
                case = case_services.case_create(actor=owner, item=item, applicant=_applicant(),
                                                 form_data={"name": "湖南康养职业培训学校"}, channel=Channel.PC)
                for row in case.materials.select_related("material"):
                    case_services.case_material_record(case=case, actor=chief, material=row.material,
                                                       mode="paper", original_seen=True, copies=1)
            case = case_services.case_accept(case=case, actor=chief)
            case = case_services.case_decide(case=case, actor=chief, outcome="grant")
            case = case_services.case_issue(case=case, actor=chief, **COLLECTOR)
        case.refresh_from_db()
        return case

    return make


def _applicant():
    from onewindow.cases.tests.factories import applicant

    return applicant()
