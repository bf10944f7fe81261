"""Pages of volunteer service.

Public: the volunteer home (activities to join, past activities with their record and photos, teams,
totals per team and month), an activity, photos, and the verification of a 志愿服务记录证明 (reached
through /verify/<token>). Volunteers (portal applicant accounts): registration, sign-up, the QR check-in
page, their own record and certificates. Team managers (staff named on a team): their teams only.
"""

import datetime
import mimetypes

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onewindow.accounts.models import User
from onewindow.accounts.permissions import staff_required
from onewindow.core.errors import ServiceError, ValidationFailed
from onewindow.core.masking import mask_id_number, mask_mobile
from onewindow.core.pdf import qr_data_uri
from onewindow.portal.views import applicant_required

from . import selectors, services
from .models import Activity, ActivityKind, ActivityPhoto, Membership, Participation, RecordEntry, Team
from .printing import certificate_pdf


def _fail(request, exc: ServiceError):
    messages.error(request, str(exc.message))


def _volunteer_or_register(request):
    volunteer = selectors.volunteer_of(request.user)
    if volunteer is None:
        messages.info(request, _("Register as a volunteer first."))
    return volunteer


# --- public ------------------------------------------------------------------------------------------------

@require_GET
def home(request):
    """Anyone."""
    return render(request, "volunteers/home.html", {
        "upcoming": selectors.upcoming_activities()[:selectors.PUBLIC_LIST_LIMIT],
        "past": selectors.past_activities()[:selectors.PUBLIC_LIST_LIMIT],
        "teams": selectors.teams(), "totals": selectors.totals_by_team_and_month()})


@require_GET
def activity_detail(request, pk: int):
    """Anyone: an activity, with the sign-up button for volunteers."""
    activity = selectors.activity_public(pk)
    if activity is None:
        raise Http404
    volunteer = selectors.volunteer_of(request.user)
    mine = volunteer and Participation.objects.filter(activity=activity, volunteer=volunteer).first()
    return render(request, "volunteers/activity.html", {"activity": activity, "volunteer": volunteer, "mine": mine,
                                                        "ended": activity.ends_at <= timezone.now()})


@require_GET
def photo(request, pk: int):
    """Anyone: a photo of a published activity."""
    item = get_object_or_404(ActivityPhoto.objects.select_related("activity"), pk=pk,
                             activity__status=Activity.Status.PUBLISHED)
    return FileResponse(item.image.open("rb"), content_type=mimetypes.guess_type(item.image.name)[0])


def render_verification(request, token: str):
    """The public verification page (/verify/<token>, rate-limited there) when the token is not a licence's:
    the printed data of a 志愿服务记录证明, or None when it is not one either (`certificates.sharers`)."""
    certificate = selectors.certificate_by_token(token)
    if certificate is None:
        return None
    return render(request, "volunteers/verify.html", {"certificate": certificate, "p": certificate.printed})


# --- volunteers --------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@applicant_required
def register(request):
    """Portal applicants: become a volunteer (a minor records the guardian's consent)."""
    volunteer = selectors.volunteer_of(request.user)
    user = request.user
    minor = services.is_minor(user.id_number, timezone.localdate())
    values = request.POST if request.method == "POST" else {
        "skills": getattr(volunteer, "skills", ""), "availability": getattr(volunteer, "availability", "")}
    if request.method == "POST":
        try:
            services.volunteer_register(
                user=user, skills=request.POST.get("skills", ""), availability=request.POST.get("availability", ""),
                guardian_name=request.POST.get("guardian_name", ""),
                guardian_mobile=request.POST.get("guardian_mobile", ""),
                guardian_consent=request.POST.get("guardian_consent") == "on")
        except ServiceError as exc:
            return render(request, "volunteers/register.html", {
                "values": values, "error": exc.message, "minor": minor, "masked_id": mask_id_number(user.id_number),
                "masked_mobile": mask_mobile(user.mobile)}, status=422)
        messages.success(request, _("You are registered as a volunteer."))
        return redirect(request.GET.get("next") if (request.GET.get("next") or "").startswith("/volunteers/")
                        else "volunteers:me")
    return render(request, "volunteers/register.html", {
        "values": values, "minor": minor, "volunteer": volunteer, "masked_id": mask_id_number(user.id_number),
        "masked_mobile": mask_mobile(user.mobile)})


