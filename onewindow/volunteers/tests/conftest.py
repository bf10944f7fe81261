"""Volunteer test fixtures: a team with its manager, volunteers (portal accounts), an activity, and a
clock (time-machine) that the services read through `core.clock.now()`."""

import datetime

import pytest
from django.utils import timezone

from onewindow.accounts.models import User
from onewindow.registry.identifiers import id_number_check_char
from onewindow.volunteers import services
from onewindow.volunteers.models import ActivityKind

PASSWORD = "test-pass-123"


def id_number(born: str, n: int = 1) -> str:
    first17 = f"430481{born}{n:03d}"
    return first17 + id_number_check_char(first17)


def make_volunteer_user(mobile: str, *, name: str = "刘志强", born: str = "19900101", n: int = 1) -> User:
    user = User(username=mobile, kind=User.Kind.APPLICANT, full_name=name, mobile=mobile,
                id_number=id_number(born, n))
    user.set_password(PASSWORD)
    user.save()
    return user


class Clock:
    """Time stands still at `value` (time-machine), from the moment the fixture starts; `set` moves it."""

    def __init__(self, traveller):
        self._traveller = traveller
        self.set(timezone.now())

    def now(self):
        return self.value

    def set(self, value: datetime.datetime):
        self.value = value
        self._traveller.move_to(value, tick=False)


@pytest.fixture
def clock(time_machine):
    return Clock(time_machine)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def manager(make_staff):
    return make_staff("teamlead")


@pytest.fixture
def other_manager(make_staff):
    return make_staff("otherlead")


@pytest.fixture
def team(administrator, manager):
    return services.team_create(name="“衡阳群众”学雷锋志愿服务队", unit_name="耒阳市民政局救助管理站",
                                contact="0734-0000000", actor=administrator, managers=[manager])


@pytest.fixture
def other_team(administrator, other_manager):
    return services.team_create(name="另一支志愿服务队", unit_name="另一单位", actor=administrator,
                                managers=[other_manager])


@pytest.fixture
def volunteer_user(db):
    return make_volunteer_user("13907340001")


@pytest.fixture
def volunteer(volunteer_user):
    return services.volunteer_register(user=volunteer_user, skills="交通劝导")


@pytest.fixture
def start():
    """Tomorrow 16:00, local time."""
    day = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(16)))


def publish(team, manager, starts_at, hours: float = 2, **extra):
    data = dict(team=team, title="文明交通劝导", kind=ActivityKind.CIVILISATION, starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=hours), place="金阳路口", address="耒阳市五里牌街道",
                needed=10, contact="救助管理站", actor=manager)
    data.update(extra)
    return services.activity_publish(**data)


@pytest.fixture
def activity(team, manager, start):
    return publish(team, manager, start)
