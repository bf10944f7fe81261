"""Every write of the evaluations app. Each runs in a transaction, re-reads the row it changes under a lock,
checks who is acting (the programme's division, the zone's bureau, the evaluation's team) and is audited.

"Collect once": evidence and figures belong to the zone, not to an evaluation, and are tagged to indicators;
every stage, every evaluator and the report read the same rows.
"""

import datetime
import hashlib
import hmac
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from onewindow.accounts.models import Department, User
from onewindow.audit.services import audit_log
from onewindow.cases import conf as cases_conf
from onewindow.core import clock
from onewindow.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from onewindow.core.masking import mask_mobile
from onewindow.core.sequences import sequence_next
from onewindow.core.uploads import atomic_files, check_upload, store
from onewindow.portal import services as portal
from onewindow.portal.models import OneTimeCode

from .models import (
    Community,
    Conclusion,
    Consensus,
    Evaluation,
    Evidence,
    EvidenceVersion,
    Figure,
    Indicator,
    Innovation,
    Programme,
    Recommendation,
    Score,
    Stage,
    SurveyAnswer,
    TeamMember,
    Visit,
    VisitPhoto,
    Zone,
)

HUNDRED = Decimal(100)
REPORT_WORD = "评"  # 湘民评字〔2026〕0001号, in the department's series of numbered documents


# --- who is acting ---------------------------------------------------------------------------------------

def is_division(user: User, programme: Programme) -> bool:
    """Staff of the division that runs the programme."""
    return getattr(user, "is_staff_member", False) and user.department_id == programme.division_id


def is_bureau(user: User, zone: Zone) -> bool:
    """Staff of the zone's civil-affairs bureau."""
    return getattr(user, "is_staff_member", False) and user.department_id == zone.bureau_id


def membership(user: User, evaluation: Evaluation) -> TeamMember | None:
    if not getattr(user, "is_staff_member", False):
        return None
    return TeamMember.objects.filter(evaluation=evaluation, user=user).first()


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied()


def _text(value, field: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if "\x00" in value:  # PostgreSQL cannot store it; refuse it on SQLite alike
        raise ValidationFailed(_("The text contains a character that is not allowed."), code="bad_character",
                               details={field: "invalid"})
    if required and not value:
        raise ValidationFailed(_("This field is required."), code="required", details={field: "required"})
    if len(value) > limit:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": limit}, code="too_long",
                               details={field: "too_long"})
    return value


def _decimal(value, field: str, *, low: Decimal, high: Decimal) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or not low <= number <= high or number != round(number, 2):
        raise ValidationFailed(_("Enter a number from %(low)s to %(high)s (at most two decimals).")
                               % {"low": low, "high": high}, code="bad_number", details={field: "invalid"})
    return number


def _lock(model, pk):
    try:
        return model.objects.select_for_update().get(pk=pk)
    except model.DoesNotExist:
        raise NotFound() from None


# --- programmes, zones, indicators (the division) --------------------------------------------------------

def programme_create(*, name: str, division: Department, starts_on: datetime.date, ends_on: datetime.date,
                     actor: User, excellent_from=90, pass_from=60) -> Programme:
    _require(getattr(actor, "is_staff_member", False) and actor.department_id == division.pk)
    excellent = _decimal(excellent_from, "excellent_from", low=Decimal(0), high=HUNDRED)
    passing = _decimal(pass_from, "pass_from", low=Decimal(0), high=HUNDRED)
    if passing > excellent:
        raise ValidationFailed(_("The pass mark cannot be above the mark for excellent."), code="bad_thresholds")
    if ends_on < starts_on:
        raise ValidationFailed(_("The period ends before it starts."), code="bad_period")
    with transaction.atomic():
        try:
            with transaction.atomic():
                programme = Programme.objects.create(
                    name=_text(name, "name", 100), division=division, starts_on=starts_on, ends_on=ends_on,
                    excellent_from=excellent, pass_from=passing)
        except IntegrityError:
            raise Conflict(_("A programme with this name exists."), code="programme_exists") from None
        audit_log(action="evaluations.programme_created", actor=actor, obj=programme,
                  changes={"division": division.name, "excellent_from": excellent, "pass_from": passing})
    return programme


