"""Pages of the ratings app. Who may use each is stated on it; the services check again.

Public (the applicant): `rate` (case owner signed in, or the QR token of the result notice),
`complaint_new` and the window rating pad (a paired kiosk). Staff: rectifications, complaints, the urging inbox.
Supervisors: the supervision board, appeal decisions, assignment and urging.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onewindow.accounts.models import Department, Role, User
from onewindow.accounts.permissions import staff_required
from onewindow.cases.models import Case
from onewindow.core.errors import ServiceError, ValidationFailed
from onewindow.hall import pad as hall_pad
from onewindow.hall import selectors as hall_selectors
from onewindow.hall import services as hall_services

from . import selectors, services
from .models import Appeal, Complaint, Level, RatingChannel, Rectification, Urging

ALL_STAFF = tuple(Role.values)
COUNTER = (Role.CLERK, Role.CHIEF_APPROVER)
LEVELS = Level.choices


def _fail(request, exc: ServiceError) -> None:
    messages.error(request, str(exc.message))


# --- the applicant -------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def rate(request, case_no: str):
    """Rate one case (一事一评): its owner account signed in, or anyone holding the QR token of its notice."""
    case = Case.objects.select_related("item_version").filter(case_no=case_no).first()
    token = (request.POST.get("t") or request.GET.get("t") or "").strip()
    via_token = case is not None and bool(token) and services.rating_token_valid(case, token)
    owner = case is not None and case.owner_id is not None and case.owner_id == request.user.pk
    if not (via_token or owner):
        if not request.user.is_authenticated and not token:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    channel = RatingChannel.QR_CODE if via_token and not owner else RatingChannel.PC
    errors = {}
    if request.method == "POST":
        try:
            if request.POST.get("do") == "rate_fix":
                rect = Rectification.objects.filter(case=case, state=Rectification.State.RECTIFIED).first()
                if rect is None:
                    raise Http404
                services.rectification_rate_fix(rectification=rect, actor=request.user, level=request.POST.get("level", ""),
                                                token=token if via_token else "")
                messages.success(request, _("Thank you: your rating of the rectification is recorded."))
            else:
                scores = {}
                for key in ("overall", "efficiency", "guide_accuracy", "convenience", "usability"):
                    value = request.POST.get(f"score_{key}", "")
                    if value.isdigit():
                        scores[key] = int(value)
                services.rating_submit(case=case, actor=request.user, channel=channel,
                                       level=request.POST.get("level", ""), scores=scores,
                                       text=request.POST.get("text", ""), anonymous=request.POST.get("anonymous") == "on",
                                       token=token if channel == RatingChannel.QR_CODE else "")
                messages.success(request, _("Thank you: your rating is recorded."))
            return redirect(f"{request.path}?t={token}" if via_token else request.path)
        except ServiceError as exc:
            _fail(request, exc)
            errors = exc.details
    ratings = list(case.ratings.filter(visit="").order_by("attempt"))
    rect = Rectification.objects.filter(case=case).exclude(state=Rectification.State.CLOSED).first()
    return render(request, "ratings/rate.html", {
        "case": case, "token": token if via_token else "", "levels": LEVELS, "ratings": ratings,
        "may_rate": len(ratings) < 2 and not any(r.channel == RatingChannel.DEFAULT for r in ratings),
        "rectification": rect, "errors": errors, "values": request.POST,
        "indicators": [("overall", _("Overall")), ("efficiency", _("Efficiency")),
                       ("guide_accuracy", _("Accuracy of the guide")), ("convenience", _("Convenience")),
                       ("usability", _("Ease of use"))],
    })


@require_http_methods(["GET", "POST"])
def complaint_new(request):
    """投诉 / 举报 intake: anyone on the portal (signed in or not); staff at the window."""
    staff = getattr(request.user, "is_staff_member", False)
    values, errors = {}, {}
    if request.method == "POST":
        values = request.POST.dict()
        try:
            complaint = services.complaint_create(
                kind=values.get("kind", ""), source=Complaint.Source.WINDOW if staff else Complaint.Source.PORTAL,
                category=values.get("category", Complaint.Category.OTHER), subject=values.get("subject", ""),
                content=values.get("content", ""), actor=request.user if request.user.is_authenticated else None,
                case_no=values.get("case_no", ""), anonymous=values.get("anonymous") == "on",
                person_name=values.get("person_name", ""), person_mobile=values.get("person_mobile", ""))
            return render(request, "ratings/complaint_received.html", {"complaint": complaint})
        except ServiceError as exc:
            _fail(request, exc)
            errors = exc.details
    elif request.user.is_authenticated and not staff:
        values = {"person_name": request.user.full_name, "person_mobile": request.user.mobile}
    values.setdefault("kind", request.GET.get("kind", Complaint.Kind.COMPLAINT))
    values.setdefault("case_no", request.GET.get("case", ""))
    return render(request, "ratings/complaint_new.html", {
        "values": values, "errors": errors, "kinds": Complaint.Kind.choices, "categories": Complaint.Category.choices})


# --- the window rating pad ------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def pad(request):
    """Public: the tablet at a window (评价器), a kiosk that is never signed in, so it shows no staff navigation
    and leads nowhere else. The window's clerk pairs it once with a code from the desk page (hall.pad); it then
    offers the ticket whose service just ended there with its case (or, at a window without tickets, the case
    just handled there), rated with one tap (一次一评)."""
    if request.method == "POST" and request.POST.get("do") == "pair":
        return _pad_pair(request)
    window, clerk = hall_pad.pad_from_cookie(request.COOKIES.get(hall_pad.COOKIE))
    if window is None:
        return render(request, "ratings/pad.html", {"pairing": True})
    ticket = hall_selectors.pad_ticket(window)
    case = services.pad_case(window)
    if ticket is not None and (ticket.case_id is None or case is None or case.pk != ticket.case_id):
        case = None  # rate this ticket's service; another person's earlier case is not theirs to rate
    if case is not None and case.ratings.filter(channel=RatingChannel.WINDOW_PAD,
                                               visit=services.today().isoformat()).exists():
        case = None
    if request.method == "POST":
        posted_ticket, posted_case = request.POST.get("ticket", ""), request.POST.get("case_no", "")
        if (ticket is None or posted_ticket != str(ticket.pk)) and (case is None or posted_case != case.case_no):
            messages.error(request, _("This service has already been rated."))
            return redirect("ratings:pad")
        level = request.POST.get("level", "")
        try:
            with transaction.atomic():
                if ticket is not None and posted_ticket == str(ticket.pk):
                    hall_services.ticket_rate(ticket=ticket, level=level, levels=Level.values)
                if case is not None and posted_case == case.case_no:
                    services.rating_submit(case=case, actor=clerk, channel=RatingChannel.WINDOW_PAD, level=level)
            messages.success(request, _("Thank you for your rating."))
        except ServiceError as exc:
            _fail(request, exc)
        return redirect("ratings:pad")
    return render(request, "ratings/pad.html", {"ticket": ticket, "case": case, "levels": LEVELS, "window": window})


def _pad_pair(request):
    try:
        value = hall_pad.pad_pair(code=request.POST.get("code", ""))
    except ServiceError as exc:
        _fail(request, exc)
        return redirect("ratings:pad")
    logout(request)  # a pad that was signed in as staff must not stay so
    response = redirect("ratings:pad")
    response.set_cookie(hall_pad.COOKIE, value, max_age=hall_pad.COOKIE_SECONDS, httponly=True, samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE)
    return response


# --- rectification and appeals ----------------------------------------------------------------------------

@require_GET
@staff_required(*ALL_STAFF)
def rectification_list(request):
    """Bad reviews and their rectification: the unit's own; supervisors see all (and pending appeals)."""
    rows = list(selectors.rectifications_for(request.user).order_by("state", "rectify_due")[:300])
    for rect in rows:
        rect.light = services.rectification_light(rect)
    appeals = list(selectors.pending_appeals()) if request.user.has_role(Role.SUPERVISOR) else []
    return render(request, "ratings/rectification_list.html", {"rows": rows, "appeals": appeals})


