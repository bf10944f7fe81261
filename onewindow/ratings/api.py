"""The ratings API (/api/v1/ratings). Bearer tokens only.

Who may call: rating a case — its applicant account (channel pc or mobile); complaints and reports —
any token holder files one (source "api"); reading one — whoever filed it, the assigned staff and
supervisors (an anonymous reporter's identity only for supervisors).
"""

import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from onewindow.accounts.auth import TokenAuth
from onewindow.cases.models import Case
from onewindow.core.errors import NotFound, PermissionDenied

from . import selectors, services
from .models import Complaint, Level, Rating

router = Router(auth=TokenAuth(), tags=["ratings"])


class RatingIn(Schema):
    level: Level
    channel: Literal["pc", "mobile"] = "mobile"
    scores: dict[str, int] = {}
    text: str = ""
    anonymous: bool = False


class RatingOut(Schema):
    case_no: str
    level: str
    channel: str
    attempt: int
    visit: str
    rated_at: datetime.datetime
    superseded: bool
    excluded: bool


class ComplaintIn(Schema):
    kind: Complaint.Kind
    category: Complaint.Category = Complaint.Category.OTHER
    subject: str
    content: str
    case_no: str = ""
    anonymous: bool = False
    person_name: str = ""
    person_mobile: str = ""


class ComplaintOut(Schema):
    tracking_no: str
    kind: str
    category: str
    subject: str
    state: str
    created_at: datetime.datetime
    due_on: datetime.date
    reply: str
    replied_at: datetime.datetime | None
    anonymous: bool
    person_name: str | None
    person_mobile: str | None
    query_code: str = ""  # only when filing a report without a mobile: the public progress query's proof


def _rating_out(rating: Rating, case_no: str) -> dict:
    return {"case_no": case_no, "level": rating.level, "channel": rating.channel, "attempt": rating.attempt,
            "visit": rating.visit, "rated_at": rating.rated_at, "superseded": rating.superseded,
            "excluded": rating.excluded}


def _own_case(request, case_no: str) -> Case:
    case = Case.objects.filter(case_no=case_no).first()
    if case is None:
        raise NotFound(_("No such case."), code="case_not_found")
    if case.owner_id != request.user.pk:
        raise PermissionDenied(code="not_applicant")
    return case


@router.post("/cases/{case_no}", response={201: RatingOut})
def rate_case(request, case_no: str, body: RatingIn):
    """Rate a completed case within its rating period (the case's applicant account only)."""
    case = Case.objects.filter(case_no=case_no).first()
    if case is None:
        raise NotFound(_("No such case."), code="case_not_found")
    rating = services.rating_submit(case=case, actor=request.user, channel=body.channel, level=body.level,
                                    scores=body.scores, text=body.text, anonymous=body.anonymous)
    return Status(201, _rating_out(rating, case.case_no))


@router.get("/cases/{case_no}", response=list[RatingOut])
def case_ratings(request, case_no: str):
    """The ratings of one's own case (the case's applicant account only)."""
    case = _own_case(request, case_no)
    return [_rating_out(r, case.case_no) for r in case.ratings.order_by("visit", "attempt")]


def _complaint_out(request, c: Complaint) -> dict:
    visible = services.identity_visible(request.user, c) or c.submitted_by_id == request.user.pk
    return {"tracking_no": c.tracking_no, "kind": c.kind, "category": c.category, "subject": c.subject,
            "state": c.state, "created_at": c.created_at, "due_on": c.due_on, "reply": c.reply,
            "replied_at": c.replied_at, "anonymous": c.anonymous,
            "person_name": c.person_name if visible else None, "person_mobile": c.person_mobile if visible else None}


@router.post("/complaints", response={201: ComplaintOut})
def complaint_create(request, body: ComplaintIn):
    """File a complaint or report (any token holder); the answer carries the tracking number."""
    c = services.complaint_create(kind=body.kind, source=Complaint.Source.API, category=body.category,
                                  subject=body.subject, content=body.content, actor=request.user,
                                  case_no=body.case_no, anonymous=body.anonymous, person_name=body.person_name,
                                  person_mobile=body.person_mobile)
    return Status(201, _complaint_out(request, c) | {"query_code": c.query_code})


@router.get("/complaints/{tracking_no}", response=ComplaintOut)
def complaint_detail(request, tracking_no: str):
    """One complaint: whoever filed it, the assigned staff, supervisors."""
    user = request.user
    qs = (selectors.complaints_for(user) if user.is_staff_member
          else Complaint.objects.filter(submitted_by=user))
    c = qs.filter(tracking_no=tracking_no).first()
    if c is None:
        raise NotFound(_("No such complaint."), code="complaint_not_found")
    return _complaint_out(request, c)
