"""The public portal (民政服务网络旗舰店).

Who may use what: the home page, the service finder, sign-up/sign-in and the progress query are public;
everything under my/ is for the signed-in applicant and only for their own cases (another applicant gets
404, staff get 403); /progress/<case_no> is for the owner or a browser that has given the progress proof.
"""

import datetime
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onewindow.accounts.models import User
from onewindow.accounts.permissions import staff_required
from onewindow.cases.documents import document_response, material_file_response
from onewindow.cases.models import CaseDocument, CaseState
from onewindow.cases.querycode import progress_query_code
from onewindow.cases.reuse import reuse_source
from onewindow.cases.selectors import case_light
from onewindow.catalog.models import Channel, FormField, Item, OrgKind
from onewindow.certificates.models import ReplacementReason
from onewindow.certificates.printing import certificate_pdf
from onewindow.certificates.selectors import certificates_for_cases
from onewindow.core import ratelimit
from onewindow.core.clients import client_ip_of
from onewindow.core.errors import PermissionDenied as ServicePermissionDenied
from onewindow.core.errors import ServiceError, ValidationFailed
from onewindow.core.uploads import sniff
from onewindow.ratings.selectors import complaint_for_proof, complaint_public, is_tracking_number

from . import binding, progresscache, selectors, services
from .models import ApplicantProfile, DeliveryChoice, OneTimeCode

COMPLAINT_PROOF_KEY = "portal_progress_complaints"


