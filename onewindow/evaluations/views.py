"""Pages of the evaluations app.

Staff pages (`staff_required()`, then per object): a zone's page for its programme's division, its bureau and
the members of its evaluation teams; an evaluation's page and report for the division, the bureau and the
team. What each person may do there is decided by the services. Public (no sign-in): the innovations to
promote and the residents' survey reached by the QR code (one answer per verified mobile number).
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onewindow.accounts.models import Department, User
from onewindow.accounts.permissions import staff_required
from onewindow.core import ratelimit
from onewindow.core.clients import client_ip_of
from onewindow.core.errors import Conflict, ServiceError, ValidationFailed
from onewindow.core.pdf import qr_data_uri, render_pdf

from . import selectors, services
from .models import (
    Community,
    Evaluation,
    Evidence,
    EvidenceVersion,
    Programme,
    Recommendation,
    Stage,
    Visit,
    VisitPhoto,
    Zone,
)

SATISFACTION = [(5, gettext_lazy("Very satisfied")), (4, gettext_lazy("Satisfied")), (3, gettext_lazy("Neutral")),
                (2, gettext_lazy("Dissatisfied")), (1, gettext_lazy("Very dissatisfied"))]


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _zone_or_404(request, pk) -> Zone:
    zone = get_object_or_404(Zone.objects.select_related("programme", "bureau"), pk=pk)
    if not selectors.may_view_zone(request.user, zone):
        raise Http404
    return zone


def _evaluation_or_404(request, pk) -> Evaluation:
    evaluation = get_object_or_404(Evaluation.objects.select_related("zone__programme", "zone__bureau"), pk=pk)
    if not selectors.may_view_evaluation(request.user, evaluation):
        raise Http404
    return evaluation


@require_GET
@staff_required()
def index(request):
    """Staff of a programme's division or a zone's bureau, and evaluation team members: their zones and
    evaluations. Other staff: 403 (the menu does not offer it to them)."""
    if not selectors.involved(request.user):
        raise PermissionDenied
    return render(request, "evaluations/index.html", {
        "programmes": Programme.objects.filter(division=request.user.department_id) if request.user.department_id
        else Programme.objects.none(),
        "zones": selectors.zones_for(request.user), "evaluations": selectors.evaluations_for(request.user)})


# --- programmes (the division) -----------------------------------------------------------------------------

def _decimal_or_default(value: str, default: int):
    return value.strip() if value and value.strip() else default


@require_http_methods(["GET", "POST"])
@staff_required()
def programme_new(request):
    """Staff of a department with a department set: a new programme run by their own department."""
    if request.user.department_id is None:
        raise PermissionDenied
    posted, error, errors, status = {}, "", {}, 200
    if request.method == "POST":
        posted = request.POST.dict()
        try:
            starts_on, ends_on = _date(posted.get("starts_on", "")), _date(posted.get("ends_on", ""))
            if starts_on is None or ends_on is None:
                raise ValidationFailed(_("Enter the period."), code="required", details={"starts_on": "required"})
            programme = services.programme_create(
                name=posted.get("name", ""), division=request.user.department, starts_on=starts_on, ends_on=ends_on,
                excellent_from=_decimal_or_default(posted.get("excellent_from", ""), 90),
                pass_from=_decimal_or_default(posted.get("pass_from", ""), 60), actor=request.user)
            return redirect("evaluations:programme", pk=programme.pk)
        except ServiceError as exc:
            error, errors, status = str(exc.message), exc.details, exc.status
    return render(request, "evaluations/programme_new.html", {"posted": posted, "error": error, "errors": errors},
                  status=status)


def _programme_or_404(request, pk) -> Programme:
    programme = get_object_or_404(Programme.objects.select_related("division"), pk=pk)
    if not services.is_division(request.user, programme):
        raise Http404
    return programme


def _programme_page(request, programme, *, error="", posted=None, status=200):
    systems = []
    for stage, label in Stage.choices:
        tree = selectors.indicator_tree(programme, stage)
        scored = [i for i in tree if not any(j.parent_id == i.pk for j in tree)]
        systems.append({"stage": stage, "label": label, "tree": tree, "total": sum(i.weight for i in scored),
                        "frozen": services.scoring_started(programme, stage)})
    return render(request, "evaluations/programme.html", {
        "programme": programme, "systems": systems, "stages": Stage.choices,
        "zones": programme.zones.select_related("bureau").prefetch_related("communities", "evaluations"),
        "departments": Department.objects.order_by("name"), "error": error, "posted": posted or {},
    }, status=status)


@require_GET
@staff_required()
def programme_page(request, pk):
    """The programme's division: indicator systems per stage, zones, evaluation teams."""
    return _programme_page(request, _programme_or_404(request, pk))


