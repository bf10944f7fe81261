"""The case API (/api/v1/cases). Bearer tokens only; the same services and permissions as the workbench.

Who may call: any token holder. What they see: `selectors.visible_cases` (staff: items they hold authority
on; supervisors and administrators: all; applicants: their own). What they may do: whatever the service
allows that person (authority list, state, guards). Errors: {"code", "message", "details"}, 409 on conflicts.
"""

import datetime
from typing import Literal

from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import create_model

from onewindow.accounts.auth import TokenAuth
from onewindow.accounts.idempotency import idempotent
from onewindow.catalog.models import Channel, Item
from onewindow.core.errors import NotFound, ValidationFailed
from onewindow.core.masking import mask_id_number, mask_mobile
from onewindow.core.openapi import ErrorOut

from . import selectors, services
from .actions import ACTIONS, Action
from .documents import document_pdf
from .models import CaseDocument, CaseMaterial, CaseState

router = Router(auth=TokenAuth(scopes={"GET": "cases:read", "POST": "cases:create"}), tags=["cases"])


# --- schemas -------------------------------------------------------------------------------------------------

class ApplicantIn(Schema):
    kind: Literal["person", "organisation"]
    name: str
    id_type: Literal["resident_id", "uscc", "passport", "other"]
    id_number: str
    contact_name: str
    contact_mobile: str
    address: str = ""
    legal_representative: str = ""
    agent_name: str = ""
    agent_id_number: str = ""
    agent_mobile: str = ""


class MaterialIn(Schema):
    key: str = Field(..., description="The material's key in the item's list")
    mode: Literal["paper", "reused", "missing", "faulty"] = "paper"
    original_seen: bool = False
    copies: int = Field(0, ge=0)
    note: str = Field("", max_length=300, description="Required when missing or faulty")


class CaseIn(Schema):
    item: str = Field(..., description="Item implementation code (实施编码)")
    applicant: ApplicantIn
    form_data: dict = {}
    channel: Channel = Channel.WINDOW
    submit: bool = True
    client_reference: str = Field("", max_length=100,
                                  description="The caller's own reference; a repeat returns the first case")
    materials: list[MaterialIn] = Field([], description="Materials checked at the window, recorded with the "
                                                         "case in one transaction (uploads: POST …/materials)")


class CaseStepOut(Schema):
    name: str
    code: str
    action: str
    handler: str
    unit: str
    opinion: str
    from_state: str
    to_state: str
    started_at: datetime.datetime
    ended_at: datetime.datetime
    status: str


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    number: str
    created_at: datetime.datetime
    url: str


class FileOut(Schema):
    name: str
    content_type: str
    size: int
    sha256: str


class CaseMaterialOut(Schema):
    key: str
    name: str
    required: bool
    secondary: bool
    mode: str
    original_seen: bool
    copies: int
    reused_ref: str
    note: str
    files: list[FileOut]


class PauseOut(Schema):
    kind: str
    started_on: datetime.date
    ended_on: datetime.date | None
    reason: str
    result: str


class CaseSummaryOut(Schema):
    case_no: str
    state: str
    state_label: str
    item: str
    item_name: str
    applicant_name: str
    channel: str
    created_at: datetime.datetime
    promised_due: datetime.date | None
    light: str | None
    result_kind: str


class CaseOut(CaseSummaryOut):
    applicant_kind: str
    id_type: str
    id_number_masked: str
    contact_name: str
    contact_mobile_masked: str
    agent_name: str
    assisted: bool
    form_data: dict
    submitted_at: datetime.datetime | None
    accepted_at: datetime.datetime | None
    accepted_on: datetime.date | None
    deemed_accepted: bool
    statutory_due: datetime.date | None
    due_provisional: bool
    extension_days: int
    deficiency_pending: bool
    supplement_due: datetime.date | None
    delivery_due: datetime.date | None  # Art. 44: granted licences delivered within 10 working days
    outcome: str
    decision_reason: str
    external_doc_no: str
    delivery: str
    tracking_no: str
    completed_at: datetime.datetime | None
    result_certificates: list[dict]
    organisation_credit_code: str | None
    allowed_actions: list[str]
    materials: list[CaseMaterialOut]
    steps: list[CaseStepOut]
    pauses: list[PauseOut]
    documents: list[DocumentOut]


ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
API_PAGE_SIZE = 200  # machines read longer pages than people


def _summary(case, today) -> dict:
    return {
        "case_no": case.case_no, "state": case.state, "state_label": str(CaseState(case.state).label),
        "item": case.item.code,
        "item_name": case.item_version.name, "applicant_name": case.applicant_name, "channel": case.channel,
        "created_at": case.created_at, "promised_due": case.promised_due,
        "light": selectors.case_light(case, today), "result_kind": case.result_kind,
    }