def zone_create(*, programme: Programme, name: str, bureau: Department, theme: str, actor: User,
                plan: str = "", communities: list[str] = ()) -> Zone:
    _require(is_division(actor, programme))
    with transaction.atomic():
        try:
            with transaction.atomic():
                zone = Zone.objects.create(programme=programme, name=_text(name, "name", 100), bureau=bureau,
                                           theme=_text(theme, "theme", 200), plan=_text(plan, "plan", 4000,
                                                                                        required=False))
                for community in communities:
                    Community.objects.create(zone=zone, name=_text(community, "communities", 100))
        except IntegrityError:
            raise Conflict(_("This zone or community is already listed."), code="zone_exists") from None
        audit_log(action="evaluations.zone_created", actor=actor, obj=zone,
                  changes={"bureau": bureau.name, "theme": zone.theme, "communities": list(communities)})
    return zone


def scoring_started(programme: Programme, stage: str) -> bool:
    return Evaluation.objects.filter(zone__programme=programme, stage=stage).exclude(
        state=Evaluation.State.PREPARING).exists()


def indicator_save(*, programme: Programme, stage: str, code: str, name: str, actor: User, weight=0,
                   max_score: int = 100, rule: str = "", evidence_needed: str = "", parent_code: str = "") -> Indicator:
    """Create or change the indicator `code` of the programme's system for `stage`. Refused once an
    evaluation of that stage has started scoring: scores already given would no longer add up."""
    _require(is_division(actor, programme))
    if stage not in Stage.values:
        raise ValidationFailed(_("Unknown stage."), code="bad_stage")
    code = _text(code, "code", 10)
    fields = {"name": _text(name, "name", 100), "weight": _decimal(weight, "weight", low=Decimal(0), high=HUNDRED),
              "max_score": _decimal(max_score, "max_score", low=Decimal(1), high=Decimal(1000)),
              "rule": _text(rule, "rule", 2000, required=False),
              "evidence_needed": _text(evidence_needed, "evidence_needed", 200, required=False)}
    if fields["max_score"] != int(fields["max_score"]):
        raise ValidationFailed(_("The maximum score is a whole number."), code="bad_number", details={"max_score": "invalid"})
    fields["max_score"] = int(fields["max_score"])
    with transaction.atomic():
        Programme.objects.select_for_update().get(pk=programme.pk)  # one change of the system at a time
        if scoring_started(programme, stage):
            raise Conflict(_("Scoring has started for this stage; the indicator system can no longer change."),
                           code="indicators_frozen")
        fields["parent"] = None
        if parent_code:
            fields["parent"] = Indicator.objects.filter(programme=programme, stage=stage, code=parent_code).first()
            if fields["parent"] is None:
                raise ValidationFailed(_("No such parent indicator."), code="bad_parent", details={"parent": "invalid"})
        indicator, created = Indicator.objects.update_or_create(programme=programme, stage=stage, code=code,
                                                                defaults=fields)
        audit_log(action="evaluations.indicator_saved", actor=actor, obj=indicator,
                  changes={k: str(v) for k, v in fields.items()} | {"created": created})
    return indicator


def leaves(programme: Programme, stage: str) -> list[Indicator]:
    """The scored indicators (those without children), in code order."""
    return list(Indicator.objects.filter(programme=programme, stage=stage, children=None).order_by("code"))


def weights_check(programme: Programme, stage: str) -> list[Indicator]:
    """The leaves, if their weights add up to exactly 100; refused otherwise."""
    scored = leaves(programme, stage)
    total = sum((i.weight for i in scored), Decimal(0))
    if not scored or total != HUNDRED:
        raise ValidationFailed(_("The weights of the indicators add up to %(total)s, not 100.") % {"total": total},
                               code="weights_not_100", details={"total": str(total)})
    return scored


# --- the evaluation team ---------------------------------------------------------------------------------