@require_http_methods(["GET", "POST"])
@staff_required(*ALL_STAFF)
def rectification_detail(request, pk: int):
    """One rectification: the unit records the visit, the outcome, or files an appeal; a supervisor decides."""
    rect = selectors.rectifications_for(request.user).filter(pk=pk).first()
    if rect is None:
        raise Http404
    if request.method == "POST":
        do, post = request.POST.get("do", ""), request.POST
        try:
            if do == "visit":
                services.rectification_visit(rectification=rect, actor=request.user, note=post.get("note", ""))
            elif do == "record":
                services.rectification_record(rectification=rect, actor=request.user, outcome=post.get("outcome", ""),
                                              note=post.get("note", ""))
            elif do == "appeal":
                services.appeal_file(rectification=rect, actor=request.user, reason=post.get("reason", ""))
            elif do in ("uphold", "reject"):
                appeal = rect.appeals.filter(state=Appeal.State.PENDING).first()
                if appeal is None:
                    raise Http404
                services.appeal_decide(appeal=appeal, actor=request.user, uphold=do == "uphold",
                                       note=post.get("note", ""))
            else:
                raise Http404
            messages.success(request, _("Saved."))
            return redirect("ratings:rectification", pk=rect.pk)
        except ServiceError as exc:
            _fail(request, exc)
    rect.light = services.rectification_light(rect)
    return render(request, "ratings/rectification.html", {
        "rect": rect, "appeals": list(rect.appeals.select_related("filed_by", "decided_by")),
        "outcomes": Rectification.Outcome.choices, "may_handle": services.may_handle_rectification(request.user, rect),
        "is_supervisor": request.user.has_role(Role.SUPERVISOR)})


