"""Reads of the ratings app: lists with their joins, and the supervision board (电子监察)."""

import datetime
import hmac
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import OuterRef, QuerySet, Subquery

from onewindow.accounts.models import Role, User
from onewindow.cases import art32
from onewindow.cases.conf import CORRECTION_NOTICE_DAYS
from onewindow.cases.models import Case, CaseState, CaseStep
from onewindow.cases.selectors import case_light, deficiency_light, delivery_light
from onewindow.workdays import services as workdays

from . import conf, services
from .models import Appeal, Complaint, Rectification, Urging

BOARD_LIMIT = 200
HANDLING_STATES = [CaseState.ACCEPTED, CaseState.SUSPENDED, CaseState.REVIEWED, CaseState.SIGNED_OFF,
                   CaseState.FORWARDED, CaseState.DECIDED, CaseState.ISSUED]


def is_tracking_number(value: str) -> bool:
    """A complaint/report tracking number (TS/JB + date + sequence), as the public progress query sees it."""
    return value[:2] in services.TRACKING_PREFIX.values() and value[2:].isdigit()


def complaint_for_proof(tracking_no: str, proof: str) -> Complaint | None:
    """The complaint when `proof` is the last four digits of the complainant's mobile or, for a report
    filed without a mobile, its 6-digit query code; None for any mismatch."""
    proof = (proof or "").strip()
    complaint = (Complaint.objects.only("tracking_no", "person_mobile", "query_code_hash")
                 .filter(tracking_no=tracking_no).first())
    if complaint is None or not proof.isdigit():
        return None
    if len(proof) == 4 and len(complaint.person_mobile) >= 4:
        return complaint if hmac.compare_digest(complaint.person_mobile[-4:], proof) else None
    if len(proof) == 6 and complaint.query_code_hash:
        expected = services.query_code_hash(tracking_no, proof)
        return complaint if hmac.compare_digest(complaint.query_code_hash, expected) else None
    return None


def complaint_public(tracking_no: str) -> Complaint | None:
    """What the public progress page shows of a complaint: no identity, no internal assignment."""
    return (Complaint.objects.only("kind", "tracking_no", "category", "subject", "state", "created_at", "due_on",
                                   "reply", "replied_at").filter(tracking_no=tracking_no).first())


def rectifications_for(user: User) -> QuerySet[Rectification]:
    """Supervisors see every rectification; other staff those of their unit."""
    qs = Rectification.objects.select_related("case__item_version", "rating", "department", "handler")
    if user.has_role(Role.SUPERVISOR):
        return qs
    if user.department_id:
        return qs.filter(department_id=user.department_id)
    return qs.filter(department__isnull=True) if user.has_role(Role.CLERK, Role.CHIEF_APPROVER) else qs.none()


def complaints_for(user: User) -> QuerySet[Complaint]:
    """Supervisors see every complaint and report; other staff those assigned to them or their unit."""
    qs = Complaint.objects.select_related("department", "assignee", "case")
    if user.has_role(Role.SUPERVISOR):
        return qs
    from django.db.models import Q

    cond = Q(assignee=user)
    if user.department_id:
        cond |= Q(department_id=user.department_id)
    return qs.filter(cond)


def pending_appeals() -> QuerySet[Appeal]:
    return (Appeal.objects.filter(state=Appeal.State.PENDING)
            .select_related("rectification__case", "rectification__rating", "filed_by").order_by("filed_at"))


def urgings_to(user: User) -> QuerySet[Urging]:
    return (Urging.objects.filter(to_user=user).select_related("case", "rectification__case", "complaint",
                                                                 "created_by").order_by("acknowledged_at", "-created_at"))


@dataclass
class Board:
    cases: list[Case] = field(default_factory=list)  # yellow and red, with .light, .handler
    by_item: list[tuple[str, int]] = field(default_factory=list)  # most first
    by_unit: list[tuple[str, int]] = field(default_factory=list)
    by_window: list[tuple[str, int]] = field(default_factory=list)
    by_person: list[tuple[str, int]] = field(default_factory=list)
    corrections: list[Case] = field(default_factory=list)  # 补正 notice overdue or due soon
    deficiencies: list[Case] = field(default_factory=list)  # 容缺 supplement overdue or due soon
    deliveries: list[Case] = field(default_factory=list)  # Art. 44 delivery overdue or due soon
    rectifications: list[Rectification] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)