@require_POST
@applicant_required
def signup(request, pk: int):
    """Volunteers: sign up for an activity."""
    activity = get_object_or_404(Activity, pk=pk)
    volunteer = _volunteer_or_register(request)
    if volunteer is None:
        return redirect(reverse("volunteers:register") + f"?next={activity.get_absolute_url()}")
    try:
        services.activity_signup(activity=activity, volunteer=volunteer, actor=request.user)
    except ServiceError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("You have signed up. Scan the QR code at the place to check in."))
    return redirect(activity.get_absolute_url())


@require_http_methods(["GET", "POST"])
@applicant_required
def checkin(request, code: str):
    """Volunteers, by the QR code at the place: check in and out (the server's time is recorded)."""
    activity = get_object_or_404(Activity.objects.select_related("team"), checkin_code=code)
    volunteer = _volunteer_or_register(request)
    if volunteer is None:
        return redirect(reverse("volunteers:register") + f"?next={request.path}")
    if request.method == "POST":
        action = request.POST.get("action")
        service = {"in": services.check_in, "out": services.check_out}.get(action)
        try:
            if service is None:
                raise ValidationFailed(_("Unknown action."), code="bad_action")
            done = service(activity=activity, volunteer=volunteer, code=code, actor=request.user)
        except ServiceError as exc:
            _fail(request, exc)
        else:
            if action == "in":
                messages.success(request, _("Checked in at %(time)s.")
                                 % {"time": timezone.localtime(done.checked_in_at).strftime("%H:%M")})
            else:
                messages.success(request, _("Checked out at %(time)s; %(hours)s hours served, waiting for the "
                                            "team manager's confirmation.")
                                 % {"time": timezone.localtime(done.checked_out_at).strftime("%H:%M"),
                                    "hours": done.hours})
        return redirect("volunteers:checkin", code=code)
    mine = Participation.objects.filter(activity=activity, volunteer=volunteer).first()
    return render(request, "volunteers/checkin.html", {"activity": activity, "mine": mine, "code": code})


@require_GET
@applicant_required
def me(request):
    """Volunteers: their own record only (activities, hours, teams, certificates)."""
    volunteer = selectors.volunteer_of(request.user)
    if volunteer is None:
        return redirect("volunteers:register")
    return render(request, "volunteers/me.html", {
        "volunteer": volunteer, "masked_id": mask_id_number(request.user.id_number),
        "participations": selectors.own_participations(volunteer),
        "memberships": selectors.own_memberships(volunteer), "certificates": selectors.own_certificates(volunteer),
        "entries": selectors.own_entries(volunteer),
        "by_team": selectors.confirmed_hours_by_team(volunteer),
        "joinable": Team.objects.exclude(memberships__volunteer=volunteer).order_by("name")})


@require_POST
@applicant_required
def withdraw(request, pk: int):
    """Volunteers: withdraw their own sign-up before checking in."""
    volunteer = selectors.volunteer_of(request.user)
    participation = get_object_or_404(Participation.objects.select_related("volunteer"), pk=pk,
                                      volunteer=volunteer) if volunteer else None
    if participation is None:
        raise Http404
    try:
        services.signup_withdraw(participation=participation, actor=request.user)
    except ServiceError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("You have withdrawn from the activity."))
    return redirect("volunteers:me")


@require_POST
@applicant_required
def join_team(request, pk: int):
    """Volunteers: apply to join a team (a manager approves)."""
    team = get_object_or_404(Team, pk=pk)
    volunteer = _volunteer_or_register(request)
    if volunteer is None:
        return redirect("volunteers:register")
    try:
        services.membership_request(team=team, volunteer=volunteer, actor=request.user)
    except ServiceError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Your application to join %(team)s is waiting for approval.") % {"team": team})
    return redirect("volunteers:me")