def _detail(request, case_no: str) -> dict:
    case = selectors.case_detail(request.auth, case_no)
    if case is None:
        raise NotFound(_("No such case."), code="case_not_found")
    today = services.today()
    grants = selectors.user_grants(request.auth, case.item_id)
    base = f"/api/v1/cases/{case.case_no}/documents/"
    return _summary(case, today) | {
        "applicant_kind": case.applicant_kind, "id_type": case.id_type,
        "id_number_masked": mask_id_number(case.id_number), "contact_name": case.contact_name,
        "contact_mobile_masked": mask_mobile(case.contact_mobile), "agent_name": case.agent_name,
        "assisted": case.filed_by_id is not None, "form_data": case.form_data,
        "submitted_at": case.submitted_at, "accepted_at": case.accepted_at, "accepted_on": case.accepted_on,
        "deemed_accepted": case.deemed_accepted, "statutory_due": case.statutory_due,
        "due_provisional": case.due_provisional, "extension_days": case.extension_days,
        "deficiency_pending": case.deficiency_pending, "supplement_due": case.supplement_due,
        "delivery_due": case.delivery_due,
        "outcome": case.outcome, "decision_reason": case.decision_reason, "external_doc_no": case.external_doc_no,
        "delivery": case.delivery, "tracking_no": case.tracking_no, "completed_at": case.completed_at,
        "result_certificates": case.result_certificates,
        "organisation_credit_code": case.organisation.credit_code if case.organisation else None,
        "allowed_actions": selectors.allowed_actions(case, request.auth, grants),
        "materials": [{
            "key": m.material.key, "name": m.material.name, "required": m.material.required,
            "secondary": m.material.secondary, "mode": m.mode, "original_seen": m.original_seen,
            "copies": m.copies, "reused_ref": m.reused_ref, "note": m.note,
            "files": [{"name": f.original_name, "content_type": f.content_type, "size": f.size, "sha256": f.sha256}
                      for f in m.files.all()],
        } for m in case.materials.all()],
        "steps": [{"name": s.name, "code": s.code, "action": s.action, "handler": s.handler_name, "unit": s.unit,
                   "opinion": s.opinion, "from_state": s.from_state, "to_state": s.to_state,
                   "started_at": s.started_at, "ended_at": s.ended_at, "status": s.status} for s in case.steps.all()],
        "pauses": [{"kind": p.kind, "started_on": p.started_on, "ended_on": p.ended_on, "reason": p.reason,
                    "result": p.result} for p in case.pauses.all()],
        "documents": [{"id": d.pk, "kind": d.kind, "title": str(d.get_kind_display()), "number": d.number,
                       "created_at": d.created_at, "url": f"{base}{d.pk}"} for d in case.documents.all()],
    }


def _case(request, case_no: str):
    case = selectors.visible_cases(request.auth).filter(case_no=case_no).first()
    if case is None:
        raise NotFound(_("No such case."), code="case_not_found")
    return case


def _receipts(version, materials: list[MaterialIn]) -> list[services.MaterialReceipt]:
    listed = {m.key: m for m in version.materials.all()}
    unknown = [m.key for m in materials if m.key not in listed]
    if unknown:
        raise ValidationFailed(_("The item does not list this material."), code="material_not_listed",
                               details={"material": unknown[0]})
    return [services.MaterialReceipt(material=listed[m.key], mode=m.mode, original_seen=m.original_seen,
                                     copies=m.copies, reused_ref=listed[m.key].reusable_as if m.mode == "reused"
                                     else "", note=m.note) for m in materials]


# --- endpoints -----------------------------------------------------------------------------------------------

@router.post("", response={201: CaseOut, **ERRORS}, summary="Create (and submit) a case")
def case_create(request, payload: CaseIn,
                idempotency_key: str = Header("", alias="Idempotency-Key", max_length=100)):
    """Staff file at the window; applicants and platform clients (scope cases:create) apply online.
    A repeated `Idempotency-Key` or `client_reference` returns the first answer instead of a new case."""
    item = (Item.objects.select_related("current_version").prefetch_related("current_version__materials")
            .filter(code=payload.item).first())  # the materials: filed with the case and looked up by key
    if item is None:
        raise NotFound(_("No such item."), code="item_not_found")

    def create():
        with transaction.atomic():  # a refused material files nothing
            case = services.case_create(actor=request.auth, item=item,
                                        applicant=services.Applicant(**payload.applicant.dict()),
                                        form_data=payload.form_data, channel=payload.channel, submit=payload.submit)
            if payload.materials:
                services.case_materials_record(case=case, actor=request.auth,
                                               receipts=_receipts(item.current_version, payload.materials))
        return 201, _detail(request, case.case_no)

    key = idempotency_key or (f"ref:{payload.client_reference}" if payload.client_reference else "")
    if not key:
        return Status(*create())
    status, body, _replayed = idempotent(user=request.auth, key=key, payload=payload.dict(), run=create)
    return Status(status, body)