def applicant_required(view):
    """Signed-in applicants only: anonymous users are sent to sign in, staff and others get 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url=reverse("portal:signin"))
        if user.kind != User.Kind.APPLICANT or not user.is_active:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _owned_or_404(request, case_no):
    case = selectors.case_for_owner(request.user, case_no)
    if case is None:
        raise Http404
    return case


def _errors(exc: ServiceError) -> dict:
    return exc.details if isinstance(exc.details, dict) else {}


def _address(request) -> str:
    return client_ip_of(request) or "unknown"


# --- public pages -----------------------------------------------------------------------------------

@require_GET
def home(request):
    """Public: search, life events and the ways in."""
    grouped = selectors.services_grouped()
    return render(request, "portal/home.html", {"by_topic": grouped["by_topic"][:8]})


@require_GET
def services_list(request):
    """Public: the published items by life event and organisation kind, searchable (Chinese or pinyin)."""
    q = request.GET.get("q", "").strip()[:100]
    org_kind = request.GET.get("org_kind", "") if request.GET.get("org_kind") in OrgKind.values else ""
    grouped = selectors.services_grouped(q=q, org_kind=org_kind)
    return render(request, "portal/services.html", {**grouped, "q": q, "org_kind": org_kind,
                                                    "org_kinds": OrgKind.choices})


# --- sign-up and sign-in ----------------------------------------------------------------------------

def _send_code(request, mobile: str, purpose: str, *, quiet: bool = False) -> tuple[str, dict]:
    """Send a code: limited per number and purpose (services.code_send) and per address here."""
    if not ratelimit.hit("sms.address", _address(request)):
        return _("Too many codes were asked for from this network; please try again in an hour."), {}
    try:
        services.code_send(mobile=mobile, purpose=purpose)
    except ServiceError as exc:
        return str(exc.message), _errors(exc)
    if not quiet:
        messages.success(request, _("A verification code has been sent to %(mobile)s.") % {"mobile": mobile})
    return "", {}


def _sign_in(request, user: User, method: str):
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session.set_expiry(settings.PORTAL_SESSION_SECONDS)
    services.signin_record(user=user, method=method, address=client_ip_of(request))


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return default


@require_GET
def signup(request):
    """Public: choose to sign up as a person or for an organisation."""
    return render(request, "portal/signup.html")


@require_http_methods(["GET", "POST"])
def signup_person(request):
    """Public: a natural person signs up (name, ID number, mobile with a one-time code, optional password)."""
    values = request.POST.dict() if request.method == "POST" else {}
    values.pop("password", None)
    error, errors, status = "", {}, 200
    if request.method == "POST":
        post = request.POST
        if post.get("action") == "send_code":
            error, errors = _send_code(request, post.get("mobile", "").strip(), OneTimeCode.Purpose.SIGNUP)
        else:
            try:
                user = services.applicant_signup_person(
                    full_name=post.get("full_name", ""), id_number=post.get("id_number", ""),
                    mobile=post.get("mobile", ""), code=post.get("code", ""), password=post.get("password", ""))
            except ServiceError as exc:
                error, errors = str(exc.message), _errors(exc)
            else:
                return _signed_up(request, user)
        status = 422 if error else 200
    return render(request, "portal/signup_person.html", {"values": values, "error": error, "errors": errors,
                                                         "next": _next_url(request, "")}, status=status)


def _signed_up(request, user):
    _sign_in(request, user, "signup")
    messages.success(request, _("Welcome, %(name)s. Your account is ready.") % {"name": user.full_name})
    return redirect(_next_url(request, reverse("portal:my_cases")))


@require_http_methods(["GET", "POST"])
def signup_organisation(request):
    """Public: a handler signs up for an organisation (credit code, identity, authorisation letter)."""
    values = request.POST.dict() if request.method == "POST" else {}
    values.pop("password", None)
    error, errors, status = "", {}, 200
    if request.method == "POST":
        post = request.POST
        if post.get("action") == "send_code":
            error, errors = _send_code(request, post.get("mobile", "").strip(), OneTimeCode.Purpose.SIGNUP)
        elif not ratelimit.hit("upload.address", _address(request)):  # anonymous uploads, per address
            error = _("Too many uploads from this network; please try again in an hour.")
        else:
            upload = request.FILES.get("authorisation")
            try:
                user = services.applicant_signup_organisation(
                    organisation_name=post.get("organisation_name", ""), credit_code=post.get("credit_code", ""),
                    handler_name=post.get("handler_name", ""), handler_id_number=post.get("handler_id_number", ""),
                    mobile=post.get("mobile", ""), code=post.get("code", ""),
                    authorisation_name=upload.name if upload else "",
                    authorisation_content=upload.read() if upload else b"", password=post.get("password", ""))
            except ServiceError as exc:
                error, errors = str(exc.message), _errors(exc)
            else:
                return _signed_up(request, user)
        status = 422 if error else 200
    return render(request, "portal/signup_organisation.html", {"values": values, "error": error, "errors": errors,
                                                               "next": _next_url(request, "")}, status=status)


@require_http_methods(["GET", "POST"])
def signin(request):
    """Public: sign in with mobile + password or mobile + one-time code; throttled per account and address."""
    values = {"mobile": request.POST.get("mobile", "").strip(), "method": request.POST.get("method", "code")}
    error = ""
    if request.method == "POST":
        mobile, address = values["mobile"], _address(request)
        action = request.POST.get("action", "")
        if ratelimit.over("signin.account", mobile) or ratelimit.over("signin.address", address):
            error = _("Too many failed attempts; please wait 15 minutes and try again.")
        elif action != "send_code" and not ratelimit.attempt(("signin.account", mobile), ("signin.address", address)):
            error = _("Too many failed attempts; please wait 15 minutes and try again.")
        elif action == "send_code":
            # Only registered numbers get a code; the answer is the same either way (no account probing).
            if User.objects.filter(username=mobile, kind=User.Kind.APPLICANT, is_active=True).exists():
                error, _ignored = _send_code(request, mobile, OneTimeCode.Purpose.LOGIN, quiet=True)
            if not error:
                messages.info(request, _("If an account uses this number, a code has been sent to it."))
        else:
            user = _authenticate(request, mobile, values["method"])
            if user is None:  # the attempt was counted before checking it: concurrent guesses cannot all pass
                error = (_("The mobile number or password is wrong.") if values["method"] == "password"
                         else _("The verification code is wrong or has expired; ask for a new one."))
            else:
                ratelimit.clear("signin.account", mobile)
                ratelimit.refund(("signin.address", address))
                _sign_in(request, user, values["method"])
                return redirect(_next_url(request, reverse("portal:my_cases")))
    return render(request, "portal/signin.html", {"values": values, "error": error,
                                                  "next": _next_url(request, "")}, status=422 if error else 200)


def _authenticate(request, mobile: str, method: str) -> User | None:
    account = User.objects.filter(username=mobile, kind=User.Kind.APPLICANT, is_active=True).first()
    if method == "password":
        user = authenticate(request, username=mobile, password=request.POST.get("password", ""))
        return user if user is not None and user.kind == User.Kind.APPLICANT else None
    try:
        services.code_check(mobile=mobile, purpose=OneTimeCode.Purpose.LOGIN, code=request.POST.get("code", ""))
    except ValidationFailed:
        return None
    return account


# --- applying ---------------------------------------------------------------------------------------

def _channel(request) -> str:
    return Channel.MOBILE if "Mobi" in request.headers.get("User-Agent", "") else Channel.PC


@require_http_methods(["GET", "POST"])
def apply_start(request, code):
    """Public page; starting (POST) needs a signed-in applicant. Opens or resumes the draft."""
    item = Item.objects.select_related("current_version").filter(
        code=code, is_active=True, current_version__isnull=False).first()
    if item is None:
        raise Http404
    if request.method == "POST":
        return _apply_post(request, item)
    return render(request, "portal/apply_start.html", {"item": item, "v": item.current_version})


@applicant_required
def _apply_post(request, item):
    try:
        case = services.application_start(actor=request.user, item=item, channel=_channel(request))
    except ServiceError as exc:
        return render(request, "portal/apply_start.html", {"item": item, "v": item.current_version,
                                                           "error": str(exc.message)}, status=exc.status)
    return redirect("portal:case_edit", case_no=case.case_no)


def _materials_view(case, user, *, errors: dict, posted: dict, only_outstanding: bool):
    organisation = reuse_source(case, user)
    outstanding = {row.pk for row in services.outstanding(case, final=True)} if only_outstanding else None
    rows = []
    for row in case.materials.all():
        if outstanding is not None and row.pk not in outstanding:
            continue
        row.reusable = bool(organisation and row.material.reusable_as)
        row.error = errors.get(f"material.{row.material_id}") or errors.get(f"file.{row.material_id}")
        row.reuse_checked = (posted.get(f"reuse_{row.material_id}") == "on" if posted
                             else row.mode == row.Mode.REUSED)
        rows.append(row)
    return rows


# Catalog choice fields list stored values (codes the register reads); applicants see translated labels.
CHOICE_LABELS = dict(ReplacementReason.choices)


def _choice_label(value):
    return CHOICE_LABELS.get(value, value)


def _edit_page(request, case, *, error="", errors=None, posted=None, status=200):
    errors, posted = errors or {}, posted or {}
    correction = case.state == CaseState.CORRECTION
    fields = list(case.item_version.form_fields.all())
    for field in fields:
        field.value = posted.get(f"form_{field.key}", (case.form_data or {}).get(field.key, ""))
        field.error = errors.get(f"form.{field.key}")
        field.options = [(value, _choice_label(value)) for value in field.choices or []]
    notice = next((d for d in reversed(case.documents.all()) if d.kind == CaseDocument.Kind.CORRECTION), None)
    return render(request, "portal/case_edit.html", {
        "case": case, "fields": fields, "correction": correction, "notice": notice,
        "materials": _materials_view(case, request.user, errors=errors, posted=posted, only_outstanding=correction),
        "error": error, "max_mb": settings.ONEWINDOW_UPLOAD_MAX_BYTES // (1024 * 1024),
    }, status=status)


def _form_data(case, post) -> dict:
    return {f.key: post.get(f"form_{f.key}", "") for f in case.item_version.form_fields.all()}


@require_http_methods(["GET", "POST"])
@applicant_required
def case_edit(request, case_no):
    """The owner fills in a draft (form, uploads, 免提交) or answers a correction notice. Every upload is
    checked; a refused file is named with its reason and the rest of what was typed stays."""
    case = _owned_or_404(request, case_no)
    if case.state not in services.EDITABLE_STATES:
        return redirect("portal:case", case_no=case_no)
    if request.method == "GET":
        return _edit_page(request, case)
    post, errors, error = request.POST, {}, ""
    if case.state == CaseState.DRAFT:
        try:
            services.draft_save(case=case, actor=request.user, form_data=_form_data(case, post))
        except ServiceError as exc:
            error, errors = str(exc.message), _errors(exc)
    for row in case.materials.all():
        material = row.material
        upload = request.FILES.get(f"file_{material.pk}")
        try:
            if upload is not None:
                services.material_upload(case=case, actor=request.user, material=material, name=upload.name,
                                         content=upload.read())
            elif post.get(f"reuse_{material.pk}") == "on" and row.mode != row.Mode.REUSED:
                services.material_reuse(case=case, actor=request.user, material=material)
        except ServiceError as exc:
            errors[f"file.{material.pk}"] = str(exc.message)
            error = error or _("Some files were not accepted; see the messages below.")
    case = _owned_or_404(request, case_no)
    if error:
        return _edit_page(request, case, error=error, errors=errors, posted=post.dict(), status=422)
    if post.get("action") == "confirm":
        return redirect("portal:case_confirm", case_no=case_no)
    messages.success(request, _("Saved."))
    return redirect("portal:case_edit", case_no=case_no)


@require_POST
@applicant_required
def case_autosave(request, case_no):
    """The owner's draft form, saved in the background while typing (JSON answer)."""
    case = _owned_or_404(request, case_no)
    try:
        services.draft_save(case=case, actor=request.user, form_data=_form_data(case, request.POST))
    except ServiceError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    return JsonResponse({"saved": True})


