"""What the load needs from the loaded database, made through the services: bench accounts with tokens,
signed-in sessions, and the request lines each scenario rotates over. Runs inside Django (bench settings)."""

import datetime
import random
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction

from onewindow.accounts.auth import token_create
from onewindow.accounts.models import Role, User, Window
from onewindow.accounts.services import staff_upsert
from onewindow.audit.context import audit_context
from onewindow.cases.models import OPEN_STATES, Case, CaseDocument, CaseMaterial, CaseState, CaseStep
from onewindow.cases.selectors import visible_cases
from onewindow.catalog.models import Item, ItemVersion, RegistryAction, Route
from onewindow.certificates.models import Certificate
from onewindow.demo.history import sample_form_value
from onewindow.portal.progresscache import PROOF_COOKIE, proof_cookie
from onewindow.ratings.models import Rating
from onewindow.registry.models import Organisation
from onewindow.stats.models import CaseFact, DailyFigure

SEARCH_TERMS = ["社会团体", "变更登记", "基金会", "注销", "慈善", "民办非企业", "shtt", "jijinhui", "名称预先核准", "年度检查"]
FLOW_ITEM_ACTION = RegistryAction.ESTABLISH  # a new organisation: every flow needs no earlier record
COLLECTOR = {"collector_name": "李明", "collector_id_number": "430102199003076545"}


@dataclass
class Fixtures:
    tokens: list[str]  # one per bench chief approver
    leader_token: str
    cookies: dict[str, str]  # who -> "sessionid=…" header value
    lines: dict[str, list[str]] = field(default_factory=dict)  # scenario -> request lines
    flow: dict = field(default_factory=dict)
    hall: dict = field(default_factory=dict)  # the hall scenario's business and (window id, token) per clerk