@router.get("", response=list[CaseSummaryOut], summary="List cases visible to the caller")
def case_list(request, state: CaseState | None = None, item: str | None = None, channel: Channel | None = None,
              light: Literal["green", "yellow", "red"] | None = None, q: str = "", done: bool = False,
              created_from: datetime.date | None = None, created_to: datetime.date | None = None,
              page: int = Query(1, ge=1, le=selectors.MAX_PAGE)):
    item_id = Item.objects.filter(code=item).values_list("pk", flat=True).first() if item else None
    if item and item_id is None:
        return []
    queue = selectors.case_queue(request.auth, selectors.QueueFilters(
        tab="done" if done else "todo", item=item_id, state=state or "", light=light or "", channel=channel or "",
        date_from=created_from, date_to=created_to, q=q), page=page, per_page=API_PAGE_SIZE)
    if page > 1 and not queue.rows:
        raise ValidationFailed(_("There is no such page: the list ends before it."), code="beyond_last_page",
                               details={"page": "beyond_last_page"})
    today = services.today()
    return [_summary(case, today) for case in queue.rows]


@router.get("/{case_no}", response={200: CaseOut, **ERRORS}, summary="One case: state, deadlines, steps, documents")
def case_get(request, case_no: str):
    return _detail(request, case_no)


@router.post("/{case_no}/materials", response={200: CaseOut, **ERRORS}, summary="Upload or record a material")
def case_materials(request, case_no: str, material: Form[str], mode: Form[str] = "file",
                   original_seen: Form[bool] = False, copies: Form[int] = 0, reused_ref: Form[str] = "",
                   note: Form[str] = "", file: File[UploadedFile] = None):
    case = _case(request, case_no)
    row = case.item_version.materials.filter(key=material).first()
    if row is None:
        raise NotFound(_("The item does not list this material."), code="material_not_listed")
    if mode == CaseMaterial.Mode.FILE:
        if file is None:
            raise ValidationFailed(_("Choose a file to upload."), code="file_required")
        services.case_material_upload(case=case, actor=request.auth, material=row, name=file.name or "",
                                      content=file.read())
    else:
        services.case_material_record(case=case, actor=request.auth, material=row, mode=mode,
                                      original_seen=original_seen, copies=copies, reused_ref=reused_ref, note=note)
    return _detail(request, case_no)


@router.get("/{case_no}/documents/{document_id}", summary="A notice or decision as PDF",
            response={200: None, **ERRORS})
def case_document(request, case_no: str, document_id: int):
    case = _case(request, case_no)
    document = CaseDocument.objects.filter(case=case, pk=document_id).first()
    if document is None:
        raise NotFound(_("No such document."), code="document_not_found")
    response = HttpResponse(document_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.case_no}-{document.pk}.pdf"'
    return response


# --- one endpoint per action --------------------------------------------------------------------------------

def _body(action: Action) -> type[Schema]:
    """The action's API body, from its declared inputs (the workbench form has the same fields)."""
    fields = {i.name: (i.type, Field(... if i.required else i.default, ge=i.ge, le=i.le, description=i.description or None))
              for i in action.inputs}
    name = "".join(part.title() for part in action.name.split("_"))
    return create_model(f"Case{name}In", __base__=Schema, **fields)


def _register(action: Action):
    if action.inputs:
        def endpoint(request, case_no: str, payload: _body(action)):  # type: ignore[valid-type]
            services.case_act(case=_case(request, case_no), actor=request.auth, action=action.name, **payload.dict())
            return _detail(request, case_no)
    else:  # no body (a draft's submit)
        def endpoint(request, case_no: str):
            services.case_act(case=_case(request, case_no), actor=request.auth, action=action.name)
            return _detail(request, case_no)

    endpoint.__name__ = f"case_action_{action.name}"
    router.post(f"/{{case_no}}/{action.path}", response={200: CaseOut, **ERRORS},
                operation_id=endpoint.__name__, summary=f"Case action: {action.name}")(endpoint)


for _action in ACTIONS.values():
    _register(_action)