@require_POST
@applicant_required
def material_upload(request, case_no, material_id):
    """The owner uploads one material (XHR with progress, or a plain form post)."""
    case = _owned_or_404(request, case_no)
    row = next((m for m in case.materials.all() if m.material_id == material_id), None)
    if row is None:
        raise Http404
    upload = request.FILES.get("file")
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        if upload is None:
            raise ValidationFailed(_("Choose a file first."), code="upload_missing")
        stored = services.material_upload(case=case, actor=request.user, material=row.material, name=upload.name,
                                          content=upload.read())
    except ServiceError as exc:
        if wants_json:
            return JsonResponse(exc.as_dict(), status=exc.status)
        return _edit_page(request, case, error=str(exc.message), errors={f"file.{material_id}": str(exc.message)},
                          status=exc.status)
    if wants_json:
        return JsonResponse({"name": stored.original_name, "size": stored.size,
                             "url": reverse("portal:case_file", args=[case_no, stored.pk])})
    messages.success(request, _("Uploaded: %(name)s.") % {"name": stored.original_name})
    return redirect("portal:case_edit", case_no=case_no)


@require_http_methods(["GET", "POST"])
@applicant_required
def case_confirm(request, case_no):
    """The owner checks the summary and submits (or sends the corrections); the receipt follows."""
    case = _owned_or_404(request, case_no)
    if case.state not in services.EDITABLE_STATES:
        return redirect("portal:case", case_no=case_no)
    error, errors = "", {}
    if request.method == "POST":
        try:
            services.application_submit(case=case, actor=request.user)
        except ServiceError as exc:
            error, errors = str(exc.message), _errors(exc)
        else:
            return redirect("portal:case_receipt", case_no=case_no)
    data = case.form_data or {}
    fields = [(f.label, _choice_label(data.get(f.key, "")) if f.type == FormField.Type.CHOICE else data.get(f.key, ""))
              for f in case.item_version.form_fields.all()]
    return render(request, "portal/case_confirm.html", {
        "case": case, "fields": fields, "error": error, "problems": list(errors.values()),
        "missing_secondary": [r for r in case.materials.all() if r.material.required and not r.is_present
                              and r.material.secondary],
    }, status=422 if error else 200)