def _session_cookie(user: User) -> str:
    """A session as signing in makes it."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _sample(qs, n: int, rng: random.Random) -> list[Case]:
    """About `n` rows spread over the whole table (random primary keys, not the newest only)."""
    bounds = list(qs.order_by("pk").values_list("pk", flat=True)[:1]) + list(
        qs.order_by("-pk").values_list("pk", flat=True)[:1])
    if not bounds:
        return []
    picks = {rng.randint(bounds[0], bounds[-1]) for _ in range(n * 4)}
    rows = list(qs.filter(pk__in=picks)[:n])
    return rows or list(qs[:n])


def _flow_item() -> Item:
    item = (Item.objects.filter(is_active=True, current_version__status=ItemVersion.Status.PUBLISHED,
                                current_version__route=Route.ON_SITE,
                                current_version__registry_action=FLOW_ITEM_ACTION)
            .select_related("current_version").order_by("code").first())
    if item is None:
        raise RuntimeError("No published on-site establishment item: load the reference catalog first.")
    return item


def _flow(item: Item) -> dict:
    version = item.current_version
    # "{n}" is replaced per flow: the register refuses a second organisation of the same name.
    form_data = {f.key: sample_form_value(f, "湖南压测职业培训学校{n}") for f in version.form_fields.all()}
    return {
        "item": item.code,
        "applicant": {"kind": "person", "name": "王强", "id_type": "resident_id", "id_number": COLLECTOR[
            "collector_id_number"], "contact_name": "王强", "contact_mobile": "13900001111"},
        "form_data": form_data,
        "materials": list(version.materials.filter(required=True).values_list("key", flat=True)),
        "collector": COLLECTOR,
    }


def prepare(*, clerks: int, seed: int = 1) -> Fixtures:
    rng = random.Random(seed)
    window = Window.objects.order_by("pk").first()
    with audit_context(source="cli"), transaction.atomic():
        chiefs = [staff_upsert(username=f"bench-chief-{i:02d}", full_name=f"压测首席审批员{i:02d}",
                               roles=[Role.CHIEF_APPROVER, Role.CLERK], window=window) for i in range(1, clerks + 1)]
        tokens = [token_create(user=user, name="make bench") for user in chiefs]
        leader = User.objects.get(username="leader")
        leader_token = token_create(user=leader, name="make bench")
    clerk, chief = User.objects.get(username="clerk"), User.objects.get(username="chief")

    public_cases = _sample(Case.objects.exclude(state=CaseState.DRAFT).exclude(contact_mobile=""), 200, rng)
    proof_cases = [case.case_no for case in public_cases[:10]]
    cookies = {"clerk": _session_cookie(clerk), "chief": _session_cookie(chief), "leader": _session_cookie(leader),
               "progress": f"{PROOF_COOKIE}={proof_cookie(proof_cases)}"}  # a visitor who gave the proof
    fixtures = Fixtures(tokens=tokens, leader_token=leader_token, cookies=cookies)

    items = list(Item.objects.filter(current_version__isnull=False, is_active=True).values_list("code", flat=True))
    chief_cases = _sample(visible_cases(chief), 200, rng)
    open_cases = list(visible_cases(chief).filter(state__in=[CaseState.SUBMITTED, CaseState.ACCEPTED])
                      .values_list("case_no", flat=True)[:20])
    year = datetime.date.today().year - 1
    fixtures.lines = {
        "hello": ["/livez"],
        "guide_list": ["/guide/"],
        "guide_page": [f"/guide/{code}/" for code in items],
        "guide_search": [f"/guide/?q={quote(term)}" for term in SEARCH_TERMS],
        "progress_query": [
            "/progress/\t" + urlencode({"case_no": case.case_no, "last4": case.contact_mobile[-4:]})
            for case in public_cases],
        "progress_page": [f"/progress/{no}" for no in proof_cases],
        "queue_clerk": ["/workbench/"],
        "queue_chief": ["/workbench/", "/workbench/?light=red", "/workbench/?light=yellow"],
        "queue_done": ["/workbench/?tab=done"],
        "queue_search": [f"/workbench/?q={no}" for no in [c.case_no for c in chief_cases[:20]] + open_cases],
        "case_page": [f"/workbench/cases/{case.case_no}/" for case in chief_cases],
        "dashboard": ["/stats/", f"/stats/?by=month&from={year}-01-01&to={year}-12-31",
                      f"/stats/?by=person&from={year}-03-01&to={year}-03-31"],
        "summary_api": ["/api/v1/stats/summary", f"/api/v1/stats/summary?from={year}-01-01&to={year}-12-31"],
    }
    fixtures.flow = _flow(_flow_item())
    fixtures.hall = _hall(clerks)
    return fixtures


HALL_BUSINESS = "bench"


def _hall(clerks: int) -> dict:
    """Bench windows B01.. in the demo hall, each with its own clerk (one desk, one clerk), calling for a bench
    business that gives out tickets all day, every day, without a cap (the demo's businesses keep office hours
    and a daily cap, which a run in the evening, on a holiday or the day's second run would hit); the kiosks
    take tickets for it through the public API."""
    from onewindow.hall.models import Business, Desk

    demo = Business.objects.select_related("hall").get(code="shzz")
    department = Window.objects.order_by("pk").first().department
    pairs = []
    with audit_context(source="cli"), transaction.atomic():
        business, _ = Business.objects.update_or_create(hall=demo.hall, code=HALL_BUSINESS, defaults={
            "name": "压测业务", "prefix": "Z", "opens_at": datetime.time(0, 0),
            "closes_at": datetime.time(23, 59, 59, 999999), "daily_cap": 0, "active": True, "position": 99})
        business.hours.all().delete()
        business.bands.all().delete()
        for i in range(1, clerks + 1):
            window, _ = Window.objects.get_or_create(hall=business.hall, number=f"B{i:02d}", defaults={
                "name": f"压测窗口{i:02d}", "department": department})
            desk, _ = Desk.objects.get_or_create(window=window)
            desk.businesses.add(business)
            clerk = staff_upsert(username=f"bench-hall-{i:02d}", full_name=f"压测叫号员{i:02d}", roles=[Role.CLERK],
                                 window=window)
            pairs.append([window.pk, token_create(user=clerk, name="make bench")])
    return {"business": business.code, "hall": business.hall_id, "clerks": pairs}


def data_size() -> dict[str, int]:
    sizes = {model._meta.db_table: model.objects.count() for model in (
        Case, CaseMaterial, CaseStep, CaseDocument, Certificate, Rating, Organisation, CaseFact, DailyFigure)}
    sizes["open cases"] = Case.objects.filter(state__in=OPEN_STATES).count()
    return sizes
