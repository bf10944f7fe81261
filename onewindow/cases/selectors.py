"""Reads: who may see which case, the queue with its lights, one case with everything, prefill."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from onewindow.accounts.models import AuthorityGrant, Role, User
from onewindow.catalog.models import LimitUnit, Route
from onewindow.workdays import services as workdays

from . import conf, services
from .models import OPEN_STATES, Case, CaseMaterial, CaseState, CaseStep, MaterialFile
from .services import APPLICANT_ACTIONS, AUTHORITY
from .transitions import actions_from

OVERSIGHT_ROLES = (Role.SUPERVISOR, Role.ADMINISTRATOR)  # see every case, act on none by default


def visible_cases(user: User) -> QuerySet[Case]:
    """Staff see the cases of items they hold any authority on (or all, for oversight roles);
    applicants see their own."""
    qs = Case.objects.all()
    if getattr(user, "is_staff_member", False):
        if user.has_role(*OVERSIGHT_ROLES):
            return qs
        grants = AuthorityGrant.objects.filter(item=OuterRef("item_id"), role__in=list(user.role_codes()))
        return qs.filter(Exists(grants))
    if getattr(user, "kind", None) in (User.Kind.APPLICANT, User.Kind.PLATFORM) and user.is_active:
        return qs.filter(owner=user)  # a platform client sees the applications it submitted
    return qs.none()


def user_grants(user: User, item_id: int) -> set[str]:
    if not getattr(user, "is_staff_member", False):
        return set()
    return set(AuthorityGrant.objects.filter(item_id=item_id, role__in=list(user.role_codes()))
               .values_list("action", flat=True))


def allowed_actions(case: Case, user: User, grants: set[str], *, art32: bool = True) -> list[str]:
    """The actions this user may take on this case now: state, authority and the guards that need no
    query (`art32=False` skips the Art. 32 window, which reads the case's pauses)."""
    version = case.item_version
    own = case.owner_id is not None and case.owner_id == user.pk
    result = []
    for action in actions_from(case.state):
        if not (set(AUTHORITY[action]) & grants or (own and action in APPLICANT_ACTIONS)):
            continue
        if action == "review" and version.route != Route.BACK_OFFICE:
            continue
        if action == "decide" and version.route != Route.ON_SITE:
            continue
        if action == "accept_with_deficiency" and not version.allows_deficiency:
            continue
        if action == "supplement" and not case.deficiency_pending:
            continue
        if action == "issue" and case.deficiency_pending:
            continue
        if action == "extend" and case.extension_days >= conf.MAX_EXTENSION_DAYS:
            continue
        if action == "request_correction" and art32 and services.correction_window_passed(case):
            continue  # Art. 32: too late to ask, the case counts as accepted from receipt
        result.append(action)
    return result


def case_light(case: Case, today: datetime.date) -> str | None:
    if case.state == CaseState.COMPLETED or not case.promised_due:
        return None
    version = case.item_version
    limit = version.promised_limit if version.promised_limit_unit != LimitUnit.ON_THE_SPOT else 0
    return workdays.light_for(kind="case", due=case.promised_due, today=today, limit_days=limit).value


def deficiency_light(case: Case, today: datetime.date) -> str | None:
    if not case.deficiency_pending or not case.supplement_due:
        return None
    limit = workdays.count_working_days(case.accepted_on, case.supplement_due).days if case.accepted_on else 0
    return workdays.light_for(kind="deficiency", due=case.supplement_due, today=today, limit_days=limit).value


@dataclass
class QueueFilters:
    tab: str = "todo"  # todo (待办) | done (已办)
    item: int | None = None
    state: str = ""
    light: str = ""
    channel: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    q: str = ""


@dataclass
class Queue:
    rows: list[Case]
    counts: dict[str, int] = field(default_factory=dict)  # per light
    total: int = 0


QUEUE_LIMIT = 200


def case_queue(user: User, filters: QueueFilters, *, today: datetime.date | None = None) -> Queue:
    """The queue in a fixed number of queries: one for the cases (with item version), lights in Python."""
    today = today or services.today()
    qs = visible_cases(user).select_related("item_version", "item")
    if filters.tab == "done":
        handled = CaseStep.objects.filter(case=OuterRef("pk"), handler=user)
        qs = qs.filter(Q(Exists(handled)) | Q(filed_by=user)).order_by("-created_at")
    else:
        qs = qs.filter(state__in=OPEN_STATES).order_by("promised_due", "created_at")
    if filters.item:
        qs = qs.filter(item_id=filters.item)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.date_from:
        qs = qs.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(created_at__date__lte=filters.date_to)
    term = filters.q.strip()
    if term:
        qs = qs.filter(Q(case_no__startswith=term) | Q(applicant_name__contains=term)
                       | Q(id_number=term.upper()) | Q(organisation__credit_code=term.upper()))
    rows = list(qs)
    if filters.tab != "done" and not user.has_role(*OVERSIGHT_ROLES):
        # 待办: only cases on which this person can do something now.
        grants: dict[int, set[str]] = {}
        for item_id, action in AuthorityGrant.objects.filter(role__in=list(user.role_codes())).values_list(
                "item_id", "action"):
            grants.setdefault(item_id, set()).add(action)
        rows = [case for case in rows if allowed_actions(case, user, grants.get(case.item_id, set()), art32=False)]
    counts = {"green": 0, "yellow": 0, "red": 0}
    for case in rows:
        case.light = case_light(case, today)
        if case.light:
            counts[case.light] += 1
    if filters.light:
        rows = [case for case in rows if case.light == filters.light]
    return Queue(rows=rows[:QUEUE_LIMIT], counts=counts, total=len(rows))


def case_detail(user: User, case_no: str) -> Case | None:
    """One case with everything the case page and the API show, in a fixed number of queries."""
    files = Prefetch("files", queryset=MaterialFile.objects.order_by("uploaded_at", "id"))
    materials = Prefetch("materials", queryset=CaseMaterial.objects.select_related("material")
                         .prefetch_related(files).order_by("material__order", "material_id"))
    return (visible_cases(user)
            .select_related("item_version", "item", "filed_by", "organisation")
            .prefetch_related(materials, "steps", "pauses", "documents", "item_version__form_fields")
            .filter(case_no=case_no).first())


def applicant_prefill(code: str) -> dict:
    """一次采集多方利用: fill the applicant from the register, else from the latest earlier case."""
    code = code.strip()
    if not code:
        return {}
    from onewindow.registry.selectors import organisation_find

    org = organisation_find(code)
    earlier = Case.objects.filter(id_number=org.credit_code if org else code.upper()).order_by("-created_at").first()
    data = {}
    if earlier:
        data.update(kind=earlier.applicant_kind, name=earlier.applicant_name, id_type=earlier.id_type,
                    id_number=earlier.id_number, address=earlier.address,
                    legal_representative=earlier.legal_representative, contact_name=earlier.contact_name,
                    contact_mobile=earlier.contact_mobile)
    if org:
        data.update(kind="organisation", name=org.name, id_type="uscc", id_number=org.credit_code,
                    address=org.address, legal_representative=org.legal_representative, organisation=org.pk)
    return data