def _staff(username: str, field: str):
    user = User.objects.filter(username=username.strip(), kind=User.Kind.STAFF, is_active=True).first()
    if user is None:
        raise ValidationFailed(_("No staff account “%(name)s”.") % {"name": username.strip()[:50]},
                               code="unknown_user", details={field: "invalid"})
    return user


@require_POST
@staff_required()
def programme_act(request, pk, action):
    """The division's writes: save an indicator, add a zone, set up an evaluation and its team."""
    programme = _programme_or_404(request, pk)
    post, user = request.POST, request.user
    try:
        if action == "indicator":
            services.indicator_save(programme=programme, stage=post.get("stage", ""), code=post.get("code", ""),
                                    name=post.get("name", ""), weight=post.get("weight", "") or 0,
                                    max_score=post.get("max_score", "") or 100, rule=post.get("rule", ""),
                                    evidence_needed=post.get("evidence_needed", ""),
                                    parent_code=post.get("parent_code", "").strip(), actor=user)
        elif action == "zone":
            bureau_id = post.get("bureau", "")
            bureau = Department.objects.filter(pk=int(bureau_id) if bureau_id.isdigit() else 0).first()
            if bureau is None:
                raise ValidationFailed(_("Choose the bureau."), code="required", details={"bureau": "required"})
            services.zone_create(programme=programme, name=post.get("name", ""), bureau=bureau,
                                 theme=post.get("theme", ""), plan=post.get("plan", ""), actor=user,
                                 communities=[c for c in post.get("communities", "").splitlines() if c.strip()])
        elif action == "evaluation":
            zone = get_object_or_404(Zone, programme=programme, pk=int(post["zone"]) if post.get("zone", "").isdigit() else 0)
            members = []
            for line in post.get("members", "").splitlines():
                if line.strip():
                    username, _sep, affiliation = line.strip().partition(" ")
                    members.append((_staff(username, "members"), affiliation))
            services.evaluation_create(zone=zone, stage=post.get("stage", ""), leader=_staff(post.get("leader", ""), "leader"),
                                       leader_affiliation=post.get("leader_affiliation", ""), members=members, actor=user)
        else:
            raise Http404
    except ServiceError as exc:
        return _programme_page(request, programme, error=str(exc.message), posted=post.dict(), status=exc.status)
    messages.success(request, _("Saved."))
    return redirect("evaluations:programme", pk=programme.pk)


# --- the zone's evidence library -------------------------------------------------------------------------

def _zone_page(request, zone, *, error="", errors=None, posted=None, posted_indicators=None, status=200):
    return render(request, "evaluations/zone.html", {
        "zone": zone, "communities": zone.communities.all(), "library": selectors.evidence_library(zone),
        "figures": selectors.figures(zone), "kinds": Evidence.Kind.choices,
        "indicators": selectors.indicator_choices(zone.programme),
        "may_edit": services.is_bureau(request.user, zone), "evaluations": zone.evaluations.all(),
        "error": error, "errors": errors or {}, "posted": posted or {}, "posted_indicators": posted_indicators or [],
    }, status=status)