@require_GET
@applicant_required
def case_receipt(request, case_no):
    """The owner's receipt: case number, time and what happens next."""
    case = _owned_or_404(request, case_no)
    if case.state == CaseState.DRAFT:
        return redirect("portal:case_edit", case_no=case_no)
    return render(request, "portal/case_receipt.html", {"case": case, "query_code": progress_query_code(case.case_no)})


# --- my cases, certificates, inbox ------------------------------------------------------------------

@require_GET
@applicant_required
def my_cases(request):
    """The signed-in applicant's cases, newest first; for an organisation account also the organisation's
    cases filed at the window (read-only: state and dates, no materials)."""
    return render(request, "portal/my_cases.html", {"cases": selectors.my_cases(request.user),
                                                    "window_cases": selectors.organisation_window_cases(request.user)})


def _delivery_form(case, posted=None, errors=None):
    choice = getattr(case, "portal_delivery", None)
    posted = posted or {}
    today = services.cases.today()
    return {
        "choice": choice, "posted": posted, "errors": errors or {},
        "method": posted.get("method") or (choice.method if choice else DeliveryChoice.Method.WINDOW),
        "periods": DeliveryChoice.Period.choices, "min_date": (today + datetime.timedelta(days=1)).isoformat(),
        "max_date": (today + datetime.timedelta(days=services.SLOT_DAYS_AHEAD)).isoformat(),
        "open": case.state not in (CaseState.ISSUED, CaseState.COMPLETED, CaseState.DRAFT),
    }