def evaluation_create(*, zone: Zone, stage: str, leader: User, members: list[tuple[User, str]], actor: User,
                      leader_affiliation: str = "") -> Evaluation:
    """Set up one stage's evaluation of the zone with its team (leader first)."""
    _require(is_division(actor, zone.programme))
    if stage not in Stage.values:
        raise ValidationFailed(_("Unknown stage."), code="bad_stage")
    people = [(leader, TeamMember.Role.LEADER, leader_affiliation)] + [(u, TeamMember.Role.MEMBER, a) for u, a in members]
    if any(not u.is_staff_member for u, _r, _a in people):
        raise ValidationFailed(_("Team members need staff accounts."), code="team_not_staff")
    with transaction.atomic():
        try:
            with transaction.atomic():
                evaluation = Evaluation.objects.create(zone=zone, stage=stage)
                for user, role, affiliation in people:
                    TeamMember.objects.create(evaluation=evaluation, user=user, role=role,
                                              affiliation=_text(affiliation, "affiliation", 100, required=False))
        except IntegrityError:
            raise Conflict(_("This zone already has an evaluation of this stage, or a person is listed twice."),
                           code="evaluation_exists") from None
        audit_log(action="evaluations.evaluation_created", actor=actor, obj=evaluation,
                  changes={"team": [f"{u.username}:{r}" for u, r, _a in people]})
    return evaluation


def _member(evaluation: Evaluation, actor: User, *, leader: bool = False) -> TeamMember:
    member = membership(actor, evaluation)
    _require(member is not None and (not leader or member.role == TeamMember.Role.LEADER))
    return member


def _locked_evaluation(evaluation: Evaluation, *states: str) -> Evaluation:
    locked = _lock(Evaluation, evaluation.pk)
    if states and locked.state not in states:
        raise Conflict(_("The evaluation is %(state)s; this cannot be done now.") % {
            "state": locked.get_state_display()}, code="wrong_state", details={"state": locked.state})
    return locked


def evaluation_record(*, evaluation: Evaluation, actor: User, meeting_on: datetime.date | None,
                      meeting_reporter: str = "", meeting_minutes: str = "", interviews: str = "") -> Evaluation:
    """The report meeting (汇报会) and interviews, written by any team member until the conclusion."""
    _member(evaluation, actor)
    with transaction.atomic():
        evaluation = _locked_evaluation(evaluation, Evaluation.State.PREPARING, Evaluation.State.SCORING)
        fields = {"meeting_on": meeting_on, "meeting_reporter": _text(meeting_reporter, "meeting_reporter", 100, required=False),
                  "meeting_minutes": _text(meeting_minutes, "meeting_minutes", 4000, required=False),
                  "interviews": _text(interviews, "interviews", 4000, required=False)}
        for name, value in fields.items():
            setattr(evaluation, name, value)
        evaluation.save(update_fields=list(fields))
        audit_log(action="evaluations.process_recorded", actor=actor, obj=evaluation, changes=fields)
    return evaluation


def visit_add(*, evaluation: Evaluation, community: Community, visited_on: datetime.date | None, notes: str,
              actor: User) -> Visit:
    _member(evaluation, actor)
    if visited_on is None:
        raise ValidationFailed(_("Enter the date of the visit."), code="required", details={"visited_on": "required"})
    if community.zone_id != evaluation.zone_id:
        raise ValidationFailed(_("The community is not in this zone."), code="bad_community")
    with transaction.atomic():
        _locked_evaluation(evaluation, Evaluation.State.PREPARING, Evaluation.State.SCORING)
        visit = Visit.objects.create(evaluation=evaluation, community=community, visited_on=visited_on,
                                     notes=_text(notes, "notes", 4000, required=False))
        audit_log(action="evaluations.visit_recorded", actor=actor, obj=evaluation,
                  changes={"community": community.name, "visited_on": visited_on, "notes": visit.notes})
    return visit