@require_POST
@applicant_required
def certificate_request(request):
    """Volunteers: ask for a 志愿服务记录证明 of one team's confirmed hours (issued at once, free)."""
    volunteer = _volunteer_or_register(request)
    if volunteer is None:
        return redirect("volunteers:register")
    team = Team.objects.filter(pk=request.POST.get("team") if (request.POST.get("team") or "").isdigit() else None
                               ).first()
    if team is None:
        messages.error(request, _("Choose the team whose records are to be certified."))
        return redirect("volunteers:me")
    try:
        certificate = services.certificate_issue(volunteer=volunteer, team=team, actor=request.user)
    except ServiceError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Certificate %(number)s is issued.") % {"number": certificate.number})
    return redirect("volunteers:me")


@require_GET
@applicant_required
def certificate_download(request, token: str):
    """Volunteers: the PDF of their own certificate only."""
    volunteer = selectors.volunteer_of(request.user)
    certificate = selectors.certificate_by_token(token)
    if volunteer is None or certificate is None or certificate.volunteer_id != volunteer.pk:
        raise Http404
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="volunteer-certificate-{certificate.pk}.pdf"'
    return response


# --- team managers ------------------------------------------------------------------------------------------

def _managed_activity(request, pk: int) -> Activity:
    activity = get_object_or_404(Activity.objects.select_related("team"), pk=pk)
    if not services.is_manager(request.user, activity.team):
        raise Http404  # a manager sees only their teams' activities
    return activity


def _local(value: str, label: str) -> datetime.datetime:
    try:
        parsed = datetime.datetime.fromisoformat((value or "").strip())
    except ValueError:
        raise ValidationFailed(_("%(field)s: enter a date and time.") % {"field": label}, code="bad_time") from None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


@require_GET
@staff_required()
def manage(request):
    """Team managers: their teams, activities and membership applications."""
    return render(request, "volunteers/manage.html", {
        "teams": selectors.managed_teams(request.user), "activities": selectors.managed_activities(request.user),
        "pending": selectors.pending_memberships(request.user), "kinds": ActivityKind.choices,
        "members": selectors.team_members(request.user), "entry_kinds": RecordEntry.Kind.choices})


@require_POST
@staff_required()
def activity_new(request):
    """Team managers: publish an activity of one of their teams."""
    team = Team.objects.filter(pk=request.POST.get("team") if (request.POST.get("team") or "").isdigit() else None,
                               managers=request.user).first()
    try:
        if team is None:
            raise ValidationFailed(_("Choose one of your teams."), code="bad_team")
        activity = services.activity_publish(
            team=team, title=request.POST.get("title", ""), kind=request.POST.get("kind", ""),
            starts_at=_local(request.POST.get("starts_at", ""), _("Start")),
            ends_at=_local(request.POST.get("ends_at", ""), _("End")), place=request.POST.get("place", ""),
            address=request.POST.get("address", ""), needed=request.POST.get("needed", ""),
            contact=request.POST.get("contact", ""), requirements=request.POST.get("requirements", ""),
            actor=request.user)
    except ServiceError as exc:
        _fail(request, exc)
        return redirect("volunteers:manage")
    messages.success(request, _("The activity is published."))
    return redirect("volunteers:manage_activity", pk=activity.pk)


@require_GET
@staff_required()
def manage_activity(request, pk: int):
    """Team managers: the roster with times, hours and corrections; the QR code for check-in."""
    activity = _managed_activity(request, pk)
    checkin_url = request.build_absolute_uri(reverse("volunteers:checkin", args=[activity.checkin_code]))
    return render(request, "volunteers/manage_activity.html", {
        "activity": activity, "roster": selectors.activity_roster(activity), "qr": qr_data_uri(checkin_url, scale=6),
        "checkin_url": checkin_url, "deadline": services.record_deadline(activity),
        "span": services.span_hours(activity), "ended": activity.ends_at <= timezone.now()})


def _participation(request, pk: int) -> Participation:
    participation = get_object_or_404(Participation.objects.select_related("activity__team"), pk=pk)
    if not services.is_manager(request.user, participation.activity.team):
        raise Http404
    return participation


