"""The evaluations API (/api/v1/evaluations), read-only, so that another department's system reuses what a
zone collected once (一次采集多方利用).

Who may call: any staff member's token (`onewindow token create USERNAME`); a scoped token needs
"evaluations:read". Applicants' tokens are refused. Scores appear only for concluded evaluations.
"""

import datetime
from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from onewindow.accounts.auth import TokenAuth
from onewindow.accounts.permissions import require_staff_api

from . import selectors
from .models import Evaluation, EvidenceVersion, Programme, Zone

router = Router(auth=TokenAuth(scopes={"GET": "evaluations:read"}), tags=["evaluations"])


class IndicatorOut(Schema):
    id: int
    stage: str
    code: str
    name: str
    parent_code: str | None
    weight: Decimal
    max_score: int
    rule: str
    evidence_needed: str


class ProgrammeOut(Schema):
    id: int
    name: str
    division: str
    starts_on: datetime.date
    ends_on: datetime.date
    excellent_from: Decimal
    pass_from: Decimal
    indicators: list[IndicatorOut]


class FigureOut(Schema):
    label: str
    value: Decimal
    unit: str
    indicator_ids: list[int]


class EvidenceVersionOut(Schema):
    number: int
    file_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime.datetime
    download: str


class EvidenceOut(Schema):
    id: int
    kind: str
    title: str
    indicator_ids: list[int]
    versions: list[EvidenceVersionOut]


class ZoneOut(Schema):
    id: int
    programme_id: int
    name: str
    bureau: str
    theme: str
    plan: str
    communities: list[str]
    figures: list[FigureOut]


class IndicatorResultOut(Schema):
    indicator_id: int
    code: str
    name: str
    weight: Decimal
    score: Decimal | None
    weighted: Decimal | None
    evidence_ids: list[int]


class InnovationOut(Schema):
    title: str
    community: str
    description: str
    evidence_ids: list[int]


class ResultOut(Schema):
    id: int
    zone_id: int
    stage: str
    state: str
    total: Decimal | None
    conclusion: str
    report_no: str
    concluded_at: datetime.datetime | None
    indicators: list[IndicatorResultOut]
    innovations: list[InnovationOut]
    recommendations: list[dict]


def _programme(programme: Programme) -> dict:
    return {"id": programme.pk, "name": programme.name, "division": programme.division.name,
            "starts_on": programme.starts_on, "ends_on": programme.ends_on,
            "excellent_from": programme.excellent_from, "pass_from": programme.pass_from,
            "indicators": [{"id": i.pk, "stage": i.stage, "code": i.code, "name": i.name,
                            "parent_code": i.parent.code if i.parent else None, "weight": i.weight,
                            "max_score": i.max_score, "rule": i.rule, "evidence_needed": i.evidence_needed}
                           for i in programme.indicators.all()]}


@router.get("/programmes", response=list[ProgrammeOut])
def programmes(request):
    """Programmes with their indicator systems. Staff tokens."""
    require_staff_api(request.user)
    return [_programme(p) for p in Programme.objects.select_related("division").prefetch_related(
        "indicators__parent").order_by("-starts_on", "id")]


def _zone(zone: Zone) -> dict:
    return {"id": zone.pk, "programme_id": zone.programme_id, "name": zone.name, "bureau": zone.bureau.name,
            "theme": zone.theme, "plan": zone.plan, "communities": [c.name for c in zone.communities.all()],
            "figures": [{"label": f.label, "value": f.value, "unit": f.unit,
                         "indicator_ids": [i.pk for i in f.indicators.all()]} for f in zone.figures.all()]}


@router.get("/zones", response=list[ZoneOut])
def zones(request, programme_id: int | None = None):
    """Zones with their communities and figures (entered once by the bureau). Staff tokens."""
    require_staff_api(request.user)
    rows = Zone.objects.select_related("bureau").prefetch_related("communities", "figures__indicators").order_by("id")
    if programme_id is not None:
        rows = rows.filter(programme_id=programme_id)
    return [_zone(z) for z in rows]


@router.get("/zones/{zone_id}/evidence", response=list[EvidenceOut])
def evidence(request, zone_id: int):
    """The zone's evidence library: each piece, the indicators it supports, and its versions. Staff tokens."""
    require_staff_api(request.user)
    zone = get_object_or_404(Zone, pk=zone_id)
    return [{"id": e.pk, "kind": e.kind, "title": e.title, "indicator_ids": [i.pk for i in e.indicators.all()],
             "versions": [{"number": v.number, "file_name": v.original_name, "content_type": v.content_type,
                           "size": v.size, "sha256": v.sha256, "uploaded_at": v.uploaded_at,
                           "download": f"/api/v1/evaluations/evidence/{e.pk}/versions/{v.number}"}
                          for v in e.versions.all()]}
            for e in selectors.evidence_library(zone)]


@router.get("/evidence/{evidence_id}/versions/{number}")
def evidence_download(request, evidence_id: int, number: int):
    """One version's file, with its checked content type. Staff tokens."""
    require_staff_api(request.user)
    stored = get_object_or_404(EvidenceVersion, evidence_id=evidence_id, number=number)
    with stored.file.open("rb") as handle:
        return HttpResponse(handle.read(), content_type=stored.content_type)


def _result(evaluation: Evaluation) -> dict:
    concluded = evaluation.state == Evaluation.State.CONCLUDED
    rows = selectors.indicator_rows(evaluation, None)
    return {"id": evaluation.pk, "zone_id": evaluation.zone_id, "stage": evaluation.stage, "state": evaluation.state,
            "total": evaluation.total, "conclusion": evaluation.conclusion, "report_no": evaluation.report_no,
            "concluded_at": evaluation.concluded_at,
            "indicators": [{"indicator_id": r.indicator.pk, "code": r.indicator.code, "name": r.indicator.name,
                            "weight": r.indicator.weight,
                            "score": r.consensus.score if concluded and r.consensus else None,
                            "weighted": r.weighted if concluded else None,
                            "evidence_ids": [e.pk for e in r.evidence]} for r in rows],
            "innovations": [{"title": i.title, "community": i.community.name, "description": i.description,
                             "evidence_ids": [e.pk for e in i.evidence.all()]}
                            for i in evaluation.innovations.select_related("community").prefetch_related("evidence")]
            if concluded else [],
            "recommendations": [{"text": r.text, "response": r.response, "responded_at": r.responded_at}
                                for r in evaluation.recommendations.all()]}


@router.get("/zones/{zone_id}/results", response=list[ResultOut])
def results(request, zone_id: int):
    """The zone's evaluations: totals, conclusions and team scores once concluded. Staff tokens."""
    require_staff_api(request.user)
    zone = get_object_or_404(Zone.objects.select_related("programme"), pk=zone_id)
    return [_result(e) for e in zone.evaluations.select_related("zone__programme").order_by("stage")]
