"""Portal API (/api/v1/portal): the public progress query, for the provincial app (新湘事成) and
kiosks. No token: the proof is the case number plus four digits, throttled like the web form."""

import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema

from onewindow.audit.context import client_ip_of
from onewindow.cases.models import CaseState
from onewindow.core import ratelimit
from onewindow.core.errors import NotFound, RateLimited

from . import selectors

router = Router(tags=["portal"])


class ProgressIn(Schema):
    case_no: str
    last4: str


class StepOut(Schema):
    name: str
    at: datetime.datetime


class ProgressOut(Schema):
    case_no: str
    item: str
    state: str
    state_label: str
    accepted_on: datetime.date | None
    promised_due: datetime.date | None
    result: str
    steps: list[StepOut]


@router.post("/progress", response=ProgressOut, auth=None)
def progress(request, payload: ProgressIn):
    """Anyone: a case's state and timeline, given its number and the last four digits of the contact
    mobile or the ID number. 404 for any mismatch; 429 after repeated failures."""
    case_no, address = payload.case_no.strip()[:50], client_ip_of(request) or "unknown"
    if not ratelimit.attempt(("progress.case", case_no), ("progress.address", address)):  # counted first
        raise RateLimited(_("Too many failed attempts; please wait 15 minutes and try again."))
    case = selectors.case_public(case_no) if case_no else None
    if case is None or case.state == CaseState.DRAFT or not selectors.progress_proof_matches(case, payload.last4):
        raise NotFound(_("No case matches this number and these four digits."), code="no_match")
    ratelimit.refund("progress.address", address)
    return {
        "case_no": case.case_no, "item": case.item_version.name, "state": case.state,
        "state_label": str(case.get_state_display()), "accepted_on": case.accepted_on,
        "promised_due": case.promised_due if case.is_open else None,
        "result": case.result_kind,
        "steps": [{"name": s.name, "at": s.ended_at} for s in case.steps.all()],
    }
