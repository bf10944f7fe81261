"""Reads: who may see which case, the queue with its lights, one case with everything, prefill."""

import datetime
import operator
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import Case as DbCase
from django.db.models import (
    CharField,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.lookups import Exact
from django.utils import timezone

from onewindow.accounts.models import AuthorityGrant, Role, User
from onewindow.catalog.models import ItemVersion, LimitUnit
from onewindow.registry.models import Organisation
from onewindow.workdays import services as workdays
from onewindow.workdays.services import Light

from . import services
from .actions import ACTIONS, actions_from
from .models import (
    GUIDE_COLUMNS,
    OPEN_STATES,
    Case,
    CaseDocument,
    CaseMaterial,
    CaseState,
    CaseStep,
    MaterialFile,
)

OVERSIGHT_ROLES = (Role.SUPERVISOR, Role.ADMINISTRATOR)  # see every case, act on none by default


def staff_grants(user: User) -> dict[str, set[int]]:
    """The authority list's lines for the user's roles: action → item ids."""
    grants: dict[str, set[int]] = {}
    for action, item_id in AuthorityGrant.objects.filter(role__in=list(user.role_codes())).values_list(
            "action", "item_id"):
        grants.setdefault(action, set()).add(item_id)
    return grants


def visible_cases(user: User, grants: dict[str, set[int]] | None = None) -> QuerySet[Case]:
    """Staff see the cases of items they hold any authority on (or all, for oversight roles);
    applicants see their own. `grants`: the user's `staff_grants`, when the caller has read them."""
    qs = Case.objects.all()
    if getattr(user, "is_staff_member", False):
        if user.has_role(*OVERSIGHT_ROLES):
            return qs
        # A list of item ids, not EXISTS per row: the planner then neither compares every open case with
        # every grant nor underestimates the rows (together 50-130 ms of a 1M-case queue).
        granted = set().union(*(staff_grants(user) if grants is None else grants).values())
        return qs.filter(item_id__in=sorted(granted))
    if getattr(user, "kind", None) in (User.Kind.APPLICANT, User.Kind.PLATFORM) and user.is_active:
        return qs.filter(owner=user)  # a platform client sees the applications it submitted
    return qs.none()


def user_grants(user: User, item_id: int) -> set[str]:
    if not getattr(user, "is_staff_member", False):
        return set()
    return set(AuthorityGrant.objects.filter(item_id=item_id, role__in=list(user.role_codes()))
               .values_list("action", flat=True))


def allowed_actions(case: Case, user: User, grants: set[str], *, art32: bool = True) -> list[str]:
    """The actions this user may take on this case now: state, authority and guards, as the actions'
    declaration says and the services check (`art32=False` skips the Art. 32 rules, which read the
    case's pauses)."""
    own = case.owner_id is not None and case.owner_id == user.pk
    result = []
    for name in actions_from(case.state):
        action = ACTIONS[name]
        if not (action.permits(grants, own) and action.held_by(user)):
            continue
        if all(guard.holds(case) for guard in action.all_guards if art32 or guard.rule is None):
            result.append(name)
    return result


def case_light(case: Case, today: datetime.date) -> str | None:
    if case.state == CaseState.COMPLETED or not case.promised_due:
        return None
    version = case.item_version
    limit = version.promised_limit if version.promised_limit_unit != LimitUnit.ON_THE_SPOT else 0
    return workdays.light_for(kind="case", due=case.promised_due, today=today, limit_days=limit).value


def delivery_light(case: Case, today: datetime.date) -> str | None:
    """行政许可法 Art. 44: a granted licence is delivered within 10 working days of the decision."""
    if not case.delivery_due or case.issued_at or case.state == CaseState.COMPLETED:
        return None
    return workdays.light_for(kind="delivery", due=case.delivery_due, today=today,
                              limit_days=services.DELIVERY_DAYS).value


def deficiency_light(case: Case, today: datetime.date) -> str | None:
    if not case.deficiency_pending or not case.supplement_due:
        return None
    limit = workdays.count_working_days(case.accepted_on, case.supplement_due).days if case.accepted_on else 0
    return workdays.light_for(kind="deficiency", due=case.supplement_due, today=today, limit_days=limit).value


def actionable(user: User, grants: dict[str, set[int]], visible: set[int] | None = None) -> Q | None:
    """Cases on which `user` can act now, as one SQL condition: per action, the states it leaves from,
    the items granted for it (`grants`: authority-list action → item ids) or the user's own case, and its
    guard. Selects what `allowed_actions(..., art32=False)` allows; None when nothing can be. Actions with
    the same items, owner clause and guard share one branch (their states united), which keeps the SQL
    short: most actions need the same line of the authority list. `visible`: the items the query is
    already restricted to; a branch granted on all of them needs no item list of its own (PostgreSQL spent
    longer planning the lists than running the chief's counts)."""
    states_by_branch: dict[tuple, set[str]] = {}
    for action in ACTIONS.values():
        items = action.items(grants)
        own = action.applicant and bool(user.pk)
        if (items or own) and action.held_by(user):
            # The guards the row alone decides (the Art. 32 rules are left to the case page), by their data.
            guards = tuple(guard for guard in action.all_guards if guard.rule is None)
            branch = states_by_branch.setdefault((items, own, guards), set())
            branch.update(action.moves)
    parts = []
    for (items, own, guards), states in states_by_branch.items():
        guard = reduce(operator.and_, (g.q() for g in guards), Q())
        if visible is not None and items and items >= visible:
            parts.append(Q(state__in=sorted(states)) & guard)  # any visible case, owned or not
            continue
        who = [Q(item_id__in=sorted(items))] if items else []
        if own:
            who.append(Q(owner_id=user.pk))
        parts.append(Q(state__in=sorted(states)) & reduce(operator.or_, who) & guard)
    return reduce(operator.or_, parts) if parts else None


def _green_from(today: datetime.date, limit: int) -> datetime.date:
    """The earliest due date that is green today for this limit. A later due date leaves more working
    days, so the light only turns greener: bisect over `light_for` rather than restating the policy."""
    def green(offset: int) -> bool:
        due = today + datetime.timedelta(days=offset)
        return workdays.light_for(kind="case", due=due, today=today, limit_days=limit) == Light.GREEN

    low, high = -1, 1  # today - 1 is red
    while not green(high):
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if green(middle) else (middle, high)
    return today + datetime.timedelta(days=high)


def yellow_cutoffs(today: datetime.date) -> dict[datetime.date, list[int]]:
    """For each item version's promised limit (one query over the small version table), the due date from
    which its cases are green today, as {cut-off: [item version ids]}. Version ids, not limits, so that the
    light needs no join from each case row to its version."""
    versions: dict[int, list[int]] = {}
    for pk, limit, unit in ItemVersion.objects.values_list("pk", "promised_limit", "promised_limit_unit"):
        versions.setdefault(0 if unit == LimitUnit.ON_THE_SPOT else limit, []).append(pk)
    versions_by_cutoff: dict[datetime.date, list[int]] = {}
    for limit in sorted(versions):
        versions_by_cutoff.setdefault(_green_from(today, limit), []).extend(versions[limit])
    return versions_by_cutoff


def light_expression(today: datetime.date, versions_by_cutoff: dict[datetime.date, list[int]]) -> DbCase:
    """`case_light` in SQL: red before today, yellow before the cut-off for the item version's limit."""
    yellow = [When(Q(item_version_id__in=ids, promised_due__lt=cutoff), then=Value(Light.YELLOW))
              for cutoff, ids in versions_by_cutoff.items() if cutoff > today]
    return DbCase(When(Q(state=CaseState.COMPLETED) | Q(promised_due=None), then=None),
                  When(promised_due__lt=today, then=Value(Light.RED)),
                  *yellow, default=Value(Light.GREEN), output_field=CharField())


@dataclass
class QueueFilters:
    tab: str = "todo"  # todo (待办) | done (已办) | all (全部办件: oversight and leaders, open or closed)
    item: int | None = None
    state: str = ""
    light: str = ""
    channel: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    q: str = ""


PAGE_SIZE = 50
LISTS_WITH_CLOSED = ("done", "all")
SEARCH_ALL_ROLES = (Role.SUPERVISOR, Role.DECISION_MAKER, Role.ADMINISTRATOR)
# Counting a long "done" list exactly costs a scan of everything the person ever handled; this many
# beyond the current page are counted, past that the page says "more than".
COUNT_CAP = 1000
MAX_PAGE = 100_000  # beyond any real queue; a larger page number would overflow the database's OFFSET


@dataclass
class Queue:
    rows: list[Case]
    counts: dict[str, int] = field(default_factory=dict)  # per light (open cases only have one)
    total: int = 0
    capped: bool = False  # there are more than `total` cases
    page: int = 1
    per_page: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page)) + self.capped

    @property
    def page_numbers(self) -> list[int | None]:
        """First, last and two either side of the current page; None marks a gap."""
        shown = sorted({1, self.pages, *range(max(1, self.page - 2), min(self.pages, self.page + 2) + 1)})
        numbers: list[int | None] = []
        for number in shown:
            if numbers and number - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


