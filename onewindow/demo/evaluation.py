"""The article's closing evaluation for `onewindow demo setup`: 益阳市资阳区, its communities 南岳宫 and 金花坪,
a four-person team of the department's 基层政权建设和社区治理处 led by its deputy head, a scored and concluded
closing evaluation, and the five innovations it named for promotion. Everything goes through the services
(and so the audit log). Idempotent: a second run finds the concluded evaluation and changes nothing.

The article gives no scores, dates or indicator system: those below are demo values, marked as such.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from onewindow.accounts.models import Department, User
from onewindow.accounts.services import staff_upsert
from onewindow.core.pdf import render_pdf
from onewindow.evaluations import services
from onewindow.evaluations.models import Evaluation, Evidence, Indicator, Programme, Stage, Zone

PROGRAMME = "第三批省级城乡社区治理和服务创新实验区"
ZONE = "益阳市资阳区"
DIVISION = "基层政权建设和社区治理处"
BUREAU = "益阳市资阳区民政局"
# username, full name; the first leads the team (the article names only him)
TEAM = [("mojf", "莫健飞（副处长）"), ("jzc_li", "评估组成员 李华"), ("jzc_zhou", "评估组成员 周敏"),
        ("jzc_tan", "评估组成员 谭军")]
BUREAU_USER = ("ziyang", "资阳区民政局 基层政权股")
# code, name, weight, parent code (demo indicator system; the leaves add up to 100)
INDICATORS = [
    ("1", "组织领导", 0, ""), ("1.1", "领导机制", 10, "1"), ("1.2", "工作保障", 10, "1"),
    ("2", "制度建设", 0, ""), ("2.1", "制度机制", 15, "2"),
    ("3", "创新成效", 0, ""), ("3.1", "实验任务完成情况", 25, "3"), ("3.2", "创新成果", 20, "3"),
    ("4", "群众满意度", 0, ""), ("4.1", "居民满意度", 20, "4"),
]
# demo scores per evaluator, in the order of the leaves; the second evaluator disagrees on 3.2
SCORES = [(92, 90, 88, 95, 96, 90), (90, 88, 85, 92, 70, 92), (94, 92, 90, 94, 95, 88), (91, 90, 86, 93, 94, 90)]
CONSENSUS = (92, 90, 88, 94, 95, 90)
INNOVATIONS = [
    ("南岳宫社区", "八支队伍", "社区组建八支服务队伍，覆盖治安巡逻、矛盾调解、助老助残等，居民参与社区治理。"),
    ("南岳宫社区", "四点半学校", "放学后至家长下班前为社区学生提供托管和课业辅导。"),
    ("金花坪社区", "AB岗", "社区服务岗位设A、B角，一人不在岗时由另一人接办，事不断档。"),
    ("金花坪社区", "智慧养老", "以信息化手段为社区老年人提供紧急呼叫、上门服务等养老服务。"),
    ("金花坪社区", "智慧平台", "社区综合信息平台，居民事项网上办理，数据一次采集多方利用。"),
]


def _demo_pdf(title: str, lines: list[str]) -> bytes:
    return render_pdf("evaluations/pdf/demo_evidence.html", {"title": title, "lines": lines})


@transaction.atomic
def demo_evaluation_setup(*, password: str) -> Evaluation:
    department = Department.objects.get_or_create(name="湖南省民政厅")[0]
    division = Department.objects.get_or_create(name=DIVISION, defaults={"parent": department})[0]
    bureau = Department.objects.get_or_create(name=BUREAU)[0]

    def person(username, full_name, dept) -> User:
        existing = User.objects.filter(username=username).first()
        return staff_upsert(username=username, full_name=full_name, roles=[], department=dept,
                            password=None if existing else password)

    team = [person(username, name, division) for username, name in TEAM]
    bureau_user = person(*BUREAU_USER, bureau)
    leader = team[0]
    evaluation = Evaluation.objects.filter(zone__name=ZONE, zone__programme__name=PROGRAMME,
                                           stage=Stage.CLOSING).first()
    if evaluation is not None and evaluation.state == Evaluation.State.CONCLUDED:
        return evaluation

    programme = Programme.objects.filter(name=PROGRAMME).first() or services.programme_create(
        name=PROGRAMME, division=division, starts_on=datetime.date(2018, 1, 1), ends_on=datetime.date(2020, 12, 31),
        actor=leader)
    for code, name, weight, parent in INDICATORS:
        services.indicator_save(programme=programme, stage=Stage.CLOSING, code=code, name=name, weight=weight,
                                parent_code=parent, rule="查阅资料台账、实地查看，按完成情况评分（演示）",
                                evidence_needed="台账、照片" if parent else "", actor=leader)
    zone = Zone.objects.filter(programme=programme, name=ZONE).first() or services.zone_create(
        programme=programme, name=ZONE, bureau=bureau, theme="城乡社区治理和服务创新", actor=leader,
        communities=["南岳宫社区", "金花坪社区"])
    leaves = {i.code: i for i in Indicator.objects.filter(programme=programme, stage=Stage.CLOSING)}

    if not zone.evidence.exists():  # collected once by the bureau, tagged to the indicators they support
        for kind, title, codes in [
            (Evidence.Kind.SELF_ASSESSMENT, "资阳区实验区创建工作自评报告", ["1.1", "1.2", "2.1", "3.1"]),
            (Evidence.Kind.LEDGER, "南岳宫社区服务队伍台账", ["3.1", "3.2"]),
            (Evidence.Kind.LEDGER, "金花坪社区智慧平台运行台账", ["3.2", "4.1"]),
        ]:
            services.evidence_upload(zone=zone, actor=bureau_user, name=f"{title}.pdf",
                                     content=_demo_pdf(title, [ZONE, "演示材料"]), kind=kind, title=title,
                                     indicator_ids=[leaves[c].pk for c in codes])
        services.figure_set(zone=zone, label="实地查看社区数", value=2, unit="个", actor=bureau_user,
                            indicator_ids=[leaves["3.1"].pk])
        services.figure_set(zone=zone, label="典型创新案例数", value=5, unit="个", actor=bureau_user,
                            indicator_ids=[leaves["3.2"].pk])

    evaluation = evaluation or services.evaluation_create(
        zone=zone, stage=Stage.CLOSING, leader=leader, leader_affiliation=DIVISION, actor=leader,
        members=[(user, DIVISION) for user in team[1:]])
    community = {c.name: c for c in zone.communities.all()}
    today = timezone.localdate()
    if not evaluation.visits.exists():
        services.visit_add(evaluation=evaluation, community=community["南岳宫社区"], visited_on=today, actor=leader,
                           notes="查看社区建设软硬件配套设施；与社区书记彭蕾交谈，治理诀窍：“沉得下来、豁得出去。”")
        services.visit_add(evaluation=evaluation, community=community["金花坪社区"], visited_on=today, actor=leader,
                           notes="查看社区便民、利民、为民服务设施。")
        services.evaluation_record(
            evaluation=evaluation, actor=leader, meeting_on=today, meeting_reporter="资阳区副区长 宋伟伟",
            meeting_minutes="在资阳区民政局五楼会议室召开汇报会，汇报实验区创建工作进展、建设成果及典型创新案例、"
                            "下阶段工作举措；评估组查看相关资料台账。",
            interviews="益阳市民政局副局长曹伟龙、基政科科长夏国辉陪同。")
    if not evaluation.innovations.exists():
        ledgers = {e.title: e.pk for e in zone.evidence.all()}
        for community_name, title, description in INNOVATIONS:
            evidence = ledgers["南岳宫社区服务队伍台账" if community_name == "南岳宫社区" else "金花坪社区智慧平台运行台账"]
            services.innovation_add(evaluation=evaluation, community=community[community_name], title=title,
                                    description=description, evidence_ids=[evidence], actor=leader)
    if evaluation.state == Evaluation.State.PREPARING:
        services.scoring_start(evaluation=evaluation, actor=leader)
    scored = services.leaves(programme, Stage.CLOSING)
    for user, values in zip(team, SCORES, strict=True):
        member = evaluation.team.get(user=user)
        if member.submitted_at is None:
            services.scores_save(evaluation=evaluation, actor=user,
                                 scores={i.pk: (v, "") for i, v in zip(scored, values, strict=True)})
            services.scores_submit(evaluation=evaluation, actor=user)
    services.consensus_save(evaluation=evaluation, actor=leader,
                            scores={i.pk: (v, "") for i, v in zip(scored, CONSENSUS, strict=True)})
    return services.evaluation_conclude(
        evaluation=evaluation, actor=leader,
        recommendations=["用好创新实验成果，继续扩面和深化，做到一次采集多方利用。",
                         "将南岳宫、金花坪社区的创新做法在益阳市作为典型推广。"])
