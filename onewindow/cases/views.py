"""The window workbench (staff UI): queue, intake at the counter, the case page and its actions.

Every view is for signed-in staff (`staff_required`); what a person may see and do on a case is decided by
`selectors.visible_cases` and the services (authority list, state, guards), exactly as in the API.
"""

import datetime
import secrets
from dataclasses import dataclass
from urllib.parse import quote

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onewindow.accounts.models import AuthorityGrant, Role
from onewindow.accounts.permissions import staff_required
from onewindow.catalog.models import Channel, Item, RegistryAction
from onewindow.certificates.models import ReplacementReason
from onewindow.certificates.selectors import certificates_of_case
from onewindow.certificates.services import PRINT_ROLES
from onewindow.core.choices import choice_label, choice_labels
from onewindow.core.errors import ServiceError, ValidationFailed
from onewindow.core.masking import is_personal_key, mask_by_key
from onewindow.core.uploads import atomic_files
from onewindow.registry.selectors import change_preview
from onewindow.workdays import services as workdays

from . import origins, selectors, services
from .actions import ACTIONS, Action
from .documents import document_response, material_file_response
from .models import Case, CaseMaterial, CasePause, CaseState, Delivery, IdType

ALL_STAFF = tuple(Role.values)
COUNTER = (Role.CLERK, Role.CHIEF_APPROVER)
INTAKE_ACTIONS = tuple(name for name, action in ACTIONS.items() if action.intake)
INTAKE_DONE_KEY = "intake_done"  # session: one-time intake token → the case it filed
INTAKE_TOKENS_KEPT = 20


def _choice_label(value):
    """Catalog choice fields store values the register reads (e.g. `lost`); people see their labels."""
    return choice_label(ReplacementReason, value)


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _int(value: str) -> int | None:
    return int(value) if value and value.isdigit() else None


def _staff_items(user):
    """Published items on which the user holds any authority, for pickers and filters."""
    return (Item.objects.filter(authority_grants__role__in=list(user.role_codes()), current_version__isnull=False,
                                is_active=True)
            .select_related("current_version").distinct().order_by("code"))


@require_GET
@staff_required(*ALL_STAFF)
def queue(request):
    """待办 / 已办, filtered and searched, with counts per light. Any staff member (own items only)."""
    get = request.GET
    tabs = ("todo", "done", "all") if request.user.has_role(*selectors.SEARCH_ALL_ROLES) else ("todo", "done")
    filters = selectors.QueueFilters(
        tab=get.get("tab") if get.get("tab") in tabs else "todo", item=_int(get.get("item", "")),
        state=get.get("state", "") if get.get("state") in CaseState.values else "",
        light=get.get("light", "") if get.get("light") in ("green", "yellow", "red") else "",
        channel=get.get("channel", "") if get.get("channel") in Channel.values else "",
        date_from=_date(get.get("from", "")), date_to=_date(get.get("to", "")), q=get.get("q", "")[:60])
    result = selectors.case_queue(request.user, filters, page=_int(get.get("page", "")) or 1)
    states, channels = choice_labels(CaseState), choice_labels(Channel)
    case_url = reverse("cases:case", args=["-"])[:-2]  # once, not per row
    today = services.today()
    for case in result.rows:
        case.url = f"{case_url}{quote(case.case_no)}/"
        case.state_label, case.channel_label = states[case.state], channels[case.channel]
        case.delivery_light = selectors.delivery_light(case, today)  # Art. 44, on the page's rows only
    return render(request, "cases/queue.html", {
        "queue": result, "filters": filters, "states": states.items(), "channels": channels.items(),
        "items": _staff_items(request.user).values_list("pk", "current_version__name"),
        "may_intake": request.user.has_role(*COUNTER), "may_search_all": "all" in tabs,
    })


# --- intake ------------------------------------------------------------------------------------------------

def _applicant_from(post) -> services.Applicant:
    fields = ("kind", "name", "id_type", "id_number", "contact_name", "contact_mobile", "address",
              "legal_representative", "agent_name", "agent_id_number", "agent_mobile")
    return services.Applicant(**{name: post.get(name, "").strip() for name in fields})