@require_POST
@staff_required()
def confirm(request, pk: int):
    """Team managers: confirm the hours of a checked-out volunteer (audited)."""
    participation = _participation(request, pk)
    try:
        services.hours_confirm(participation=participation, actor=request.user, hours=request.POST.get("hours"),
                               late_reason=request.POST.get("late_reason", ""))
    except ServiceError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Hours confirmed."))
    return redirect("volunteers:manage_activity", pk=participation.activity_id)


@require_POST
@staff_required()
def correct(request, pk: int):
    """Team managers: correct a time or the hours with a reason (both versions kept, audited)."""
    participation = _participation(request, pk)
    try:
        services.participation_correct(
            participation=participation, actor=request.user, reason=request.POST.get("reason", ""),
            checked_in_at=_local(request.POST["checked_in_at"], _("Check-in"))
            if request.POST.get("checked_in_at") else None,
            checked_out_at=_local(request.POST["checked_out_at"], _("Check-out"))
            if request.POST.get("checked_out_at") else None,
            hours=request.POST.get("hours"))
    except ServiceError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The correction is recorded."))
    return redirect("volunteers:manage_activity", pk=participation.activity_id)


@require_POST
@staff_required()
def add_volunteer(request, pk: int):
    """Team managers: add a registered volunteer by mobile number."""
    activity = _managed_activity(request, pk)
    user = User.objects.filter(username=(request.POST.get("mobile") or "").strip()[:20],
                               kind=User.Kind.APPLICANT).first()
    volunteer = selectors.volunteer_of(user) if user else None
    try:
        if volunteer is None:
            raise ValidationFailed(_("No registered volunteer has this mobile number."), code="no_volunteer")
        services.activity_signup(activity=activity, volunteer=volunteer, actor=request.user)
    except ServiceError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The volunteer is added."))
    return redirect("volunteers:manage_activity", pk=pk)


@require_POST
@staff_required()
def record(request, pk: int):
    """Team managers: write the record after the activity (and add a photo)."""
    activity = _managed_activity(request, pk)
    try:
        if request.POST.get("summary") is not None:
            services.activity_record(activity=activity, summary=request.POST.get("summary", ""),
                                     feedback=request.POST.get("feedback", ""), actor=request.user)
        upload = request.FILES.get("photo")
        if upload is not None:
            services.activity_photo_add(activity=activity, name=upload.name, content=upload.read(),
                                        caption=request.POST.get("caption", ""), actor=request.user)
    except ServiceError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The activity record is saved."))
    return redirect("volunteers:manage_activity", pk=pk)


@require_POST
@staff_required()
def cancel(request, pk: int):
    """Team managers: cancel an activity that has not started, with a reason."""
    activity = _managed_activity(request, pk)
    try:
        services.activity_cancel(activity=activity, reason=request.POST.get("reason", ""), actor=request.user)
    except ServiceError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The activity is cancelled."))
    return redirect("volunteers:manage_activity", pk=pk)


@require_POST
@staff_required()
def add_entry(request, pk: int):
    """Team managers: record a training or a commendation of a member."""
    membership = get_object_or_404(Membership.objects.select_related("team", "volunteer"), pk=pk)
    if not services.is_manager(request.user, membership.team):
        raise Http404
    try:
        try:
            on = datetime.date.fromisoformat(request.POST.get("on", ""))
        except ValueError:
            raise ValidationFailed(_("Enter a date that is not in the future."), code="bad_date") from None
        services.entry_add(team=membership.team, volunteer=membership.volunteer, kind=request.POST.get("kind", ""),
                           title=request.POST.get("title", ""), on=on, actor=request.user)
    except ServiceError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The record is added."))
    return redirect("volunteers:manage")


@require_POST
@staff_required()
def decide_membership(request, pk: int):
    """Team managers: approve or refuse a member."""
    membership = get_object_or_404(Membership.objects.select_related("team"), pk=pk)
    if not services.is_manager(request.user, membership.team):
        raise Http404
    try:
        services.membership_decide(membership=membership, approve=request.POST.get("approve") == "1",
                                   actor=request.user)
    except ServiceError as exc:
        _fail(request, exc)
    return redirect("volunteers:manage")