# --- complaints and reports ------------------------------------------------------------------------------------

@require_GET
@staff_required(*ALL_STAFF)
def complaint_list(request):
    """Complaints and reports: supervisors see all; other staff those assigned to them or their unit."""
    rows = list(selectors.complaints_for(request.user).order_by("state", "due_on")[:300])
    for c in rows:
        c.identity_visible = services.identity_visible(request.user, c)
    return render(request, "ratings/complaint_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def complaint_detail(request, tracking_no: str):
    """The person who filed it (signed in) sees the reply and rates it; assigned staff reply; a supervisor
    assigns. Nobody else."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    staff = getattr(request.user, "is_staff_member", False)
    qs = selectors.complaints_for(request.user) if staff else Complaint.objects.filter(submitted_by=request.user)
    complaint = qs.filter(tracking_no=tracking_no).first()
    if complaint is None:
        raise Http404
    if request.method == "POST":
        do, post = request.POST.get("do", ""), request.POST
        try:
            if do == "assign":
                department = Department.objects.filter(pk=post.get("department") or 0).first()
                if department is None:
                    raise ValidationFailed(_("Choose a unit."), details={"department": "required"})
                assignee = User.objects.filter(pk=post.get("assignee") or 0).first() if post.get("assignee") else None
                services.complaint_assign(complaint=complaint, actor=request.user, department=department,
                                          assignee=assignee)
            elif do == "reply":
                services.complaint_reply(complaint=complaint, actor=request.user, reply=post.get("reply", ""))
            elif do == "rate_reply":
                services.complaint_rate_reply(complaint=complaint, actor=request.user, level=post.get("level", ""))
            elif do == "urge":
                services.urge(actor=request.user, complaint=complaint, message=post.get("message", ""))
            else:
                raise Http404
            messages.success(request, _("Saved."))
            return redirect("ratings:complaint", tracking_no=complaint.tracking_no)
        except ServiceError as exc:
            _fail(request, exc)
    supervisor = staff and request.user.has_role(Role.SUPERVISOR)
    return render(request, "ratings/complaint.html", {
        "c": complaint, "staff": staff, "supervisor": supervisor, "levels": LEVELS,
        "identity_visible": services.identity_visible(request.user, complaint),
        "may_reply": staff and services.may_handle_complaint(request.user, complaint),
        "departments": Department.objects.order_by("name") if supervisor else [],
        "staff_users": User.objects.filter(kind=User.Kind.STAFF, is_active=True).order_by("username")
        if supervisor else []})


# --- supervision ------------------------------------------------------------------------------------------------

@require_GET
@staff_required(Role.SUPERVISOR)
def board(request):
    """电子监察: yellow and red cases by item, unit, window and person; overdue notices, supplements, bad
    reviews and complaints. Supervisors only."""
    return render(request, "ratings/board.html", {"board": selectors.board()})


@require_POST
@staff_required(Role.SUPERVISOR)
def urge(request):
    """督办 from the board: a message to whoever handles the case, rectification or complaint."""
    subject, ref, message = request.POST.get("subject", ""), request.POST.get("ref", ""), request.POST.get("message", "")
    target = {}
    if subject == Urging.Subject.CASE:
        target["case"] = Case.objects.filter(case_no=ref).first()
    elif subject == Urging.Subject.RECTIFICATION and ref.isdigit():
        target["rectification"] = Rectification.objects.filter(pk=ref).first()
    elif subject == Urging.Subject.COMPLAINT:
        target["complaint"] = Complaint.objects.filter(tracking_no=ref).first()
    if not target or None in target.values():
        raise Http404
    try:
        services.urge(actor=request.user, message=message, **target)
        messages.success(request, _("Urging sent."))
    except ServiceError as exc:
        _fail(request, exc)
    return redirect("ratings:board")


@require_http_methods(["GET", "POST"])
@staff_required(*ALL_STAFF)
def inbox(request):
    """Urgings addressed to me; I acknowledge them. Any staff member (own inbox only)."""
    if request.method == "POST":
        urging = Urging.objects.filter(pk=request.POST.get("urging") or 0, to_user=request.user).first()
        if urging is None:
            raise Http404
        services.urging_acknowledge(urging=urging, actor=request.user)
        return redirect("ratings:inbox")
    return render(request, "ratings/inbox.html", {"rows": list(selectors.urgings_to(request.user)[:200])})