def _case_page(request, case, *, error="", delivery=None, status=200):
    return render(request, "portal/case.html", {
        "case": case, "error": error, "delivery": delivery or _delivery_form(case),
        "certificates": list(certificates_for_cases([case.case_no])) if case.result_certificates else [],
        "light": case_light(case, services.cases.today()),
    }, status=status)


@require_GET
@applicant_required
def case_page(request, case_no):
    """The owner's case: state, deadlines, timeline, notices (PDF), results and the delivery choice."""
    return _case_page(request, _owned_or_404(request, case_no))


@require_POST
@applicant_required
def case_delivery(request, case_no):
    """The owner chooses window collection (with a slot) or post (with an address)."""
    case = _owned_or_404(request, case_no)
    post = request.POST
    try:
        slot_date = datetime.date.fromisoformat(post.get("slot_date", "")) if post.get("slot_date") else None
    except ValueError:
        slot_date = None
    try:
        services.delivery_choose(case=case, actor=request.user, method=post.get("method", ""), slot_date=slot_date,
                                 slot_period=post.get("slot_period", ""), recipient=post.get("recipient", ""),
                                 recipient_mobile=post.get("recipient_mobile", ""), address=post.get("address", ""))
    except ServiceError as exc:
        return _case_page(request, case, error=str(exc.message),
                          delivery=_delivery_form(case, post.dict(), _errors(exc)), status=exc.status)
    messages.success(request, _("Your choice of how to receive the result is saved."))
    return redirect("portal:case", case_no=case_no)


@require_GET
@applicant_required
def case_document(request, case_no, pk):
    """A notice of the owner's case as PDF."""
    return document_response(_owned_or_404(request, case_no), pk)


@require_GET
@applicant_required
def case_file(request, case_no, pk):
    """A file the owner uploaded, served with its checked content type."""
    return material_file_response(_owned_or_404(request, case_no), pk)


@require_GET
@applicant_required
def my_certificates(request):
    """Certificates issued by the signed-in applicant's cases and, for an organisation account, every valid
    certificate of the organisation; with download and verification links."""
    return render(request, "portal/my_certificates.html", {"certificates": selectors.my_certificates(request.user)})


@require_GET
@applicant_required
def certificate_download(request, token):
    """The PDF of a certificate issued by one of the owner's cases."""
    certificate = selectors.certificate_for_owner(request.user, token)
    if certificate is None:
        raise Http404
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.serial}-{certificate.kind}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
@applicant_required
def inbox(request):
    """The signed-in applicant's notifications; POST marks them all read."""
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        return redirect("portal:inbox")
    return render(request, "portal/inbox.html", {"notes": selectors.inbox(request.user)[:100]})


# --- progress without signing in --------------------------------------------------------------------