def _record_materials(case, user, materials, post, files) -> None:
    """Uploads one by one (each file is checked and stored), everything else in one batch."""
    receipts = []
    for material in materials:
        upload = files.get(f"file_{material.pk}")
        mode = post.get(f"mode_{material.pk}", "")
        if upload is not None:
            services.case_material_upload(case=case, actor=user, material=material, name=upload.name,
                                          content=upload.read())
        elif mode and mode != CaseMaterial.Mode.PENDING:
            if mode == CaseMaterial.Mode.FILE:
                raise ValidationFailed(_("Choose the file for “%(name)s”.") % {"name": material.name},
                                       details={f"mode_{material.pk}": "file"})
            receipts.append(services.MaterialReceipt(
                material=material, mode=mode, original_seen=post.get(f"original_{material.pk}") == "on",
                copies=_int(post.get(f"copies_{material.pk}", "")) or 0, note=post.get(f"note_{material.pk}", ""),
                reused_ref=material.reusable_as if mode == CaseMaterial.Mode.REUSED else ""))
    if receipts:
        services.case_materials_record(case=case, actor=user, receipts=receipts)


def _intake_offers(user, item) -> list["Offer"]:
    """The intake's buttons: the declared intake actions this person may take on the case it files (a
    submitted case of the item, received today), the most likely first."""
    if item is None:
        return []
    filed = Case(item=item, item_version=item.current_version, state=CaseState.SUBMITTED, received_on=services.today())
    allowed = selectors.allowed_actions(filed, user, selectors.user_grants(user, item.pk), art32=False)
    offered = sorted((ACTIONS[name] for name in allowed if ACTIONS[name].intake), key=lambda action: action.rank)
    return [Offer(action.name, action, primary=i == 0) for i, action in enumerate(offered)]


def _remember_intake(request, case) -> None:
    """The form's one-time token → its case, for the last few intakes of this browser session."""
    done = request.session.get(INTAKE_DONE_KEY, {})
    token = request.POST.get("intake_token", "")
    if token:
        done = dict(list(done.items())[-(INTAKE_TOKENS_KEPT - 1):]) | {token: case.case_no}
        request.session[INTAKE_DONE_KEY] = done


@require_http_methods(["GET", "POST"])
@staff_required(*COUNTER)
def intake(request):
    """Intake at the counter: item, applicant (prefilled), materials, form data and the decision at once.
    Window clerks and chief approvers; the services check the item's authority list."""
    items = _staff_items(request.user)
    source = request.POST if request.method == "POST" else request.GET
    item = items.filter(pk=_int(source.get("item", ""))).first()
    values, errors, error, duplicates = {}, {}, "", []
    if request.method == "GET":
        found = request.GET.get("find", "").strip() or origins.ticket_id_number(request.user, request.GET.get("ticket", ""))
        if found:
            values = selectors.applicant_prefill(found)
            if not values:
                messages.info(request, _("Nothing on record for %(code)s; enter the applicant.") % {"code": found})
                values = {"id_number": found.upper()}
        values["ticket"] = request.GET.get("ticket", "")  # started from a hall ticket: linked once filed
    else:
        values = request.POST.dict()
        action = request.POST.get("do", "")
        already = request.session.get(INTAKE_DONE_KEY, {}).get(request.POST.get("intake_token", ""))
        duplicates = []
        if already:  # Back and submit again: the case exists, nothing is filed twice
            messages.info(request, _("This application was already filed as case %(no)s.") % {"no": already})
            return redirect("cases:case", case_no=already)
        if item is None:
            error = _("Choose an item.")
        elif action not in INTAKE_ACTIONS:
            error = _("Choose what to do with the application.")
        elif request.POST.get("confirm_duplicate") != "on" and (duplicates := selectors.open_duplicates(
                item=item, id_number=request.POST.get("id_number", ""), day=timezone.localdate())):
            error = _("This applicant already has an open case for this item filed today. Open it, or tick "
                      "the confirmation to file another.")
        else:
            version = item.current_version
            form_data = {f.key: request.POST.get(f"form_{f.key}", "").strip() for f in version.form_fields.all()}
            try:
                with atomic_files():  # all or nothing: no half-filed case, and no file left behind, on an error
                    case = services.case_create(actor=request.user, item=item, applicant=_applicant_from(request.POST),
                                                form_data=form_data, channel=request.POST.get("channel", Channel.WINDOW))
                    _record_materials(case, request.user, version.materials.all(), request.POST, request.FILES)
                    case = _call(action, case, request.user, request.POST)
                    if request.POST.get("ticket"):
                        origins.ticket_link(ticket_id=request.POST["ticket"], case=case, actor=request.user)
            except ServiceError as exc:
                error, errors = str(exc.message), exc.details if isinstance(exc.details, dict) else {}
            else:
                _remember_intake(request, case)
                messages.success(request, _("Case %(no)s: %(state)s.") % {"no": case.case_no,
                                                                          "state": CaseState(case.state).label})
                return redirect("cases:case", case_no=case.case_no)
    version = item.current_version if item else None
    materials = list(version.materials.all()) if version else []
    fields = list(version.form_fields.all()) if version else []
    for material in materials:
        material.posted_mode = values.get(f"mode_{material.pk}", "reused" if material.reusable_as and
                                          values.get("organisation") else "")
        material.posted_note = values.get(f"note_{material.pk}", "")
        material.posted_copies = values.get(f"copies_{material.pk}", "")
        material.posted_original = values.get(f"original_{material.pk}") == "on"
        material.error = errors.get(f"mode_{material.pk}") or (error if errors.get("material") == material.key else "")
    for field in fields:
        field.options = [(value, _choice_label(value)) for value in field.choices or ()]
        field.posted = values.get(f"form_{field.key}", "")
        field.error = errors.get(f"form.{field.key}")
    status = 409 if duplicates else 422 if error else 200
    return render(request, "cases/intake.html", {
        "intake_token": request.POST.get("intake_token") or secrets.token_urlsafe(16), "duplicates": duplicates,
        "items": items, "item": item, "version": version, "materials": materials, "fields": fields,
        "values": values, "errors": errors, "error": error, "modes": CaseMaterial.Mode.choices,
        "id_types": IdType.choices, "channels": Channel.choices,
        "intake_offers": (offers := _intake_offers(request.user, item)),
        "intake_fields": {name for offer in offers for name in offer.action.fields},
        "file_note": request.method == "POST" and bool(request.FILES),
    }, status=status)


