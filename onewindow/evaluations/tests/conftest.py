"""A programme with a four-indicator system, a zone with two communities, its bureau, and a two-person team."""

import datetime
from dataclasses import dataclass

import pytest

from onewindow.accounts.models import Department, Role, User
from onewindow.accounts.services import staff_upsert
from onewindow.evaluations import services
from onewindow.evaluations.models import Evaluation, Indicator, Programme, Stage, Zone

PASSWORD = "eval-pass-123"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
# code, name, weight (leaves add up to 100)
INDICATORS = [("1", "组织领导", 25), ("2", "制度建设", 25), ("3", "创新成效", 30), ("4", "群众满意度", 20)]


@dataclass
class World:
    division: Department
    bureau: Department
    officer: User  # division staff
    bureau_user: User
    leader: User
    member: User
    outsider: User  # staff of neither
    programme: Programme
    zone: Zone
    evaluation: Evaluation
    indicators: list[Indicator]


def make_world(password: str = PASSWORD) -> World:
    department = Department.objects.get_or_create(name="湖南省民政厅")[0]
    division = Department.objects.get_or_create(name="基层政权建设和社区治理处", parent=department)[0]
    bureau = Department.objects.get_or_create(name="资阳区民政局")[0]
    other = Department.objects.get_or_create(name="社会组织管理局", parent=department)[0]

    def person(username, full_name, dept):
        return staff_upsert(username=username, full_name=full_name, roles=[Role.REVIEWER], department=dept,
                            password=password)

    officer = person("officer", "处室干部 刘强", division)
    bureau_user = person("bureau", "资阳区民政局 夏国辉", bureau)
    leader = person("mojf", "莫健飞", division)
    member = person("expert", "特邀专家 王芳", other)
    outsider = person("outsider", "无关人员", other)
    programme = services.programme_create(name="第三批省级城乡社区治理和服务创新实验区", division=division,
                                          starts_on=datetime.date(2023, 1, 1), ends_on=datetime.date(2025, 12, 31),
                                          actor=officer)
    indicators = [services.indicator_save(programme=programme, stage=Stage.CLOSING, code=code, name=name,
                                          weight=weight, max_score=100, rule="按台账与实地查看评分", actor=officer)
                  for code, name, weight in INDICATORS]
    zone = services.zone_create(programme=programme, name="益阳市资阳区", bureau=bureau, theme="社区治理创新",
                                communities=["南岳宫社区", "金花坪社区"], actor=officer)
    evaluation = services.evaluation_create(zone=zone, stage=Stage.CLOSING, leader=leader,
                                            members=[(member, "特邀专家")], actor=officer)
    return World(division, bureau, officer, bureau_user, leader, member, outsider, programme, zone, evaluation,
                 indicators)


@pytest.fixture(autouse=True)
def evaluations_env(settings, tmp_path):
    """Uploaded evidence and rendered reports go to a temporary folder; SMS to the memory outbox."""
    from onewindow.portal import sms

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PORTAL_SMS_BACKEND = "memory"
    sms.outbox.clear()


@pytest.fixture
def world(db) -> World:
    return make_world()