@require_GET
@staff_required()
def zone_page(request, pk):
    return _zone_page(request, _zone_or_404(request, pk))


@require_POST
@staff_required()
def zone_act(request, pk, action):
    """The bureau's writes: upload evidence or a new version, retag, enter a figure."""
    zone = _zone_or_404(request, pk)
    post, user = request.POST, request.user
    upload = request.FILES.get("file")
    try:
        if action in ("upload", "version"):
            evidence = None
            if action == "version":
                evidence = get_object_or_404(Evidence, pk=post.get("evidence", "0") if post.get("evidence", "").isdigit() else 0,
                                             zone=zone)
            if upload is None:
                raise ValidationFailed(_("Choose a file."), code="file_missing", details={"file": "required"})
            services.evidence_upload(zone=zone, actor=user, name=upload.name, content=upload.read(), evidence=evidence,
                                     kind=post.get("kind", ""), title=post.get("title", ""),
                                     indicator_ids=post.getlist("indicators"))
            messages.success(request, _("Evidence uploaded."))
        elif action == "tag":
            evidence = get_object_or_404(Evidence, pk=post.get("evidence", "0") if post.get("evidence", "").isdigit() else 0,
                                         zone=zone)
            services.evidence_tag(evidence=evidence, indicator_ids=post.getlist("indicators"), actor=user)
            messages.success(request, _("Indicators saved."))
        elif action == "figure":
            services.figure_set(zone=zone, label=post.get("label", ""), value=post.get("value", ""),
                                unit=post.get("unit", ""), indicator_ids=post.getlist("indicators"), actor=user)
            messages.success(request, _("Figure saved."))
        else:
            raise Http404
    except ServiceError as exc:
        return _zone_page(request, zone, error=str(exc.message), errors=exc.details, posted=post.dict(),
                          posted_indicators=post.getlist("indicators") if action == "upload" else [], status=exc.status)
    return redirect("evaluations:zone", pk=zone.pk)


@require_GET
@staff_required()
def evidence_file(request, pk, version):
    """A version of a piece of evidence, served with the content type its bytes were checked to be."""
    stored = get_object_or_404(EvidenceVersion.objects.select_related("evidence__zone__programme"),
                               evidence_id=pk, number=version)
    if not selectors.may_view_zone(request.user, stored.evidence.zone):
        raise Http404
    with stored.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=stored.content_type)
    response["Content-Disposition"] = f'inline; filename="evidence-{pk}-v{version}{stored.file.name[-4:]}"'
    return response


# --- the evaluation ----------------------------------------------------------------------------------------

def _evaluation_page(request, evaluation, *, error="", errors=None, posted=None, status=200):
    member = services.membership(request.user, evaluation)
    team = list(evaluation.team.select_related("user"))
    return render(request, "evaluations/evaluation.html", {
        "evaluation": evaluation, "zone": evaluation.zone, "team": team, "member": member,
        "is_leader": member is not None and member.role == member.Role.LEADER,
        "all_submitted": all(m.submitted_at for m in team),
        "is_bureau": services.is_bureau(request.user, evaluation.zone),
        "rows": selectors.indicator_rows(evaluation, request.user),
        "visits": evaluation.visits.select_related("community").prefetch_related("photos"), "communities": evaluation.zone.communities.all(),
        "innovations": evaluation.innovations.select_related("community").prefetch_related("evidence"),
        "recommendations": evaluation.recommendations.select_related("responded_by"),
        "library": evaluation.zone.evidence.all(), "tally": selectors.survey_tally(evaluation),
        "survey_url": request.build_absolute_uri(reverse("evaluations:survey", args=[evaluation.survey_token])),
        "error": error, "errors": errors or {}, "posted": posted or {},
    }, status=status)


@require_GET
@staff_required()
def evaluation_page(request, pk):
    return _evaluation_page(request, _evaluation_or_404(request, pk))


