"""The article's case in the demo, set up through the services; a second run changes nothing."""

from decimal import Decimal

from onewindow.audit.models import AuditEvent
from onewindow.demo.evaluation import demo_evaluation_setup
from onewindow.evaluations.models import Evaluation, Innovation


def test_the_demo_has_the_articles_concluded_closing_evaluation(db):
    evaluation = demo_evaluation_setup(password="demo-pass-123")
    assert evaluation.zone.name == "益阳市资阳区" and evaluation.state == Evaluation.State.CONCLUDED
    assert sorted(evaluation.zone.communities.values_list("name", flat=True)) == ["南岳宫社区", "金花坪社区"]
    assert evaluation.team.count() == 4 and evaluation.team.get(role="leader").user.username == "mojf"
    assert set(evaluation.team.values_list("user__department__name", flat=True)) == {"基层政权建设和社区治理处"}
    assert sorted(Innovation.objects.values_list("title", flat=True)) == sorted(
        ["八支队伍", "四点半学校", "AB岗", "智慧养老", "智慧平台"])
    # (92×10 + 90×10 + 88×15 + 94×25 + 95×20 + 90×20) / 100 = 9190 / 100
    assert (evaluation.total, evaluation.conclusion) == (Decimal("91.90"), "excellent")
    events = AuditEvent.objects.count()
    again = demo_evaluation_setup(password="demo-pass-123")
    assert again.pk == evaluation.pk and AuditEvent.objects.count() == events