def _search(term: str) -> Q:
    """Chinese characters never occur in case numbers, ID numbers or credit codes, so such a term is a
    name (matched anywhere in it); any other term is a number or code (or a whole Latin name), and every
    branch of its condition has an index: one unindexable branch (a LIKE on the name) makes the whole OR
    read every case."""
    if any("\u4e00" <= char <= "\u9fff" for char in term):
        return Q(applicant_name__contains=term)
    code = term.upper()
    # The registered organisation's id is looked up first: with a join or a subquery in the OR, the
    # planner cannot tell how few cases match and walks them all.
    organisations = list(Organisation.objects.filter(credit_code=code).values_list("pk", flat=True))
    return (Q(case_no__startswith=term) | Q(id_number=code) | Q(organisation__in=organisations)
            | Q(applicant_name=term))


# Up to this many handled cases, 已办 collects them first and sorts them; beyond, it walks the newest cases
# and checks each, which finds a page after a few hundred rows but would read every case for a sparse list.
FEW_HANDLED = 2000


def _handled_by(user: User) -> Q:
    """Cases the person handled (a step) or filed (帮代办), in the query shape that suits how many."""
    steps = CaseStep.objects.filter(handler=user).order_by()
    filed = Case.objects.filter(filed_by=user).order_by()
    every = steps.values("case_id").union(filed.values("pk"), all=True).order_by()
    if every[:FEW_HANDLED + 1].count() <= FEW_HANDLED:
        return Q(pk__in=steps.values("case_id").union(filed.values("pk")).order_by())
    # A scalar subquery compared with the case's id, not EXISTS: PostgreSQL turns an EXISTS under OR into a
    # hash of every step the person ever took (156,000 at 100,000 cases: 80-230 ms before the first row),
    # where the walk needs one probe of `case_step_handler_case` for each of the few hundred cases it reads.
    handled = Subquery(steps.filter(case=OuterRef("pk")).values("case_id")[:1])
    return Q(filed_by=user) | Q(Exact(handled, F("pk")))