def _per_indicator(post, prefix: str, note: str) -> dict[int, tuple[str, str]]:
    return {int(key[len(prefix):]): (value, post.get(f"{note}{key[len(prefix):]}", ""))
            for key, value in post.items() if key.startswith(prefix) and key[len(prefix):].isdigit()}


def _call(action: str, evaluation: Evaluation, user, post):
    def community():
        value = post.get("community", "")
        return get_object_or_404(Community, pk=int(value) if value.isdigit() else 0, zone=evaluation.zone)

    def recommendation():
        value = post.get("recommendation", "")
        return get_object_or_404(Recommendation, pk=int(value) if value.isdigit() else 0, evaluation=evaluation)

    calls = {
        "record": lambda: services.evaluation_record(
            evaluation=evaluation, actor=user, meeting_on=_date(post.get("meeting_on", "")),
            meeting_reporter=post.get("meeting_reporter", ""), meeting_minutes=post.get("meeting_minutes", ""),
            interviews=post.get("interviews", "")),
        "visit": lambda: services.visit_add(evaluation=evaluation, community=community(),
                                            visited_on=_date(post.get("visited_on", "")),
                                            notes=post.get("notes", ""), actor=user),
        "start": lambda: services.scoring_start(evaluation=evaluation, actor=user),
        "score": lambda: services.scores_save(evaluation=evaluation, actor=user,
                                              scores=_per_indicator(post, "score_", "comment_")),
        "submit": lambda: (services.scores_save(evaluation=evaluation, actor=user,
                                                scores=_per_indicator(post, "score_", "comment_")),
                           services.scores_submit(evaluation=evaluation, actor=user)),
        "consensus": lambda: services.consensus_save(evaluation=evaluation, actor=user,
                                                     scores=_per_indicator(post, "consensus_", "note_")),
        "innovation": lambda: services.innovation_add(evaluation=evaluation, community=community(),
                                                      title=post.get("title", ""), description=post.get("description", ""),
                                                      evidence_ids=post.getlist("evidence"), actor=user),
        "conclude": lambda: services.evaluation_conclude(
            evaluation=evaluation, actor=user, recommendations=post.get("recommendations", "").splitlines()),
        "answer": lambda: services.recommendation_answer(recommendation=recommendation(),
                                                         response=post.get("response", ""), actor=user),
    }
    if action not in calls:
        raise Http404
    return calls[action]()


@require_POST
@staff_required()
def evaluation_act(request, pk, action):
    """Run one action; the service decides whether this person may. A refusal re-shows the page with the
    message and what was typed."""
    evaluation = _evaluation_or_404(request, pk)
    try:
        _call(action, evaluation, request.user, request.POST)
    except ServiceError as exc:
        return _evaluation_page(request, _evaluation_or_404(request, pk), error=str(exc.message),
                                errors=exc.details, posted=request.POST.dict(), status=exc.status)
    messages.success(request, _("Saved."))
    return redirect("evaluations:evaluation", pk=evaluation.pk)


@require_POST
@staff_required()
def visit_photo(request, pk, visit):
    """A team member adds a photo to a site visit."""
    evaluation = _evaluation_or_404(request, pk)
    row = get_object_or_404(Visit.objects.select_related("evaluation", "community"), pk=visit, evaluation=evaluation)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationFailed(_("Choose a file."), code="file_missing", details={"file": "required"})
        services.visit_photo_add(visit=row, name=upload.name, content=upload.read(), actor=request.user)
    except ServiceError as exc:
        return _evaluation_page(request, _evaluation_or_404(request, pk), error=str(exc.message), errors=exc.details,
                                status=exc.status)
    messages.success(request, _("Saved."))
    return redirect("evaluations:evaluation", pk=evaluation.pk)


@require_GET
@staff_required()
def visit_photo_file(request, pk, photo):
    """A visit photo, for those who can see the evaluation."""
    evaluation = _evaluation_or_404(request, pk)
    stored = get_object_or_404(VisitPhoto, pk=photo, visit__evaluation=evaluation)
    with stored.file.open("rb") as handle:
        return HttpResponse(handle.read(), content_type=stored.content_type)