def visit_photo_add(*, visit: Visit, name: str, content: bytes, actor: User) -> VisitPhoto:
    """A photo of a site visit, by a team member until the conclusion; photos only (JPEG or PNG)."""
    _member(visit.evaluation, actor)
    checked = check_upload(name=name, content=content)
    if not checked.content_type.startswith("image/"):
        raise ValidationFailed(_("A visit photo must be a JPEG or PNG image."), code="upload_not_image",
                               details={"file": "invalid"})
    with atomic_files():
        _locked_evaluation(visit.evaluation, Evaluation.State.PREPARING, Evaluation.State.SCORING)
        photo = VisitPhoto(visit=visit, content_type=checked.content_type, sha256=checked.sha256, uploaded_by=actor)
        store(photo.file, checked.stored_name, checked.content)
        photo.save()
        audit_log(action="evaluations.visit_photo_added", actor=actor, obj=visit.evaluation,
                  changes={"visit": visit.pk, "community": visit.community.name, "sha256": checked.sha256})
    return photo


def scoring_start(*, evaluation: Evaluation, actor: User) -> Evaluation:
    """The leader opens scoring; from then on the stage's indicator system is frozen."""
    _member(evaluation, actor, leader=True)
    with transaction.atomic():
        evaluation = _locked_evaluation(evaluation, Evaluation.State.PREPARING)
        weights_check(evaluation.zone.programme, evaluation.stage)
        evaluation.state = Evaluation.State.SCORING
        evaluation.save(update_fields=["state"])
        audit_log(action="evaluations.scoring_started", actor=actor, obj=evaluation)
    return evaluation


# --- the zone's evidence library (the bureau) ------------------------------------------------------------

def _indicators_of(zone: Zone, indicator_ids) -> list[Indicator]:
    ids = {int(i) for i in indicator_ids if str(i).isdigit()}
    found = list(Indicator.objects.filter(programme_id=zone.programme_id, pk__in=ids))
    if len(found) != len(ids) or len(ids) != len(list(indicator_ids)):
        raise ValidationFailed(_("Choose indicators of this programme."), code="bad_indicators",
                               details={"indicators": "invalid"})
    return found