# --- the case page ---------------------------------------------------------------------------------------

def _case_or_404(request, case_no):
    case = selectors.case_detail(request.user, case_no)
    if case is None:
        raise Http404
    return case


def _case_page(request, case, *, error="", errors=None, posted=None, action="", status=200):
    today = services.today()
    grants = selectors.user_grants(request.user, case.item_id)
    allowed = selectors.allowed_actions(case, request.user, grants)
    common, rare, beside = _offered(allowed)
    fields = list(case.item_version.form_fields.all())  # the form's rows and its corrections: one read
    materials_open = (AuthorityGrant.Action.ACCEPT in grants and (
        case.state in (CaseState.DRAFT, CaseState.SUBMITTED, CaseState.CORRECTION)
        or (case.deficiency_pending and case.is_open)))
    return render(request, "cases/case.html", {
        "case": case, "allowed": allowed, "common_actions": common, "rare_actions": rare,
        "rare_names": [offer.name for offer in rare], "beside_data": beside, "provisional": _provisional_dates(case),
        "register_preview": _register_preview(case, allowed), "light": selectors.case_light(case, today),
        "deficiency_light": selectors.deficiency_light(case, today), "materials_open": materials_open,
        "delivery_light": selectors.delivery_light(case, today),
        "modes": CaseMaterial.Mode.choices, "pause_kinds": [k for k in CasePause.Kind.choices
                                                         if services.pause_basis(case.item_version, k[0])],
        "deliveries": Delivery.choices, "error": error, "errors": errors or {}, "posted": posted or {},
        "failed_action": action,
        "form_rows": [(f.label, mask_by_key(f.key, _choice_label(case.form_data.get(f.key, "")))) for f in fields],
        **_corrections_context(case, fields, beside, errors or {},
                               (posted or {}) if action in {o.name for o in beside} else {}),
        "art32": case.state == CaseState.SUBMITTED and services.correction_window_passed(case),
        **_documents_and_printing(request.user, case),
    }, status=status)


@dataclass(frozen=True)
class Offer:
    """An action on the case page: its declaration, and whether it is the one most likely next."""
    name: str
    action: Action
    primary: bool = False


def _offered(allowed: list[str]) -> tuple[list[Offer], list[Offer], list[Offer]]:
    """(common actions with the most likely one first and marked primary, rare actions folded away, actions
    with their own form beside the data they change)."""
    common = sorted((ACTIONS[name] for name in allowed if not ACTIONS[name].rare and not ACTIONS[name].own_form),
                    key=lambda action: action.rank)
    rare = [Offer(name, ACTIONS[name]) for name in allowed if ACTIONS[name].rare and not ACTIONS[name].own_form]
    beside = [Offer(name, ACTIONS[name]) for name in allowed if ACTIONS[name].own_form]
    return [Offer(action.name, action, primary=i == 0) for i, action in enumerate(common)], rare, beside