def _has_proof(request, case) -> bool:
    if request.user.is_authenticated and case.owner_id == request.user.pk:
        return True
    return case.case_no in progresscache.proofs(request)


@require_http_methods(["GET", "POST"])
def progress_query(request):
    """Public: case number + last four digits of the mobile or ID number; throttled per case and address."""
    values = {"case_no": (request.POST.get("case_no") or request.GET.get("case_no") or "").strip()[:50]}
    error = ""
    if request.method == "POST" and is_tracking_number(values["case_no"]):
        return _complaint_query(request, values)
    if request.method == "POST":
        case_no, address = values["case_no"], _address(request)
        # Each guess is counted before it is checked, so a burst of concurrent guesses cannot pass the limit.
        if not ratelimit.attempt(("progress.case", case_no), ("progress.address", address)):
            error = _("Too many failed attempts; please wait 15 minutes and try again.")
        else:
            case = selectors.case_for_proof(case_no) if case_no else None
            if case is not None and case.state != CaseState.DRAFT and selectors.progress_proof_matches(
                    case, request.POST.get("last4", "")):
                progresscache.proof_accepted(case_no, address)
                response = redirect("portal:progress", case_no=case_no)
                progresscache.remember_proof(request, response, case_no)  # a signed cookie, no session row
                return response
            error = _("No case matches this number and these four digits.")
    return render(request, "portal/progress_query.html", {"values": values, "error": error},
                  status=422 if error else 200)


def _complaint_query(request, values):
    """A complaint or report (TS/JB number) with the last four digits of the complainant's mobile or, for
    a report filed without one, its 6-digit query code; throttled like the case query."""
    tracking_no, address = values["case_no"], _address(request)
    if not ratelimit.attempt(("progress.case", tracking_no), ("progress.address", address)):  # counted first
        error = _("Too many failed attempts; please wait 15 minutes and try again.")
    elif complaint_for_proof(tracking_no, request.POST.get("last4", "")) is not None:
        progresscache.proof_accepted(tracking_no, address)
        proofs = [no for no in request.session.get(COMPLAINT_PROOF_KEY, []) if no != tracking_no][-9:]
        request.session[COMPLAINT_PROOF_KEY] = [*proofs, tracking_no]
        return redirect("portal:complaint_progress", tracking_no=tracking_no)
    else:
        error = _("No complaint or report matches this number and these digits.")
    return render(request, "portal/progress_query.html", {"values": values, "error": error}, status=422)


@require_GET
def complaint_progress(request, tracking_no):
    """A complaint's state, reply due date and reply, for a browser that has given the proof."""
    complaint = None
    if tracking_no in request.session.get(COMPLAINT_PROOF_KEY, []):
        complaint = complaint_public(tracking_no)
    if complaint is None:
        return redirect(f"{reverse('portal:progress_query')}?case_no={tracking_no}")
    return render(request, "portal/complaint_progress.html", {"c": complaint})


@require_GET
def progress(request, case_no):
    """The case's progress for its owner or a browser holding the proof; others get the query form. A
    visitor's page is kept until the case changes (progresscache)."""

    def page():
        case = selectors.case_public(case_no)
        if case is None or case.state == CaseState.DRAFT or not _has_proof(request, case):
            return redirect(f"{reverse('portal:progress_query')}?case_no={case_no}")
        return render(request, "portal/progress.html", {"case": case})

    if not request.user.is_authenticated and case_no in progresscache.proofs(request):
        return progresscache.cached_page(request, case_no, page)
    return page()


@require_GET
def progress_document(request, case_no, pk):
    """A notice as PDF for the owner or a browser holding the progress proof."""
    case = selectors.case_public(case_no)
    if case is None or not _has_proof(request, case):
        raise Http404
    return document_response(case, pk)


# --- organisation account binding (staff review queue; a bound account approves a second one) ---------------

@require_GET
@staff_required(*binding.REVIEWER_ROLES)
def bindings(request):
    """Window staff: organisation accounts awaiting review of their authorisation letter."""
    return render(request, "portal/bindings.html", {"pending": binding.pending_for(request.user)[:200]})


