"""A realistic case history for demonstrations, made through the real services on a frozen clock
(`core.clock.frozen_at`: the services read `clock.now()`; nothing is patched).

`history_generate(since=2020-05-06, completed=10606)` spreads the cases over the working days since
then; each is filed at the window, its materials checked, accepted, decided on the spot by the chief
approver, issued, and rated on the window pad, minutes apart, exactly as at the counter. The result is
the article's figures: N completed, no bad reviews, complaints or reports, 100% satisfaction.
"""

import datetime
import random
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from onewindow.accounts.models import Role, User
from onewindow.cases import services as cases
from onewindow.cases.models import ApplicantKind, CaseMaterial, IdType
from onewindow.catalog.models import FormField, Item, ItemVersion, RegistryAction, Route
from onewindow.core.clock import FrozenClock, frozen_at
from onewindow.core.errors import ValidationFailed
from onewindow.ratings import services as ratings
from onewindow.ratings.models import Level, RatingChannel
from onewindow.registry.identifiers import org_code_check_char, uscc_check_char
from onewindow.stats.receivers import facts_deferred
from onewindow.stats.services import case_facts_rebuild
from onewindow.workdays import services as workdays

ORG_KINDS = (("1", "湖南省{}协会"), ("2", "湖南{}职业培训学校"), ("3", "湖南省{}基金会"))
WORDS = ("康养", "教育", "慈善", "文化", "科技", "体育", "助老", "青少年", "乡村振兴", "环保", "社工", "医疗救助")


@dataclass
class HistoryReport:
    created: int
    days: int
    seconds: float


def _credit_code(n: int) -> tuple[str, str]:
    kind, pattern = ORG_KINDS[n % len(ORG_KINDS)]
    body = f"{n:08d}"
    first17 = f"5{kind}430000{body}{org_code_check_char(body)}"
    return first17 + uscc_check_char(first17), pattern.format(WORDS[n % len(WORDS)] + str(n))


def sample_form_value(field: FormField, name: str):
    """A plausible value for a form field (demo history and the benchmark flow)."""
    if field.choices:
        return field.choices[0]
    if field.type in (FormField.Type.NUMBER, FormField.Type.MONEY):
        return "100000"
    if field.type == FormField.Type.DATE:
        return "2020-01-01"
    # The register checks the representative's contact (registry.validation.clean_representative_contact).
    contact = {"legal_representative_id_number": "430102199003076545", "legal_representative_mobile": "13900000000"}
    if field.key in contact:
        return contact[field.key]
    return name if field.key == "name" else "按章程开展活动"


def _items() -> list[tuple[Item, list[FormField]]]:
    """On-site items decided by the chief approver that do not change the register (filings, name
    approvals, inspections): their history needs no prior organisation records."""
    items = (Item.objects.filter(is_active=True, current_version__status=ItemVersion.Status.PUBLISHED,
                                 current_version__route=Route.ON_SITE,
                                 current_version__registry_action=RegistryAction.NONE)
             .select_related("current_version").order_by("code"))
    return [(item, [f for f in item.current_version.form_fields.all() if f.required]) for item in items]


def _chief() -> User:
    chief = (User.objects.filter(kind=User.Kind.STAFF, is_active=True, role_memberships__role=Role.CHIEF_APPROVER,
                                 window__isnull=False).order_by("pk").first())
    if chief is None:
        raise ValidationFailed("No chief approver with a window: run `onewindow demo setup` first.")
    return chief


def _one_case(clock: FrozenClock, chief: User, item: Item, fields: list[FormField], n: int, rng: random.Random) -> None:
    code, name = _credit_code(n)
    applicant = cases.Applicant(kind=ApplicantKind.ORGANISATION, name=name, id_type=IdType.USCC, id_number=code,
                                contact_name="张" + WORDS[n % len(WORDS)][:1], contact_mobile=f"139{n % 10**8:08d}")
    case = cases.case_create(actor=chief, item=item, applicant=applicant,
                             form_data={f.key: sample_form_value(f, name) for f in fields})
    for row in case.materials.select_related("material"):
        if row.material.required:
            cases.case_material_record(case=case, actor=chief, material=row.material, mode=CaseMaterial.Mode.PAPER,
                                       original_seen=True, copies=1)
    clock.advance(datetime.timedelta(minutes=rng.randint(3, 10)))
    case = cases.case_accept(case=case, actor=chief)
    clock.advance(datetime.timedelta(minutes=rng.randint(2, 8)))
    case = cases.case_decide(case=case, actor=chief, outcome="grant")
    clock.advance(datetime.timedelta(minutes=rng.randint(1, 5)))
    case = cases.case_issue(case=case, actor=chief, delivery="window", collector_name=applicant.contact_name,
                            collector_id_number="430102199003076545")
    clock.advance(datetime.timedelta(minutes=1))
    level = Level.VERY_SATISFIED if rng.random() < 0.85 else Level.SATISFIED
    ratings.rating_submit(case=case, actor=chief, channel=RatingChannel.WINDOW_PAD, level=level)


def history_generate(*, since: datetime.date, completed: int, until: datetime.date | None = None, seed: int = 20200506,
                     progress=None) -> HistoryReport:
    """Create `completed` window cases, completed on the spot and rated, spread over the working days from
    `since` to `until` (default: yesterday). One transaction per day."""
    until = until or timezone.localdate() - datetime.timedelta(days=1)
    days = workdays.working_days_in(since, until)
    if not days:
        raise ValidationFailed("No working days in the period.")
    if completed < 0:
        raise ValidationFailed("The number of cases cannot be negative.")
    items, chief = _items(), _chief()
    if not items:
        raise ValidationFailed("No published on-site items: run `onewindow demo setup` first.")
    rng = random.Random(seed)
    per_day = [completed // len(days) + (1 if i < completed % len(days) else 0) for i in range(len(days))]
    tz = timezone.get_current_timezone()
    started = time.monotonic()
    made = 0
    with frozen_at(timezone.now()) as clock, facts_deferred() as touched:
        for day, count in zip(days, per_day, strict=True):
            if not count:
                continue
            # Morning and afternoon sessions; a case takes about 10-25 minutes at the counter.
            clock.set(datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=tz))
            with transaction.atomic():
                for _i in range(count):
                    clock.advance(datetime.timedelta(minutes=rng.randint(0, 20)))
                    if datetime.time(12, 0) <= timezone.localtime(clock.now()).time() < datetime.time(14, 30):
                        clock.set(datetime.datetime.combine(day, datetime.time(14, 30), tzinfo=tz))
                    item, fields = items[rng.randrange(len(items))]
                    _one_case(clock, chief, item, fields, made + 1, rng)
                    made += 1
            # Fact rows in bulk, once per day, instead of once per transition.
            case_facts_rebuild(case_ids=touched)
            touched.clear()
            if progress:
                progress(day, made)
    return HistoryReport(created=made, days=len(days), seconds=round(time.monotonic() - started, 1))
