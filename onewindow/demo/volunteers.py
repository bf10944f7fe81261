"""The article's volunteer team and its 22 October street activity, for `onewindow demo setup`.

Everything is written through the services, on a frozen clock (`core.clock.frozen_at`, as `demo.history`
does): the manager publishes the activity two days before, the volunteers register, join and sign up,
check in and out by the QR code at 4 pm in the rain, the manager writes the record and confirms the hours
that evening, and a volunteer asks for a 志愿服务记录证明 the next morning. Idempotent: nothing is added
once the activity exists.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from onewindow.accounts.models import User
from onewindow.accounts.services import staff_upsert
from onewindow.core import clock
from onewindow.portal.models import ApplicantProfile
from onewindow.registry.identifiers import id_number_check_char
from onewindow.volunteers import services
from onewindow.volunteers.models import Activity, ActivityKind, Participation, RecordCertificate, Team

TEAM_NAME = "“衡阳群众”学雷锋志愿服务队"
UNIT_NAME = "耒阳市民政局救助管理站"
ACTIVITY_TITLE = "学雷锋志愿服务：文明交通劝导与环境卫生清理"
MANAGER_USERNAME = "teamlead"
SUMMARY = ("当天下午4时，志愿者们身穿“衡阳群众”红马甲，冒着绵绵细雨，在五里牌街道金阳路口至金桥路口路段，对行人闯红灯、"
           "不走斑马线、乱扔垃圾以及非机动车闯红灯、骑摩托车不戴头盔等不文明行为进行提醒和劝导；看到老弱病残孕等特殊人群"
           "及时提供帮扶；捡拾清理路面和绿化带里的烟头、果皮、纸屑等垃圾，引导过往市民讲文明、讲卫生。")
FEEDBACK = ("“你们风雨无阻坚守在这里，不仅劝导交通，还帮助清理卫生，为你们点赞。”——市民张阿姨；"
            "“感谢你们的辛勤付出，让这里的交通秩序和环境卫生变得更好了。”——过往市民")
# (name, birth date, mobile): adults with ID numbers of 耒阳市 (430481).
VOLUNTEERS = [("刘志强", "19880315", "13907340001"), ("陈静", "19920708", "13907340002"),
              ("谢海波", "19790121", "13907340003"), ("罗小燕", "19950930", "13907340004")]


def _id_number(born: str, n: int) -> str:
    first17 = f"430481{born}{n:03d}"
    return first17 + id_number_check_char(first17)


def _activity_day() -> datetime.date:
    """The latest 22 October before today."""
    today = timezone.localdate()
    day = datetime.date(today.year, 10, 22)
    return day if day < today else day.replace(year=today.year - 1)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _volunteer_account(name: str, born: str, mobile: str, n: int, password: str) -> User:
    user = User.objects.filter(username=mobile).first()
    if user is None:
        user = User(username=mobile, kind=User.Kind.APPLICANT, full_name=name, mobile=mobile,
                    id_number=_id_number(born, n))
        user.set_password(password)
        user.save()
        ApplicantProfile.objects.create(user=user, kind=ApplicantProfile.Kind.PERSON,
                                        mobile_verified_at=clock.now())
    return user


@transaction.atomic
def demo_volunteers_setup(*, password: str) -> RecordCertificate | None:
    """The team, its manager, four volunteers and the 22 October activity with confirmed hours and one
    certificate. Needs the demo administrator (`admin`), who sets up the team."""
    if Activity.objects.filter(team__name=TEAM_NAME, title=ACTIVITY_TITLE).exists():
        return RecordCertificate.objects.filter(team__name=TEAM_NAME).order_by("id").first()
    administrator = User.objects.get(username="admin")
    day = _activity_day()
    with clock.frozen_at(_at(day - datetime.timedelta(days=2), 9)) as frozen:
        manager = staff_upsert(username=MANAGER_USERNAME, full_name="谢军（救助管理站志愿服务队负责人）", roles=[],
                               password=password)
        team = Team.objects.filter(name=TEAM_NAME).first() or services.team_create(
            name=TEAM_NAME, unit_name=UNIT_NAME, contact="耒阳市民政局救助管理站", actor=administrator,
            description="耒阳市民政局救助管理站组建的学雷锋志愿服务队", managers=[manager])
        frozen.set(_at(day - datetime.timedelta(days=2), 10))
        activity = services.activity_publish(
            team=team, title=ACTIVITY_TITLE, kind=ActivityKind.CIVILISATION, starts_at=_at(day, 16),
            ends_at=_at(day, 18), place="五里牌街道金阳路口至金桥路口", address="湖南省耒阳市五里牌街道金阳路口至金桥路口路段",
            needed=10, contact="耒阳市民政局救助管理站", actor=manager,
            requirements="身穿“衡阳群众”红马甲；雨天自备雨具，注意交通安全")
        volunteers = []
        for n, (name, born, mobile) in enumerate(VOLUNTEERS, start=1):
            frozen.set(_at(day - datetime.timedelta(days=1), 9, n))
            user = _volunteer_account(name, born, mobile, n, password)
            volunteer = services.volunteer_register(user=user, skills="文明劝导、环境清洁", availability="周末及工作日下午")
            membership = services.membership_request(team=team, volunteer=volunteer, actor=user)
            services.membership_decide(membership=membership, approve=True, actor=manager)
            services.activity_signup(activity=activity, volunteer=volunteer, actor=user)
            volunteers.append((user, volunteer))
        for n, (user, volunteer) in enumerate(volunteers):
            frozen.set(_at(day, 15, 50 + n * 2))  # gathering before 4 pm is not counted as service
            services.check_in(activity=activity, volunteer=volunteer, code=activity.checkin_code, actor=user)
        for n, (user, volunteer) in enumerate(volunteers):
            frozen.set(_at(day, 17, 50 + n * 3))
            services.check_out(activity=activity, volunteer=volunteer, code=activity.checkin_code, actor=user)
        frozen.set(_at(day, 20))
        services.activity_record(activity=activity, summary=SUMMARY, feedback=FEEDBACK, actor=manager)
        for participation in Participation.objects.filter(activity=activity).order_by("id"):
            services.hours_confirm(participation=participation, actor=manager)
        frozen.set(_at(day + datetime.timedelta(days=1), 9))
        user, volunteer = volunteers[0]
        return services.certificate_issue(volunteer=volunteer, team=team, actor=user)
