"""Reads of the evaluations app, with the joins they need (a fixed number of queries per page)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Prefetch, Q

from onewindow.accounts.models import User

from . import conf
from .models import (
    Consensus,
    Evaluation,
    Evidence,
    EvidenceVersion,
    Figure,
    Indicator,
    Innovation,
    Programme,
    Score,
    TeamMember,
    Zone,
)
from .services import is_bureau, is_division, leaves, membership


def involved(user: User) -> bool:
    """Staff of a programme's division or a zone's bureau, or a member of an evaluation team (one query: the
    staff menu asks on every staff page)."""
    if not getattr(user, "is_staff_member", False):
        return False
    mine = Q(zones__evaluations__team__user=user)
    if user.department_id is not None:  # (`bureau=None` would match programmes without zones)
        mine |= Q(division=user.department_id) | Q(zones__bureau=user.department_id)
    return Programme.objects.filter(mine).exists()


def zones_for(user: User):
    """The zones a staff member has to do with: their division's programmes, their bureau, their teams."""
    mine = Q(evaluations__team__user=user)
    if user.department_id is not None:
        mine |= Q(programme__division=user.department_id) | Q(bureau=user.department_id)
    return Zone.objects.filter(mine).distinct().select_related("programme", "bureau").order_by("programme__name", "name")


def evaluations_for(user: User):
    mine = Q(team__user=user)
    if user.department_id is not None:
        mine |= Q(zone__programme__division=user.department_id) | Q(zone__bureau=user.department_id)
    return Evaluation.objects.filter(mine).distinct().select_related("zone__programme").order_by("zone__name", "stage")


def may_view_zone(user: User, zone: Zone) -> bool:
    return (is_division(user, zone.programme) or is_bureau(user, zone)
            or TeamMember.objects.filter(evaluation__zone=zone, user=user).exists())


def may_view_evaluation(user: User, evaluation: Evaluation) -> bool:
    zone = evaluation.zone
    return is_division(user, zone.programme) or is_bureau(user, zone) or membership(user, evaluation) is not None


def evidence_library(zone: Zone) -> list[Evidence]:
    """The zone's evidence, each with its versions (newest first) and the indicators it supports."""
    return list(zone.evidence.prefetch_related(
        Prefetch("versions", queryset=EvidenceVersion.objects.select_related("uploaded_by")),
        Prefetch("indicators", queryset=Indicator.objects.order_by("stage", "code"))))


def figures(zone: Zone) -> list[Figure]:
    return list(zone.figures.prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("code"))))


@dataclass
class IndicatorRow:
    indicator: Indicator
    evidence: list[Evidence] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    scores: list[Score] = field(default_factory=list)  # those the viewer may see
    own: Score | None = None
    consensus: Consensus | None = None

    @property
    def spread(self) -> Decimal | None:
        """Highest minus lowest visible score, in points out of 100 of the indicator's maximum."""
        if len(self.scores) < 2:
            return None
        values = [s.score for s in self.scores]
        return ((max(values) - min(values)) * 100 / self.indicator.max_score).quantize(Decimal("0.1"))

    @property
    def disagreement(self) -> bool:
        return self.spread is not None and self.spread >= conf.disagreement_points()

    @property
    def weighted(self) -> Decimal | None:
        if self.consensus is None:
            return None
        return (self.consensus.score / self.indicator.max_score * self.indicator.weight).quantize(Decimal("0.01"))


def indicator_rows(evaluation: Evaluation, viewer: User | None) -> list[IndicatorRow]:
    """One row per scored indicator with the evidence and figures tagged to it (each piece once per
    indicator), the scores the viewer may see, and the consensus.

    An evaluator sees only their own scores until they have submitted theirs; then every submitted score.
    Outside the team (division, bureau) scores are seen once the evaluation is concluded."""
    programme = evaluation.zone.programme
    rows = {i.pk: IndicatorRow(i) for i in leaves(programme, evaluation.stage)}
    for evidence in (Evidence.objects.filter(zone=evaluation.zone, indicators__in=rows).distinct()
                     .prefetch_related(Prefetch("versions", queryset=EvidenceVersion.objects.only(
                         "id", "evidence_id", "number", "original_name")), "indicators")):
        for indicator in evidence.indicators.all():
            if indicator.pk in rows:
                rows[indicator.pk].evidence.append(evidence)
    for figure in Figure.objects.filter(zone=evaluation.zone, indicators__in=rows).distinct().prefetch_related("indicators"):
        for indicator in figure.indicators.all():
            if indicator.pk in rows:
                rows[indicator.pk].figures.append(figure)
    member = membership(viewer, evaluation) if viewer is not None else None
    show_all = (member is not None and member.submitted_at is not None) or (
        member is None and evaluation.state == Evaluation.State.CONCLUDED)
    for score in (Score.objects.filter(evaluation=evaluation).select_related("member__user")
                  .order_by("member__role", "member_id")):
        row = rows.get(score.indicator_id)
        if row is None:
            continue
        if member is not None and score.member_id == member.pk:
            row.own = score
        if show_all and score.member.submitted_at is not None:
            row.scores.append(score)
    for consensus in Consensus.objects.filter(evaluation=evaluation):
        if consensus.indicator_id in rows:
            rows[consensus.indicator_id].consensus = consensus
    return list(rows.values())


def indicator_tree(programme: Programme, stage: str) -> list[Indicator]:
    """All indicators of the stage in code order (groups before their leaves)."""
    return list(Indicator.objects.filter(programme=programme, stage=stage).order_by("code"))


def indicator_choices(programme: Programme) -> list[Indicator]:
    """Every indicator of the programme (all stages), for tagging evidence and figures."""
    return list(Indicator.objects.filter(programme=programme).order_by("stage", "code"))


def survey_tally(evaluation: Evaluation) -> dict:
    answers = evaluation.survey_answers.aggregate(n=Count("id"), mean=Avg("satisfaction"))
    by_level = defaultdict(int, evaluation.survey_answers.values_list("satisfaction").annotate(n=Count("id")))
    return {"count": answers["n"], "mean": answers["mean"], "levels": [(level, by_level[level]) for level in range(5, 0, -1)]}


def published_innovations():
    """Innovations of concluded evaluations, for the public page."""
    return (Innovation.objects.filter(evaluation__state=Evaluation.State.CONCLUDED)
            .select_related("community", "evaluation__zone__programme").prefetch_related("evidence")
            .order_by("-evaluation__concluded_at", "id"))