@require_GET
@staff_required(*binding.REVIEWER_ROLES)
def binding_letter(request, pk):
    """The authorisation letter as uploaded, with the content type its bytes were checked to be."""
    profile = get_object_or_404(ApplicantProfile, pk=pk, kind=ApplicantProfile.Kind.ORGANISATION)
    if not profile.authorisation:
        raise Http404
    with profile.authorisation.open("rb") as handle:
        content = handle.read()
    response = HttpResponse(content, content_type=sniff(content[:16]) or "application/octet-stream")
    response["Content-Disposition"] = f'inline; filename="authorisation-{profile.pk}{profile.authorisation.name[-4:]}"'
    return response


@require_POST
@login_required
def binding_review(request, pk):
    """Approve or refuse (with a reason) a binding: window staff, or the organisation's bound account. The
    service decides who may; others get 403."""
    profile = get_object_or_404(ApplicantProfile, pk=pk, kind=ApplicantProfile.Kind.ORGANISATION)
    back = "portal:bindings" if request.user.is_staff_member else "portal:my_organisation"
    try:
        binding.binding_review(profile=profile, actor=request.user, approve=request.POST.get("decision") == "approve",
                               reason=request.POST.get("reason", "")[:2000])
    except ServicePermissionDenied:
        raise PermissionDenied from None
    except ServiceError as exc:
        template = "portal/bindings.html" if request.user.is_staff_member else "portal/my_organisation.html"
        pending = list(binding.pending_for(request.user)[:200])
        # A request decided a moment ago by someone else is no longer listed: its refusal shows above the list.
        error_pk = profile.pk if any(p.pk == profile.pk for p in pending) else None
        return render(request, template, {"pending": pending,
                                          "profile": getattr(request.user, "portal_profile", None),
                                          "error": str(exc.message), "error_pk": error_pk}, status=exc.status)
    messages.success(request, _("The decision has been recorded."))
    return redirect(back)


def _my_organisation_page(request, *, values=None, error="", status=200):
    return render(request, "portal/my_organisation.html", {
        "profile": getattr(request.user, "portal_profile", None), "pending": binding.pending_for(request.user)[:50],
        "values": values or {}, "error": error}, status=status)


@require_GET
@applicant_required
def my_organisation(request):
    """The signed-in account's binding to its organisation, and the requests of other handlers it may decide."""
    return _my_organisation_page(request)


@require_POST
@applicant_required
def binding_representative(request):
    """Bind the account by the legal representative: their ID number and mobile as registered, then the SMS
    code sent to that recorded mobile (`binding.binding_by_representative`). Throttled per account, and the
    codes per address and number."""
    profile = getattr(request.user, "portal_profile", None)
    if profile is None or profile.kind != ApplicantProfile.Kind.ORGANISATION:
        raise PermissionDenied
    values = {"id_number": request.POST.get("id_number", "").strip()[:18],
              "mobile": request.POST.get("mobile", "").strip()[:11], "code": request.POST.get("code", "").strip()[:6]}
    try:
        if request.POST.get("action") == "send_code":
            if not ratelimit.hit("sms.address", _address(request)):
                return _my_organisation_page(request, values=values, status=429, error=_(
                    "Too many codes were asked for from this network; please try again in an hour."))
            masked = binding.representative_code_send(profile=profile, actor=request.user,
                                                      id_number=values["id_number"], mobile=values["mobile"])
            messages.info(request, _("A verification code has been sent to the legal representative's mobile "
                                     "%(mobile)s.") % {"mobile": masked})
            return _my_organisation_page(request, values=values)
        binding.binding_by_representative(profile=profile, actor=request.user, id_number=values["id_number"],
                                          mobile=values["mobile"], code=values["code"])
    except ServicePermissionDenied:
        raise PermissionDenied from None
    except ServiceError as exc:
        return _my_organisation_page(request, values=values, error=str(exc.message), status=exc.status)
    messages.success(request, _("This account is now bound to the organisation."))
    return redirect("portal:my_organisation")