def case_queue(user: User, filters: QueueFilters, *, today: datetime.date | None = None, page: int = 1,
               per_page: int = PAGE_SIZE) -> Queue:
    """One page of the queue, filtered, lit and counted by the database in a fixed number of queries:
    the grants, the catalog's limits, the counts per light, the page (for 已办: how many handled, and a
    capped total)."""
    today = today or services.today()
    oversight = user.has_role(*OVERSIGHT_ROLES)
    grants = {} if oversight else staff_grants(user)
    qs = visible_cases(user, grants)
    if filters.tab == "done":
        qs = qs.filter(_handled_by(user)).order_by("-created_at", "-pk")
    elif filters.tab == "all":
        qs = qs.order_by("-created_at", "-pk")  # every visible case, newest first (index case_created)
    else:
        qs = qs.filter(state__in=OPEN_STATES).order_by(F("promised_due").asc(nulls_last=True), "created_at", "pk")
        if not oversight:
            # visible_cases kept the cases of every granted item
            condition = actionable(user, grants, visible=set().union(*grants.values()))
            qs = qs.filter(condition) if condition is not None else qs.none()
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
    if term := filters.q.strip():
        qs = qs.filter(_search(term))
    cutoffs = yellow_cutoffs(today)
    light = light_expression(today, cutoffs)
    matching, qs = qs, qs.annotate(light=light)  # the lights cost a join and a CASE: only where needed
    # Only open cases have a light, so the counts never look at the (long) closed history.
    opened = qs.filter(state__in=OPEN_STATES) if filters.tab in LISTS_WITH_CLOSED else qs
    # Grouped rather than one filtered count per light: the light is computed once per row.
    per_light = dict(opened.order_by().values_list("light").annotate(n=Count("pk")))
    counts = {light.value: per_light.get(light.value, 0) for light in Light}
    total, capped = sum(per_light.values()), False
    if filters.light:
        # The due-date range implied by the light (redundant) lets the planner estimate and use the index.
        due = {Light.RED: Q(promised_due__lt=today),
               Light.YELLOW: Q(promised_due__gte=today, promised_due__lt=max(cutoffs, default=today)),
               Light.GREEN: Q(promised_due__gte=today)}[filters.light]
        qs = qs.filter(due, state__in=OPEN_STATES, light=filters.light)
        total = counts[filters.light]
    page = min(max(1, page), MAX_PAGE)  # a huge page number would overflow the database's OFFSET
    start = (page - 1) * per_page
    if filters.tab in LISTS_WITH_CLOSED and not filters.light:
        cap = start + COUNT_CAP
        # In the list's order (newest first, index case_created): the walk stops after `cap` rows, where an
        # unordered count first reads the index entries of every visible case.
        total = matching.values("pk")[:cap + 1].count()
        total, capped = min(total, cap), total > cap
    # The page's ids come from the narrow (covering) index alone; only those rows are read whole.
    page_ids = (qs if filters.light else matching).values("pk")[start:start + per_page]
    rows = list(Case.objects.filter(pk__in=page_ids).annotate(light=light).select_related("item_version", "item")
                .defer(*GUIDE_COLUMNS).order_by(*qs.query.order_by))
    return Queue(rows=rows, counts=counts, total=total, capped=capped, page=page, per_page=per_page)