def report_pdf(evaluation: Evaluation) -> bytes:
    """The evaluation report, rendered on first download and kept: it only holds what was fixed at the
    conclusion (the bureau's later answers are on the page, not in the numbered report)."""
    if evaluation.report_pdf:
        with evaluation.report_pdf.open("rb") as handle:
            return handle.read()
    content = render_pdf("evaluations/pdf/report.html", {
        "evaluation": evaluation, "zone": evaluation.zone, "team": evaluation.team.select_related("user"),
        "visits": evaluation.visits.select_related("community").prefetch_related("photos"),
        "rows": selectors.indicator_rows(evaluation, None),
        "innovations": evaluation.innovations.select_related("community").prefetch_related("evidence"),
        "recommendations": evaluation.recommendations.all(), "tally": selectors.survey_tally(evaluation),
    })
    evaluation.report_pdf.save(f"evaluation-{evaluation.pk}.pdf", ContentFile(content), save=False)
    Evaluation.objects.filter(pk=evaluation.pk, report_pdf="").update(report_pdf=evaluation.report_pdf.name)
    return content


@require_GET
@staff_required()
def report(request, pk):
    """The numbered report PDF of a concluded evaluation, for the division, the bureau and the team."""
    evaluation = _evaluation_or_404(request, pk)
    if evaluation.state != Evaluation.State.CONCLUDED:
        raise Http404
    response = HttpResponse(report_pdf(evaluation), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="evaluation-report-{evaluation.pk}.pdf"'
    return response


@require_GET
@staff_required()
def survey_qr(request, pk):
    """The survey's QR code (PNG) to print for residents, for those who can see the evaluation."""
    evaluation = _evaluation_or_404(request, pk)
    url = request.build_absolute_uri(reverse("evaluations:survey", args=[evaluation.survey_token]))
    return render(request, "evaluations/survey_qr.html", {"evaluation": evaluation, "url": url, "qr": qr_data_uri(url)})


# --- public ------------------------------------------------------------------------------------------------

@require_GET
def innovations(request):
    """Public: the innovations the evaluation teams named for promotion (典型推广)."""
    return render(request, "evaluations/innovations.html", {"innovations": selectors.published_innovations()})


@require_http_methods(["GET", "POST"])
def survey(request, token):
    """Public, reached by the QR code: the residents' satisfaction survey. One answer per mobile number,
    verified by an SMS code; failures are throttled per address."""
    evaluation = get_object_or_404(Evaluation.objects.select_related("zone"), survey_token=token[:32])
    values, error, errors, status = {}, "", {}, 200
    if request.method == "POST":
        values = request.POST.dict()
        address = client_ip_of(request) or "unknown"
        try:
            if ratelimit.over("survey.address", address):
                raise Conflict(_("Too many failed attempts; please wait 15 minutes and try again."),
                                        code="throttled")
            if values.get("do") == "code":
                services.survey_code_send(evaluation=evaluation, mobile=values.get("mobile", ""))
                messages.success(request, _("A verification code has been sent."))
            else:
                services.survey_answer(evaluation=evaluation, mobile=values.get("mobile", ""),
                                       code=values.get("code", ""), satisfaction=values.get("satisfaction", ""),
                                       comment=values.get("comment", ""))
                return render(request, "evaluations/survey_done.html", {"evaluation": evaluation})
        except ServiceError as exc:
            if exc.code == "bad_code":
                ratelimit.hit("survey.address", address)
            error, errors, status = str(exc.message), exc.details, exc.status
    return render(request, "evaluations/survey.html", {
        "evaluation": evaluation, "values": values, "error": error, "errors": errors, "levels": SATISFACTION,
        "closed": evaluation.state == Evaluation.State.CONCLUDED}, status=status)