def _corrections_context(case, fields, offers: list[Offer], errors: dict, posted: dict) -> dict:
    """The case page's corrections of the form data (`fields`: the item version's form fields): the history,
    and the rows of the form fields for an offered action that takes them (`form_data`)."""
    labels = {f.key: f.label for f in fields}
    history = [(c, [(labels.get(key, key), mask_by_key(key, str(c.before.get(key, ""))),
                      mask_by_key(key, str(value))) for key, value in c.after.items()])
               for c in case.form_corrections.select_related("actor")]
    current = case.form_data or {}
    # An ID number or mobile is not prefilled: the input shows it masked and stays blank unless retyped.
    rows = [(f, posted.get(f"form_{f.key}", "" if is_personal_key(f.key) else current.get(f.key, "")),
             mask_by_key(f.key, str(current.get(f.key, ""))) if is_personal_key(f.key) else "",
             errors.get(f"form.{f.key}", "")) for f in fields] if any(
        "form_data" in offer.action.fields for offer in offers) else []
    return {"corrections": history, "form_rows_to_correct": rows}


def _documents_and_printing(user, case) -> dict:
    """Context of the case page's "documents and printing" section (cases/_documents.html)."""
    return {"case_certificates": list(certificates_of_case(case.case_no)) if case.result_certificates else [],
            "may_print": user.has_role(*PRINT_ROLES)}


def _provisional_dates(case) -> dict[str, bool]:
    """Which due date rests on a year whose calendar is not yet published (the case stores one flag for
    both): the marker goes beside that date only."""
    return {name: bool(case.due_provisional and day and workdays.is_provisional(day))
            for name, day in (("promised", case.promised_due), ("statutory", case.statutory_due))}


def _register_preview(case, allowed) -> list[tuple[str, str, str]]:
    """For the person deciding a registration: the register's current items against the applied ones."""
    version = case.item_version
    deciding = any("outcome" in ACTIONS[name].fields for name in allowed)  # decide, record the higher decision
    if not deciding or version.registry_action not in (
            RegistryAction.CHANGE, RegistryAction.ESTABLISH):
        return []
    kinds = list(version.org_kinds or [])
    kind = (case.form_data or {}).get("org_kind") or (kinds[0] if kinds else "")
    return change_preview(case.organisation if version.registry_action == RegistryAction.CHANGE else None,
                          kind, case.form_data)


@require_GET
@staff_required(*ALL_STAFF)
def case_page(request, case_no):
    """Everything about one case and the actions this user may take now. Staff who can see the case."""
    return _case_page(request, _case_or_404(request, case_no))


def _call(name: str, case, user, post):
    """Run a declared action with the inputs its declaration names, read from the posted form."""
    action = ACTIONS.get(name)
    if action is None:
        raise Http404
    return services.case_act(case=case, actor=user, action=name, **{i.name: i.read(post) for i in action.inputs})


@require_POST
@staff_required(*ALL_STAFF)
def case_act(request, case_no, action):
    """Run one action. The service decides whether this person may; a refusal re-shows the page with the
    message and everything typed."""
    case = _case_or_404(request, case_no)
    try:
        done = _call(action, case, request.user, request.POST)  # the case, or the row an action records (更正)
    except ServiceError as exc:
        case = _case_or_404(request, case_no)  # the current state, possibly changed by someone else
        return _case_page(request, case, error=str(exc.message), errors=exc.details, posted=request.POST.dict(),
                          action=action, status=exc.status)
    messages.success(request, _("Done: the case is now “%(state)s”.") % {"state": CaseState(done.state).label})
    return redirect("cases:case", case_no=case.case_no)


@require_POST
@staff_required(*COUNTER)
def case_material(request, case_no, material_id):
    """Record or upload one material (clerks and chief approvers with accept authority on the item)."""
    case = _case_or_404(request, case_no)
    row = next((m for m in case.materials.all() if m.material_id == material_id), None)
    if row is None:
        raise Http404
    try:
        _record_materials(case, request.user, [row.material], request.POST, request.FILES)
    except ServiceError as exc:
        return _case_page(request, _case_or_404(request, case_no), error=str(exc.message), errors=exc.details,
                          posted=request.POST.dict(), action=f"material_{material_id}", status=exc.status)
    messages.success(request, _("Material recorded: %(name)s.") % {"name": row.material.name})
    return redirect("cases:case", case_no=case.case_no)


@require_GET
@staff_required(*ALL_STAFF)
def case_document(request, case_no, pk):
    """A notice as PDF, for staff who can see the case."""
    return document_response(_case_or_404(request, case_no), pk)


@require_GET
@staff_required(*ALL_STAFF)
def material_file(request, case_no, pk):
    """An uploaded material, served with its checked content type, for staff who can see the case."""
    return material_file_response(_case_or_404(request, case_no), pk)