def case_detail(user: User, case_no: str) -> Case | None:
    """One case with everything the case page and the API show, in a fixed number of queries; the
    item's guide texts and the documents' snapshots (read only to print) are left out."""
    files = Prefetch("files", queryset=MaterialFile.objects.order_by("uploaded_at", "id"))
    materials = Prefetch("materials", queryset=CaseMaterial.objects.select_related("material")
                         .prefetch_related(files).order_by("material__order", "material_id"))
    documents = Prefetch("documents", queryset=CaseDocument.objects.defer("data"))
    return (visible_cases(user)
            .select_related("item_version", "item", "filed_by", "organisation").defer(*GUIDE_COLUMNS)
            .prefetch_related(materials, "steps", "pauses", documents)
            .filter(case_no=case_no).first())


def open_duplicates(*, item, id_number: str, day: datetime.date) -> list[Case]:
    """Open cases of this applicant (ID number or credit code) for this item filed on `day`: a second
    intake is more likely a repeated click than a second application (uses the id_number index)."""
    id_number = (id_number or "").strip().upper()
    if not id_number:
        return []
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return list(Case.objects.filter(id_number=id_number, item=item, state__in=OPEN_STATES, created_at__gte=start,
                                    created_at__lt=start + datetime.timedelta(days=1))
                .only("case_no", "state", "created_at").order_by("created_at")[:5])


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