def _with_handler(qs: QuerySet[Case]) -> list[Case]:
    last = CaseStep.objects.filter(case=OuterRef("pk"), handler__isnull=False).order_by("-ended_at", "-id")
    cases = list(qs.select_related("item_version").annotate(last_handler=Subquery(last.values("handler_id")[:1]))
                 .order_by("promised_due", "created_at")[:BOARD_LIMIT * 5])
    ids = {c.last_handler for c in cases if c.last_handler} | {c.filed_by_id for c in cases if c.filed_by_id}
    people = {u.pk: u for u in User.objects.filter(pk__in=ids).select_related("window__hall", "department")}
    for case in cases:
        case.handler = people.get(case.last_handler) or people.get(case.filed_by_id)
    return cases


def board(*, today: datetime.date | None = None) -> Board:
    """Everything a supervisor watches, in a fixed number of queries; lights computed in Python."""
    today = today or services.today()
    result = Board()
    by_item, by_unit, by_window, by_person = Counter(), Counter(), Counter(), Counter()
    for case in _with_handler(Case.objects.filter(state__in=HANDLING_STATES, promised_due__isnull=False)):
        case.light = case_light(case, today)
        if case.light in ("yellow", "red"):
            result.cases.append(case)
            handler = case.handler
            by_item[case.item_version.name] += 1
            by_unit[str(handler.department) if handler and handler.department else
                    case.item_version.implementing_body] += 1
            by_window[str(handler.window) if handler and handler.window else "—"] += 1
            by_person[str(handler) if handler else "—"] += 1
    result.by_item, result.by_unit = by_item.most_common(), by_unit.most_common()
    result.by_window, result.by_person = by_window.most_common(), by_person.most_common()
    result.cases.sort(key=lambda c: (c.light != "red", c.promised_due))
    result.cases = result.cases[:BOARD_LIMIT]
    # Art. 32: the one correction notice is due within 5 working days of receipt, correction waits excluded
    # (the case's own rule); once it has gone out no second one is owed.
    submitted = _with_handler(Case.objects.filter(state=CaseState.SUBMITTED, received_on__isnull=False)
                              .prefetch_related("pauses"))
    for case in submitted:
        if art32.correction_notified(case):
            continue
        due = art32.correction_notice_due(case, today).date
        case.notice_due = due
        case.light = workdays.light_for(kind="correction_notice", due=due, today=today,
                                        limit_days=CORRECTION_NOTICE_DAYS).value
        if case.light in ("yellow", "red"):
            result.corrections.append(case)
    # Art. 44: granted licences to deliver within 10 working days of the decision.
    for case in _with_handler(Case.objects.filter(delivery_due__isnull=False, issued_at__isnull=True)
                              .exclude(state=CaseState.COMPLETED)):
        case.light = delivery_light(case, today)
        if case.light in ("yellow", "red"):
            result.deliveries.append(case)
    for case in _with_handler(Case.objects.filter(deficiency_pending=True, supplement_due__isnull=False)
                              .exclude(state=CaseState.COMPLETED)):
        case.light = deficiency_light(case, today)
        if case.light in ("yellow", "red"):
            result.deficiencies.append(case)
    open_rects = (Rectification.objects.filter(state__in=[Rectification.State.OPEN, Rectification.State.VISITED])
                  .select_related("case", "handler", "department", "rating").order_by("rectify_due")[:BOARD_LIMIT])
    for rect in open_rects:
        rect.light = services.rectification_light(rect, today)
        result.rectifications.append(rect)
    open_complaints = (Complaint.objects.filter(state__in=[Complaint.State.RECEIVED, Complaint.State.ASSIGNED])
                       .select_related("department", "assignee").order_by("due_on")[:BOARD_LIMIT])
    for complaint in open_complaints:
        # Complaints share the rectification warning policy (both are replies owed to the public).
        complaint.light = workdays.light_for(kind="rectification", due=complaint.due_on, today=today,
                                             limit_days=conf.complaint_days()).value
        result.complaints.append(complaint)
    return result