def evidence_upload(*, zone: Zone, actor: User, name: str, content: bytes, evidence: Evidence | None = None,
                    kind: str = "", title: str = "", indicator_ids=()) -> EvidenceVersion:
    """Add a piece of evidence (or, with `evidence`, a new version of its file). Checked like case
    materials: type by content, size, name. Only the zone's bureau; nothing is kept when refused."""
    _require(is_bureau(actor, zone))
    checked = check_upload(name=name, content=content)
    original = _text(name, "file", 200)
    if evidence is None:
        if kind not in Evidence.Kind.values:
            raise ValidationFailed(_("Choose the kind of evidence."), code="bad_kind", details={"kind": "invalid"})
        title = _text(title, "title", 100)
        indicators = _indicators_of(zone, indicator_ids)
    with atomic_files():
        if evidence is None:
            evidence = Evidence.objects.create(zone=zone, kind=kind, title=title)
            evidence.indicators.set(indicators)
        else:
            evidence = _lock(Evidence, evidence.pk)
            if evidence.zone_id != zone.pk:
                raise PermissionDenied()
        number = (evidence.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = EvidenceVersion(evidence=evidence, number=number, original_name=original,
                                  content_type=checked.content_type, size=len(checked.content), sha256=checked.sha256,
                                  uploaded_by=actor)
        store(version.file, checked.stored_name, checked.content)
        version.save()
        audit_log(action="evaluations.evidence_uploaded", actor=actor, obj=evidence,
                  changes={"version": number, "sha256": checked.sha256, "file": original,
                           "indicators": sorted(evidence.indicators.values_list("code", flat=True))})
    return version


def evidence_tag(*, evidence: Evidence, indicator_ids, actor: User) -> Evidence:
    """Replace the indicators a piece of evidence supports."""
    _require(is_bureau(actor, evidence.zone))
    indicators = _indicators_of(evidence.zone, indicator_ids)
    with transaction.atomic():
        evidence = _lock(Evidence, evidence.pk)
        before = sorted(evidence.indicators.values_list("code", flat=True))
        evidence.indicators.set(indicators)
        audit_log(action="evaluations.evidence_tagged", actor=actor, obj=evidence,
                  changes={"indicators": [before, sorted(i.code for i in indicators)]})
    return evidence


def figure_set(*, zone: Zone, label: str, value, actor: User, unit: str = "", indicator_ids=()) -> Figure:
    """Enter or correct a figure of the zone; every indicator and report that references it shows the new value."""
    _require(is_bureau(actor, zone))
    label = _text(label, "label", 50)
    number = _decimal(value, "value", low=Decimal(0), high=Decimal("999999999999"))
    indicators = _indicators_of(zone, indicator_ids)
    with transaction.atomic():
        figure = Figure.objects.select_for_update().filter(zone=zone, label=label).first()
        before = str(figure.value) if figure else None
        if figure is None:
            figure = Figure(zone=zone, label=label)
        figure.value, figure.unit = number, _text(unit, "unit", 10, required=False)
        figure.save()
        figure.indicators.set(indicators)
        audit_log(action="evaluations.figure_set", actor=actor, obj=figure,
                  changes={"value": [before, str(number)], "indicators": sorted(i.code for i in indicators)})
    return figure


# --- scoring (each evaluator, then the leader) -----------------------------------------------------------

def scores_save(*, evaluation: Evaluation, actor: User, scores: dict[int, tuple[str, str]]) -> int:
    """Save the evaluator's draft scores {indicator id: (score, comment)}; refused once submitted."""
    member = _member(evaluation, actor)
    with transaction.atomic():
        evaluation = _locked_evaluation(evaluation, Evaluation.State.SCORING)
        member = _lock(TeamMember, member.pk)
        if member.submitted_at:
            raise Conflict(_("Your scores are submitted and can no longer change."), code="scores_submitted")
        by_id = {i.pk: i for i in leaves(evaluation.zone.programme, evaluation.stage)}
        changed = {}
        for indicator_id, (value, comment) in scores.items():
            indicator = by_id.get(int(indicator_id))
            if indicator is None:
                raise ValidationFailed(_("Choose indicators of this evaluation."), code="bad_indicators")
            if str(value).strip() == "":
                continue
            score = _decimal(value, f"score_{indicator.pk}", low=Decimal(0), high=Decimal(indicator.max_score))
            comment = _text(comment, f"comment_{indicator.pk}", 500, required=False)
            Score.objects.update_or_create(member=member, indicator=indicator,
                                           defaults={"evaluation": evaluation, "score": score, "comment": comment})
            changed[indicator.code] = [str(score), comment]
        audit_log(action="evaluations.scores_saved", actor=actor, obj=evaluation, changes=changed)
    return len(changed)


def scores_submit(*, evaluation: Evaluation, actor: User) -> TeamMember:
    """Submit: every scored indicator needs a score. Then the evaluator sees the others' submitted scores."""
    member = _member(evaluation, actor)
    with transaction.atomic():
        evaluation = _locked_evaluation(evaluation, Evaluation.State.SCORING)
        member = _lock(TeamMember, member.pk)
        if member.submitted_at:
            raise Conflict(_("Your scores are already submitted."), code="scores_submitted")
        missing = [i.code for i in leaves(evaluation.zone.programme, evaluation.stage)
                   if not Score.objects.filter(member=member, indicator=i).exists()]
        if missing:
            raise ValidationFailed(_("Score every indicator first; missing: %(codes)s.") % {"codes": ", ".join(missing)},
                                   code="scores_missing", details={"missing": missing})
        member.submitted_at = clock.now()
        member.save(update_fields=["submitted_at"])
        audit_log(action="evaluations.scores_submitted", actor=actor, obj=evaluation,
                  changes={"scores": {s.indicator.code: str(s.score) for s in member.scores.select_related("indicator")}})
    return member


def consensus_save(*, evaluation: Evaluation, actor: User, scores: dict[int, tuple[str, str]]) -> int:
    """The leader records the team's score per indicator once every evaluator has submitted."""
    _member(evaluation, actor, leader=True)
    with transaction.atomic():
        evaluation = _locked_evaluation(evaluation, Evaluation.State.SCORING)
        if evaluation.team.filter(submitted_at=None).exists():
            raise Conflict(_("Not every evaluator has submitted their scores yet."), code="scores_pending")
        by_id = {i.pk: i for i in leaves(evaluation.zone.programme, evaluation.stage)}
        changed = {}
        for indicator_id, (value, note) in scores.items():
            indicator = by_id.get(int(indicator_id))
            if indicator is None:
                raise ValidationFailed(_("Choose indicators of this evaluation."), code="bad_indicators")
            score = _decimal(value, f"consensus_{indicator.pk}", low=Decimal(0), high=Decimal(indicator.max_score))
            Consensus.objects.update_or_create(evaluation=evaluation, indicator=indicator, defaults={
                "score": score, "note": _text(note, f"note_{indicator.pk}", 500, required=False)})
            changed[indicator.code] = str(score)
        audit_log(action="evaluations.consensus_recorded", actor=actor, obj=evaluation, changes=changed)
    return len(changed)


def conclusion_for(programme: Programme, total: Decimal) -> str:
    if total >= programme.excellent_from:
        return Conclusion.EXCELLENT
    if total >= programme.pass_from:
        return Conclusion.PASS
    return Conclusion.FAIL


def evaluation_conclude(*, evaluation: Evaluation, actor: User, recommendations: list[str] = (),
                        on: datetime.date | None = None) -> Evaluation:
    """Total = Σ consensus ÷ maximum × weight over the scored indicators; the conclusion follows the
    programme's thresholds; the report gets the next number of the department's document series."""
    _member(evaluation, actor, leader=True)
    texts = [_text(t, "recommendations", 2000) for t in recommendations if (t or "").strip()]
    with transaction.atomic():
        evaluation = _locked_evaluation(evaluation, Evaluation.State.SCORING)
        programme = evaluation.zone.programme
        agreed = {c.indicator_id: c.score for c in evaluation.consensus.all()}
        scored = weights_check(programme, evaluation.stage)
        missing = [i.code for i in scored if i.pk not in agreed]
        if missing:
            raise ValidationFailed(_("Record the team's score of every indicator first; missing: %(codes)s.")
                                   % {"codes": ", ".join(missing)}, code="consensus_missing", details={"missing": missing})
        total = sum((agreed[i.pk] / i.max_score * i.weight for i in scored), Decimal(0)).quantize(Decimal("0.01"))
        on = on or clock.today()
        evaluation.total = total
        evaluation.conclusion = conclusion_for(programme, total)
        evaluation.state = Evaluation.State.CONCLUDED
        evaluation.concluded_at = clock.now()
        seq = sequence_next(f"doc:evaluation:{on.year}")
        evaluation.report_no = f"{cases_conf.document_prefix()}{REPORT_WORD}字〔{on.year}〕{seq:04d}号"
        evaluation.save(update_fields=["total", "conclusion", "state", "concluded_at", "report_no"])
        for text in texts:
            Recommendation.objects.create(evaluation=evaluation, text=text)
        audit_log(action="evaluations.concluded", actor=actor, obj=evaluation,
                  changes={"total": total, "conclusion": evaluation.conclusion, "report_no": evaluation.report_no,
                           "recommendations": texts})
    return evaluation


def innovation_add(*, evaluation: Evaluation, community: Community, title: str, description: str, actor: User,
                   evidence_ids=()) -> Innovation:
    """A typical case to promote, named by the team leader; public once the evaluation concludes."""
    _member(evaluation, actor, leader=True)
    if community.zone_id != evaluation.zone_id:
        raise ValidationFailed(_("The community is not in this zone."), code="bad_community")
    ids = {int(i) for i in evidence_ids if str(i).isdigit()}
    evidence = list(Evidence.objects.filter(zone=evaluation.zone, pk__in=ids))
    if len(evidence) != len(ids):
        raise ValidationFailed(_("Choose evidence of this zone."), code="bad_evidence")
    with transaction.atomic():
        # Named before the conclusion: the report lists them and is not rendered twice.
        _locked_evaluation(evaluation, Evaluation.State.PREPARING, Evaluation.State.SCORING)
        innovation = Innovation.objects.create(evaluation=evaluation, community=community,
                                               title=_text(title, "title", 50),
                                               description=_text(description, "description", 2000))
        innovation.evidence.set(evidence)
        audit_log(action="evaluations.innovation_added", actor=actor, obj=innovation,
                  changes={"community": community.name, "evidence": sorted(ids)})
    return innovation


def recommendation_answer(*, recommendation: Recommendation, response: str, actor: User) -> Recommendation:
    """The zone's bureau answers a recommendation with its rectification (整改); it may update the answer."""
    _require(is_bureau(actor, recommendation.evaluation.zone))
    response = _text(response, "response", 2000)
    with transaction.atomic():
        recommendation = _lock(Recommendation, recommendation.pk)
        before = recommendation.response
        recommendation.response, recommendation.responded_at, recommendation.responded_by = response, clock.now(), actor
        recommendation.save(update_fields=["response", "responded_at", "responded_by"])
        audit_log(action="evaluations.recommendation_answered", actor=actor, obj=recommendation.evaluation,
                  changes={"recommendation": recommendation.pk, "response": [before, response]})
    return recommendation


# --- the residents' satisfaction survey (public, by QR) --------------------------------------------------

def _mobile_hash(evaluation: Evaluation, mobile: str) -> str:
    """Keyed, so the table of answers does not hold phone numbers yet still allows one answer per phone."""
    return hmac.new(settings.SECRET_KEY.encode(), f"survey:{evaluation.pk}:{mobile}".encode(),
                    hashlib.sha256).hexdigest()


def _survey_open(evaluation: Evaluation, *, lock: bool = False) -> None:
    """The evaluation's state as stored (locked when recording), not the caller's copy: the conclusion
    closes the survey even for a page opened before it."""
    rows = Evaluation.objects.filter(pk=evaluation.pk)
    if lock:
        rows = rows.select_for_update()
    if rows.values_list("state", flat=True).first() == Evaluation.State.CONCLUDED:
        raise Conflict(_("This survey is closed."), code="survey_closed")


def survey_code_send(*, evaluation: Evaluation, mobile: str) -> None:
    """The portal's one-time code (its limits: one a minute, ten a day per number), for the survey."""
    _survey_open(evaluation)
    portal.code_send(mobile=mobile, purpose=OneTimeCode.Purpose.SURVEY)


def survey_answer(*, evaluation: Evaluation, mobile: str, code: str, satisfaction, comment: str = "") -> SurveyAnswer:
    mobile = (mobile or "").strip()
    _survey_open(evaluation)
    if str(satisfaction) not in {"1", "2", "3", "4", "5"}:
        raise ValidationFailed(_("Choose how satisfied you are."), code="bad_satisfaction",
                               details={"satisfaction": "invalid"})
    comment = _text(comment, "comment", 500, required=False)
    key = _mobile_hash(evaluation, mobile)
    if SurveyAnswer.objects.filter(evaluation=evaluation, mobile_hash=key).exists():
        raise Conflict(_("This mobile number has already answered."), code="survey_answered")
    # Outside the transaction below: a wrong code's failed attempt must be counted even though we refuse.
    portal.code_check(mobile=mobile, purpose=OneTimeCode.Purpose.SURVEY, code=code)
    with transaction.atomic():
        _survey_open(evaluation, lock=True)  # the conclusion locks the evaluation too: no answer after it
        try:
            with transaction.atomic():
                answer = SurveyAnswer.objects.create(evaluation=evaluation, mobile_hash=key,
                                                     satisfaction=int(satisfaction), comment=comment)
        except IntegrityError:
            raise Conflict(_("This mobile number has already answered."), code="survey_answered") from None
        audit_log(action="evaluations.survey_answered", obj=evaluation, changes={
            "mobile": mask_mobile(mobile), "satisfaction": answer.satisfaction})
    return answer
