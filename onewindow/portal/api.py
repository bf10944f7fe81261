"""Portal API (/api/v1/portal): the public progress query, for the provincial app (新湘事成) and
kiosks. No token: the proof is the case number plus four digits, throttled like the web form."""

import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema

from onewindow.cases.models import CaseState
from onewindow.core import ratelimit
from onewindow.core.clients import client_ip_of
from onewindow.core.errors import NotFound, RateLimited
from onewindow.ratings import selectors as ratings_selectors

from . import progresscache, selectors

router = Router(tags=["portal"])


class ProgressIn(Schema):
    case_no: str  # a case number, or a complaint/report tracking number (TS…/JB…)
    last4: str  # or a case's 8-character query code; for a report filed without a mobile: its 6-digit code


class ProgressStepOut(Schema):
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
    steps: list[ProgressStepOut]


class ComplaintProgressOut(Schema):
    tracking_no: str
    kind: str
    kind_label: str
    state: str
    state_label: str
    received_at: datetime.datetime
    reply_due: datetime.date
    reply: str
    replied_at: datetime.datetime | None


def _complaint_progress(tracking_no: str, proof: str, address: str) -> dict:
    """A complaint's state, reply due date and reply, given the last four digits of the complainant's
    mobile or the report's query code; throttled like the case query."""
    if not ratelimit.attempt(("progress.case", tracking_no), ("progress.address", address)):  # counted first
        raise RateLimited(_("Too many failed attempts; please wait 15 minutes and try again."))
    if ratings_selectors.complaint_for_proof(tracking_no, proof) is None:
        raise NotFound(_("No complaint or report matches this number and these digits."), code="no_match")
    progresscache.proof_accepted(tracking_no, address)
    c = ratings_selectors.complaint_public(tracking_no)
    return {"tracking_no": c.tracking_no, "kind": c.kind, "kind_label": str(c.get_kind_display()),
            "state": c.state, "state_label": str(c.get_state_display()), "received_at": c.created_at,
            "reply_due": c.due_on, "reply": c.reply, "replied_at": c.replied_at}


@router.post("/progress", response=ProgressOut | ComplaintProgressOut, auth=None)
def progress(request, payload: ProgressIn):
    """Anyone: a case's state and timeline, given its number and the last four digits of the contact
    mobile or the ID number; or a complaint's state and reply, given its tracking number and the last four
    digits of the complainant's mobile (or a report's 6-digit query code). 404 for any mismatch; 429 after
    repeated failures."""
    case_no, address = payload.case_no.strip()[:50], client_ip_of(request) or "unknown"
    if ratings_selectors.is_tracking_number(case_no):
        return _complaint_progress(case_no, payload.last4, address)
    if not ratelimit.attempt(("progress.case", case_no), ("progress.address", address)):  # counted first
        raise RateLimited(_("Too many failed attempts; please wait 15 minutes and try again."))
    case = selectors.case_public(case_no) if case_no else None
    if case is None or case.state == CaseState.DRAFT or not selectors.progress_proof_matches(case, payload.last4):
        raise NotFound(_("No case matches this number and these four digits."), code="no_match")
    progresscache.proof_accepted(case_no, address)
    return {
        "case_no": case.case_no, "item": case.item_version.name, "state": case.state,
        "state_label": str(case.get_state_display()), "accepted_on": case.accepted_on,
        "promised_due": case.promised_due if case.is_open else None,
        "result": case.result_kind,
        "steps": [{"name": s.name, "at": s.ended_at} for s in case.steps.all()],
    }
