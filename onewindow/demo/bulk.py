"""`onewindow demo bulk --cases N`: a provincial-scale case history for benchmarks, written in bulk.

The data set
------------
N cases (default 1,000,000) received on the working days (project calendar, 调休 included) of the
`years` years ending on `until` (default today), unevenly (Mondays busier). Every case is the row set the
real services would have written for it, step by step, with the clock moved:

- items are weighted (a few carry most of the volume; establishment and change items less: ~3% and ~2% of
  the cases); establishment grants register the organisation and issue its certificate; change items
  (变更登记, 法定代表人变更登记, 修改章程核准) are filed by an organisation this load registered, not changed
  after the case's day of receipt (so its versions stay in date order), linked to the case as
  `case_create` links it, and their grants act as `registry.effects.case_grant_apply` does: a new
  OrganisationVersion (the previous one closed), the organisation's registered items changed (the address
  or the legal representative and their contact), the registration certificate re-issued when a printed
  item changed (the old one superseded by it), or a new CharterVersion. Organisations existing before
  the load are applicants of other items but are not changed. The other items that act on an existing
  organisation (deregistration, charity recognition, fundraising, certificate replacement) are left out;
- channels: window (~62%), online PC and mobile (the demo applicant's account owns online cases);
- applicants: persons with valid resident ID numbers (GB 11643 check character); organisations with
  valid credit codes (GB 32100 / GB 11714), often an organisation the load itself registered;
- on-site items (即办): accept → decide by a chief approver → issue (completes); back-office items:
  accept → review → forward → record the higher authority's decision → issue → complete, sometimes with
  a special procedure (CasePause), 转报办结 or termination; ~6% go through a correction notice (补正),
  ~5% of eligible on-site cases are accepted with deficiency (容缺: supplied later, or terminated by the
  daily rule the day after the supplement deadline); some are not accepted, refused or withdrawn;
- cases received in the last four weeks are often still open, in every open state (submitted,
  correction, accepted, 容缺 outstanding, suspended, reviewed, forwarded, decided, issued), with due
  dates from the working-day calendar;
- CaseMaterial rows for every material of the item version: paper seen at the window; for online cases
  an uploaded file (MaterialFile) per material given, one more per correction or 容缺 supplement, by the
  applicant's account, at the time of the step. The storage is not content-addressed (the upload service
  stores each file under a fresh name), but nothing deletes a stored material file, so the load stores
  ONE small real PDF and ONE small real JPEG (drawn with Pillow, checked by `check_upload`, stored by
  `store` under `cases/<year>/<month>/` of the load) and every row points at them with its size and
  SHA-256: the case page lists them and the download serves their bytes, without millions of files;
  CaseStep rows exactly as the services write them (no step for submit, suspend, resume, issue,
  complete), numbered CaseDocument rows (acceptance, 容缺, correction, non-acceptance, decision, proof
  of service, and the 特别程序告知书 of each special procedure; no PDF: it renders on first download),
  CasePause rows with their expected duration, only of the kinds the item allows (Art. 45, or a provision
  its configuration names, as `case_suspend` checks);
- organisations, their first OrganisationVersion and charter, and signed certificates with gap-free
  serials, built as `certificates.services.certificate_issue` builds them (so `/verify/<token>` works);
  tokens come from the seeded generator so a load is reproducible (benchmark data, not for production);
- 好差评: a rating window for every completed, non-withdrawn case; pad ratings at the window, QR and
  online ratings, mostly very satisfied, a few bad ones (each with its rectification); the default
  rating for closed windows nobody rated, as `ratings sweep` records it;
- CaseFact rows computed as `stats.services.fact_for` computes them; then the daily figures: by default
  `rollup_all_sql()`, the rows of `stats.services.rollup_days(None)` computed by INSERT ... SELECT (the
  service builds ~1 model instance per figure row and takes many minutes at a million cases); the tests
  check that both give the same rows; `--rollup service` calls the service itself.

Counters: case-number sequences (per item and day), document sequences (per kind and year), certificate
serials and the organisation-code sequence continue from their current values and are advanced, so the
services number the next case, notice and certificate without collision. A second load adds to the first.

Not modelled (left out on purpose, or for later): the register-changing items named above as left out;
changes of organisations that existed before the load; extensions (延长); deemed acceptance (corrections are brought in within days); complaints, appeals and
urgings; one applicant account (the demo applicant) owns every online case. Document numbers are taken
in the order cases are generated (by day of receipt), so within a year a later notice of an older case
can carry a smaller number than an earlier one of a newer case; they are unique and gap-free per year.
Rectifications whose deadline has passed are recorded as fixed at once; newer ones are open.

Concurrency: on PostgreSQL the counter tables are locked for the load (services that number something
wait); on SQLite run it on a quiet database.

Audit and exchange: this is a historical import, so it writes no per-case audit events and queues no
provincial-platform outbox rows (the platform must not receive a million back-dated events). It writes
ONE audit event, `demo.bulk_loaded`, with the count, seed, date range and row counts.

Speed: PostgreSQL gets COPY (psycopg 3) in batches of `batch` rows per table, from a writer thread on the
same connection and transaction while the main thread generates the next rows (the server parses and
indexes on another core), then ANALYZE; SQLite gets executemany. Rows are generated day by day and flushed
in batches through a short queue, so memory stays bounded. Due dates and working-day counts come from the
in-memory calendar snapshot (`workdays.calendar`), cached per (start, limit); no service is called per row.

Changes of rows already written (an organisation changed again, a version closed, a certificate
superseded) are kept in memory and written by UPDATEs in batches after the COPYs.

Everything runs in one transaction (`atomic_files`, which also deletes the two stored files): a failed
load leaves nothing behind. Deterministic for a seed, the
end date and "now" (a case of today later than now is received shortly before now and still waits).
"""

import base64
import datetime
import io
import json
import queue
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from onewindow.accounts.models import Role, User
from onewindow.audit.services import audit_log
from onewindow.cases import conf as cases_conf
from onewindow.cases.models import (
    Case,
    CaseDocument,
    CaseMaterial,
    CasePause,
    CaseState,
    CaseStep,
    MaterialFile,
    ResultKind,
)
from onewindow.cases.services import DOCUMENT_WORDS, PAUSE_NAMES, STEP_ACTIONS, STEP_NAMES, pause_basis
from onewindow.catalog.models import Channel, Item, ItemVersion, LimitUnit, RegistryAction, Route
from onewindow.certificates import services as cert_services
from onewindow.certificates.models import Certificate
from onewindow.core import signing
from onewindow.core.errors import ValidationFailed
from onewindow.core.masking import mask_id_number
from onewindow.core.models import Sequence
from onewindow.core.sequences import sequence_continue_after, sequence_values
from onewindow.core.uploads import SIGNATURES, atomic_files, check_upload, store
from onewindow.ratings import conf as ratings_conf
from onewindow.ratings.models import Level, Rating, RatingChannel, RatingWindow, Rectification
from onewindow.registry.identifiers import id_number_check_char, org_code_check_char, uscc_check_char
from onewindow.registry.models import (
    KIND_DIGIT,
    REGISTERED_ITEMS,
    CharterVersion,
    Organisation,
    OrganisationVersion,
)
from onewindow.registry.services import ORG_CODE_PREFIX, ORG_CODE_SEQUENCE
from onewindow.registry.validation import REPRESENTATIVE_CONTACT
from onewindow.stats import monthcache
from onewindow.stats.models import CaseFact, DailyFigure
from onewindow.stats.services import (
    ACCEPT_CODES,
    COUNTER_CODES,
    DECIDED_RESULTS,
    ON_THE_SPOT_RESULTS,
    ROLLUP_LOCK,
    TERMINATED_RESULTS,
    rollup_days,
)
from onewindow.workdays import calendar as wd_calendar
from onewindow.workdays import services as workdays

S = CaseState
ONE_DAY = datetime.timedelta(days=1)
MINUTE = datetime.timedelta(minutes=1)
# Items acting on an existing organisation that are modelled: on an organisation the load registered.
REGISTER_ACTIONS = {RegistryAction.CHANGE, RegistryAction.CHARTER}
# The other ones are not (see the docstring).
SKIPPED_ACTIONS = {RegistryAction.DEREGISTER, RegistryAction.CHARITY, RegistryAction.FUNDRAISING,
                   RegistryAction.REPLACE_CERTIFICATE}
OPEN_WINDOW_DAYS = 20  # working days at the end of the range in which cases may still be open

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
         "霞", "平", "刚", "桂英", "建国", "志强", "晓红", "海燕", "红梅", "建华", "文", "斌", "宇", "浩", "凯", "婷")
AREAS = ("430102", "430103", "430104", "430105", "430111", "430112", "430121", "430181", "430202", "430203",
         "430302", "430304", "430402", "430405", "430502", "430602", "430702", "430802", "430902", "431002",
         "431102", "431202", "431302", "433101")
WORDS = ("康养", "教育", "慈善", "文化", "科技", "体育", "助老", "青少年", "乡村振兴", "环保", "社工", "医疗救助",
         "书画", "摄影", "志愿服务", "心理健康", "非遗传承", "应急救援")
ORG_PATTERNS = {"social_group": "湖南省{}促进会", "private_non_enterprise": "湖南{}服务中心",
                "foundation": "湖南省{}基金会"}
STREETS = ("芙蓉中路", "五一大道", "韶山北路", "湘江中路", "岳麓大道", "劳动西路", "人民东路", "万家丽路")
REFUSE_REASONS = ("申请人不符合法定条件", "拟登记名称与已登记组织名称相同或近似", "业务范围超出法定范围", "申请材料内容不真实")
REJECT_REASONS = ("申请事项不属于本机关职权范围", "申请事项依法不需要取得行政许可", "申请人不具备申请资格")
WITHDRAW_REASONS = ("申请人主动撤回申请", "申请人另行提交申请", "申请人决定暂缓办理")
TERMINATE_REASONS = ("申请人未按规定参加听证，终止办理", "申请人死亡或终止，终止办理", "申请人书面请求终止办理")
CORRECTION_NOTES = ("复印件不清晰", "未加盖公章", "签字不全", "内容与原件不一致")
PAUSE_KINDS = ((CasePause.Kind.EXPERT_REVIEW, "组织专家评审", "专家评审通过"),
               (CasePause.Kind.PUBLIC_NOTICE, "依法公示", "公示期满无异议"),
               (CasePause.Kind.SITE_CHECK, "实地核查", "核查属实"),
               (CasePause.Kind.HEARING, "依申请举行听证", "听证结束"))
PHOTO_WORDS = ("身份证", "照片", "证件", "证书")  # materials uploaded as a photo (JPEG); the others as PDF
AUTHORITIES = ("湖南省人民政府", "民政部")
LEVELS = ((Level.VERY_SATISFIED, 0.86), (Level.SATISFIED, 0.10), (Level.BASICALLY_SATISFIED, 0.025),
          (Level.DISSATISFIED, 0.01), (Level.VERY_DISSATISFIED, 0.005))


class BulkError(ValidationFailed):
    """What is missing before a bulk load can run (English: a CLI message)."""


@dataclass
class BulkReport:
    cases: int = 0
    first_day: datetime.date | None = None
    last_day: datetime.date | None = None
    seconds: float = 0.0
    rows: Counter = field(default_factory=Counter)
    table_seconds: Counter = field(default_factory=Counter)
    mix: Counter = field(default_factory=Counter)


# --- writing --------------------------------------------------------------------------------------------------

class _Table:
    def __init__(self, model, name: str):
        self.model, self.name = model, name
        self.fields = [f for f in model._meta.concrete_fields]
        self.attnames = [f.attname for f in self.fields]
        self.json = {i for i, f in enumerate(self.fields) if isinstance(f, models.JSONField)}
        self.defaults = {}
        for f in self.fields:
            default = f.get_default() if f.has_default() else (None if f.null else "")
            self.defaults[f.attname] = default
        self.rows: list[tuple] = []

    def row(self, values: dict) -> tuple:
        d = self.defaults
        out = [values[a] if a in values else d[a] for a in self.attnames]
        for i in self.json:
            out[i] = json.dumps(out[i], cls=DjangoJSONEncoder, ensure_ascii=False)
        return tuple(out)


class _Writer:
    """Per-table buffers. On PostgreSQL a full buffer goes to a writer thread that COPYs it on the same
    connection (and transaction) while the main thread generates the next rows, so the server parses and
    indexes on the other core; the queue is short, so memory stays bounded. Elsewhere: executemany."""

    def __init__(self, report: BulkReport, batch: int):
        self.report, self.batch = report, batch
        self.tables: dict[str, _Table] = {}
        self.pg = connection.vendor == "postgresql"
        self.error: BaseException | None = None
        self.queue: queue.Queue | None = None
        if self.pg:
            connection.ensure_connection()
            self.raw = connection.connection
            self.queue = queue.Queue(maxsize=3)
            self.thread = threading.Thread(target=self._work, name="bulk-copy", daemon=True)
            self.thread.start()

    def table(self, model, name: str) -> _Table:
        self.tables[name] = _Table(model, name)
        return self.tables[name]

    def add(self, table: _Table, values: dict) -> None:
        table.rows.append(table.row(values))
        if len(table.rows) >= self.batch:
            self.flush(table)

    # Parents go first: a batch is only written after the rows it refers to (foreign keys are checked
    # at once, see `bulk_load`). Rows are added parent first, so flushing these before any other table
    # is enough.
    PARENTS = ("organisation", "case", "case_material", "rating")

    def flush(self, table: _Table) -> None:
        for name in self.PARENTS:
            if name == table.name:
                break
            parent = self.tables.get(name)
            if parent is not None and parent.rows:
                self.flush(parent)
        rows, table.rows = table.rows, []
        if not rows:
            return
        if self.queue is None:
            self._insert(table, rows)
            return
        if self.error is not None:
            raise self.error
        self.queue.put((table, rows))

    def finish(self) -> None:
        """Flush every buffer and wait for the writer thread."""
        for table in sorted(self.tables.values(), key=lambda t: t.name not in self.PARENTS):
            self.flush(table)
        if self.queue is not None:
            self.queue.put(None)
            self.thread.join()
            self.queue = None
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        """Stop the writer thread without raising (after an error elsewhere)."""
        if self.queue is not None:
            self.error = self.error or RuntimeError("bulk load aborted")
            self.queue.put(None)
            self.thread.join()
            self.queue = None

    def _sql(self, table: _Table) -> tuple[str, str]:
        q = connection.ops.quote_name
        return q(table.model._meta.db_table), ", ".join(q(f.column) for f in table.fields)

    def _work(self) -> None:
        while True:
            job = self.queue.get()
            if job is None:
                return
            if self.error is not None:
                continue  # drain; the main thread raises the error
            table, rows = job
            try:
                started = time.monotonic()
                db_table, columns = self._sql(table)
                with self.raw.cursor() as cursor, cursor.copy(f"COPY {db_table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                self.report.rows[table.name] += len(rows)
                self.report.table_seconds[table.name] += time.monotonic() - started
            except BaseException as exc:  # handed to the main thread
                self.error = exc

    def _insert(self, table: _Table, rows: list[tuple]) -> None:
        started = time.monotonic()
        db_table, columns = self._sql(table)
        adapt_dt = connection.ops.adapt_datetimefield_value
        rows = [tuple(adapt_dt(v) if isinstance(v, datetime.datetime) else
                      v.isoformat() if isinstance(v, datetime.date) else
                      str(v) if isinstance(v, Decimal) else v for v in row) for row in rows]
        marks = ", ".join(["%s"] * len(table.fields))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {db_table} ({columns}) VALUES ({marks})", rows)
        self.report.rows[table.name] += len(rows)
        self.report.table_seconds[table.name] += time.monotonic() - started


def rollup_all_sql() -> int:
    """`stats.services.rollup_days(None)` as INSERT ... SELECT statements: the same rows (the tests compare
    them with the service's), computed by the database instead of through model instances, which takes
    minutes at a million cases. Returns the rows written."""
    monthcache.invalidate_all()  # as rollup_days(None) does: every cached month of figures is stale
    q = connection.ops.quote_name
    figures, facts = q(DailyFigure._meta.db_table), q(CaseFact._meta.db_table)
    ratings, cases_ = q(Rating._meta.db_table), q(Case._meta.db_table)
    dims = "f.item_id, COALESCE(f.item_type, ''), COALESCE(f.route, ''), COALESCE(f.channel, ''), f.window_id, f.handler_id"
    group = "f.item_id, f.item_type, f.route, f.channel, f.window_id, f.handler_id"
    columns = ("day, measure, item_id, item_type, route, channel, window_id, handler_id, value, flag, n, on_time, "
               "overdue, on_the_spot, days_sum, days_n, minutes_sum, minutes_n, steps_sum, visits_sum, deficiency, "
               "deficiency_supplied, deficiency_terminated, deficiency_pending, terminated, not_accepted")
    zeros = ", ".join(["0"] * 15)

    def count(condition):
        return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"

    true = "TRUE" if connection.vendor == "postgresql" else "1"
    false = "FALSE" if connection.vendor == "postgresql" else "0"
    deficiency_counts = ", ".join(count(condition) for condition in (
        "f.deficiency <> ''", "f.deficiency = 'supplied'", "f.deficiency = 'terminated'", "f.deficiency = 'pending'"))
    statements = []
    for measure, day in (("received", "received_on"), ("accepted", "accepted_on")):
        statements.append(
            f"INSERT INTO {figures} ({columns}) SELECT f.{day}, '{measure}', {dims}, '', '', COUNT(*), {zeros} "
            f"FROM {facts} f WHERE f.{day} IS NOT NULL GROUP BY f.{day}, {group}")
    statements.append(
        f"INSERT INTO {figures} ({columns}) SELECT f.completed_on, 'completed', {dims}, '', '', COUNT(*), "
        f"{count(f'f.on_time = {true}')}, {count(f'f.on_time = {false}')}, {count(f'f.on_the_spot = {true}')}, "
        "COALESCE(SUM(f.handling_days), 0), COUNT(f.handling_days), COALESCE(SUM(f.handling_minutes), 0), "
        "COUNT(f.handling_minutes), COALESCE(SUM(f.steps), 0), COALESCE(SUM(f.visits), 0), "
        f"{deficiency_counts}, "
        + count("f.result_kind IN ({})".format(", ".join(f"'{k}'" for k in TERMINATED_RESULTS))) + ", "
        + count(f"f.result_kind = '{ResultKind.NOT_ACCEPTED}'") + " "
        f"FROM {facts} f WHERE f.counted = {true} GROUP BY f.completed_on, {group}")
    for measure, column in (("days", "handling_days"), ("minutes", "handling_minutes")):
        statements.append(
            f"INSERT INTO {figures} ({columns}) SELECT f.completed_on, '{measure}', {dims}, "
            f"CAST(f.{column} AS VARCHAR(20)), '', COUNT(*), {zeros} FROM {facts} f "
            f"WHERE f.counted = {true} AND f.{column} IS NOT NULL GROUP BY f.completed_on, {group}, f.{column}")
    # One row per rating channel too, as the service groups by it (the flag folds channels together).
    statements.append(
        f"INSERT INTO {figures} ({columns}) SELECT r.rated_on, 'rating', c.item_id, COALESCE(f.item_type, ''), "
        "COALESCE(f.route, ''), COALESCE(f.channel, ''), f.window_id, f.handler_id, r.level, "
        f"CASE WHEN r.excluded = {true} THEN 'excluded' WHEN r.channel = 'default' THEN 'default' ELSE '' END, "
        f"COUNT(*), {zeros} FROM {ratings} r JOIN {cases_} c ON c.id = r.case_id "
        f"LEFT JOIN {facts} f ON f.case_id = r.case_id WHERE r.superseded = {false} "
        "GROUP BY r.rated_on, r.level, r.excluded, r.channel, c.item_id, f.item_type, f.route, f.channel, "
        "f.window_id, f.handler_id")
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [ROLLUP_LOCK])
        cursor.execute(f"DELETE FROM {figures}")
        written = 0
        for sql in statements:
            cursor.execute(sql)
            written += cursor.rowcount
    return written


def _update(model, fields: list[str], objects) -> int:
    """One UPDATE by primary key per object, sent by executemany (pipelined on PostgreSQL): linear, where
    `bulk_update`'s CASE WHEN grows with the square of the batch."""
    q = connection.ops.quote_name
    columns = [model._meta.get_field(name) for name in fields]
    sql = (f"UPDATE {q(model._meta.db_table)} SET " + ", ".join(f"{q(f.column)} = %s" for f in columns)
           + f" WHERE {q(model._meta.pk.column)} = %s")
    rows = [[f.get_db_prep_save(getattr(o, f.attname), connection) for f in columns] + [o.pk] for o in objects]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    return len(rows)


def _next_id(model) -> int:
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def _reset_sequences(models_: list) -> None:
    """Move the id sequences past the ids written (PostgreSQL; SQLite continues from the maximum)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            pk = model._meta.pk.column
            cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX({pk}), 1), MAX({pk}) IS NOT NULL) "
                           f"FROM {connection.ops.quote_name(table)}", [table, pk])


# --- the reference data the load needs ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Blob:
    name: str  # in the default storage
    content_type: str
    extension: str
    size: int
    sha256: str


def sample_file(content_type: str) -> bytes:
    """A small valid PDF (one A4 page) or JPEG (320x200), drawn with Pillow (which WeasyPrint already
    requires): what an applicant's scan is to the type check, the case page and the browser."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200) if content_type == "image/jpeg" else (595, 842), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, image.width - 10, image.height - 10), outline="black", width=3)
    draw.text((30, 30), "OneWindow bulk sample", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG" if content_type == "image/jpeg" else "PDF", quality=70)
    return buffer.getvalue()


@dataclass
class _Registered:
    """An organisation the load registered, as it stands now (its changes are applied to `org`)."""

    org: Organisation
    index: int  # in `_Loader.orgs[kind]`
    last_day: datetime.date  # of its last register change: a change received before it may not target it
    version: int = 0
    version_id: int | None = None
    charter: int = 0
    certificate_id: int | None = None
    printed: list = field(default_factory=list)


@dataclass
class _ItemInfo:
    item: Item
    version: ItemVersion
    materials: list  # (id, name, required, secondary, copies)
    fields: list  # (key, type, choices)
    weight: float = 1.0
    deficiency: bool = False


def _staff(role: str, *, window: bool) -> list[User]:
    qs = User.objects.filter(kind=User.Kind.STAFF, is_active=True, role_memberships__role=role)
    if window:
        qs = qs.filter(window__isnull=False)
    return list(qs.select_related("department", "window").order_by("pk").distinct())


def _context():
    items = []
    for item in (Item.objects.filter(is_active=True, current_version__status=ItemVersion.Status.PUBLISHED)
                 .select_related("current_version").order_by("code")):
        version = item.current_version
        if version.registry_action in SKIPPED_ACTIONS:
            continue
        materials = [(m.pk, m.name, m.required, m.secondary, m.copies) for m in version.materials.order_by("order", "id")]
        fields = [(f.key, f.type, list(f.choices or [])) for f in version.form_fields.order_by("order", "id")]
        info = _ItemInfo(item, version, materials, fields)
        info.deficiency = (version.allows_deficiency and version.route == Route.ON_SITE
                           and version.registry_action == RegistryAction.NONE
                           and any(m[2] and m[3] for m in materials))
        items.append(info)
    missing = []
    if not items:
        missing.append("the reference catalog (no published items)")
    clerks = _staff(Role.CLERK, window=True)
    chiefs = _staff(Role.CHIEF_APPROVER, window=True)
    reviewers = _staff(Role.REVIEWER, window=False)
    leaders = _staff(Role.DECISION_MAKER, window=False)
    applicant = User.objects.filter(kind=User.Kind.APPLICANT, is_active=True).order_by("pk").first()
    for people, what in ((clerks, "a window clerk"), (chiefs, "a chief approver with a window"),
                         (reviewers, "a back-office reviewer"), (leaders, "a decision maker"),
                         ([applicant] if applicant else [], "an applicant account for online cases")):
        if not people:
            missing.append(what)
    if missing:
        raise BulkError("Missing " + "; ".join(missing) + ": run `onewindow demo setup` first.",
                        code="bulk_missing_reference")
    return items, clerks, chiefs, reviewers, leaders, applicant


# --- identifiers ----------------------------------------------------------------------------------------------

def person_id(rng: random.Random) -> str:
    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(19000))
    first17 = f"{rng.choice(AREAS)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_number_check_char(first17)


def credit_code(kind_digit: str, body: str) -> str:
    first17 = f"5{kind_digit}{settings.ONEWINDOW_AREA_CODE}{body}{org_code_check_char(body)}"
    return first17 + uscc_check_char(first17)


def _token(rng: random.Random) -> str:
    return base64.urlsafe_b64encode(rng.getrandbits(144).to_bytes(18, "big")).decode()


# --- the loader -----------------------------------------------------------------------------------------------

class _Loader:
    def __init__(self, *, cases: int, years: int, seed: int, until: datetime.date, now: datetime.datetime,
                 batch: int, progress, rollup: str = "sql"):
        self.n, self.seed, self.now, self.progress, self.rollup = cases, seed, now, progress, rollup
        self.today = timezone.localdate(now)
        self.rng = random.Random(seed)
        self.tz = timezone.get_current_timezone()
        first = until - datetime.timedelta(days=365 * years - 1)
        self.days = workdays.working_days_in(first, until)
        if not self.days:
            raise BulkError("No working days in the period.", code="bulk_no_days")
        self.report = BulkReport(first_day=self.days[0], last_day=self.days[-1])
        (self.items, self.clerks, self.chiefs, self.reviewers, self.leaders,
         self.applicant) = _context()
        self.chief_ids = {u.pk for u in self.chiefs} | set(
            User.objects.filter(role_memberships__role=Role.CHIEF_APPROVER).values_list("pk", flat=True))
        self.snap = wd_calendar.snapshot()
        self.w = _Writer(self.report, batch)
        w = self.w
        self.t_case, self.t_material = w.table(Case, "case"), w.table(CaseMaterial, "case_material")
        self.t_step, self.t_doc = w.table(CaseStep, "case_step"), w.table(CaseDocument, "case_document")
        self.t_pause = w.table(CasePause, "case_pause")
        self.t_org, self.t_orgv = w.table(Organisation, "organisation"), w.table(OrganisationVersion, "org_version")
        self.t_charter, self.t_cert = w.table(CharterVersion, "charter"), w.table(Certificate, "certificate")
        self.t_window, self.t_rating = w.table(RatingWindow, "rating_window"), w.table(Rating, "rating")
        self.t_rect, self.t_fact = w.table(Rectification, "rectification"), w.table(CaseFact, "case_fact")
        self.t_file = w.table(MaterialFile, "material_file")
        self.ids = {name: _next_id(t.model) for name, t in w.tables.items()}
        # counters, continued from the database
        series = sequence_values()
        self.case_seq = {k: v for k, v in series.items() if k.startswith("case:")}
        self.doc_seq = {k: v for k, v in series.items() if k.startswith("doc:")}
        self.cert_seq = {k.removeprefix("certificate:"): v + 1 for k, v in series.items() if k.startswith("certificate:")}
        self.code_next = series.get(ORG_CODE_SEQUENCE, 0) + 1
        self.org_codes = set(Organisation.objects.values_list("credit_code", flat=True))
        self.org_names = set(Organisation.objects.filter(status=Organisation.Status.REGISTERED)
                             .values_list("name", flat=True))
        self.orgs = {kind: [] for kind in KIND_DIGIT}  # kind -> [(id, code, name, legal_rep)]
        for o in (Organisation.objects.filter(status=Organisation.Status.REGISTERED)
                  .order_by("pk").values("pk", "kind", "credit_code", "name", "legal_representative")[:20000]):
            self.orgs[o["kind"]].append((o["pk"], o["credit_code"], o["name"], o["legal_representative"]))
        self.synthetic = 0
        self.register: dict[int, _Registered] = {}  # the organisations this load registered
        self.own = {kind: [] for kind in KIND_DIGIT}  # kind -> [their ids]
        self.changed: dict[int, Organisation] = {}
        self.closings = {"org_version": [], "certificate": []}
        self.blobs = {}
        self.sign_key = signing.signing_key()
        self.key_id = signing.key_id(self.sign_key.public_key())
        self.prefix = cases_conf.document_prefix()
        self.case_fmt = cases_conf.case_no_format()
        self.rating_days = ratings_conf.rating_period_days()
        self.default_level = ratings_conf.default_level()
        self.due_cache = {}
        self._weights()

    # ---- helpers
    def _id(self, name: str) -> int:
        value = self.ids[name]
        self.ids[name] = value + 1
        return value

    def _weights(self):
        order = list(range(len(self.items)))
        self.rng.shuffle(order)
        for rank, index in enumerate(order):
            info = self.items[index]
            info.weight = 1.0 / (rank + 1) ** 1.2
            if info.version.registry_action == RegistryAction.ESTABLISH:
                info.weight *= 0.03  # new organisations are a small share of the window's work
            elif info.version.registry_action in REGISTER_ACTIONS:
                info.weight *= 0.06  # changes of the register: twice as many as new organisations
        on_site = [i for i in self.items if i.version.route != Route.BACK_OFFICE]
        back = [i for i in self.items if i.version.route == Route.BACK_OFFICE]
        share = sum(i.weight for i in on_site)
        for info in on_site:  # on-site items: 92% of the cases (the back office: a steady 8%)
            info.weight = info.weight / share * (0.92 if back else 1.0)
        for info in back:
            info.weight = 0.08 / len(back)
        total = sum(i.weight for i in self.items)
        acc, self.cum = 0.0, []
        for info in self.items:
            acc += info.weight / total
            self.cum.append(acc)

    def _pick_item(self) -> _ItemInfo:
        r = self.rng.random()
        lo, hi = 0, len(self.cum) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if self.cum[mid] < r:
                lo = mid + 1
            else:
                hi = mid
        return self.items[lo]

    def _at(self, day: datetime.date, minutes: int) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=self.tz) + minutes * MINUTE

    def _office_time(self, day: datetime.date) -> datetime.datetime:
        """A moment in office hours: 9:00-12:00 or 14:30-17:30."""
        m = self.rng.randrange(360)
        return self._at(day, 540 + m if m < 180 else 870 + m - 180)

    def _next_wd(self, day: datetime.date, n: int = 1) -> datetime.date:
        return self.snap.nth_working_after(day, n) if n else day

    @staticmethod
    def _local(value):
        # Every generated moment is built in the current time zone (see `_at`), so its date is the local date.
        return value.date() if value else None

    def _name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def _mobile(self) -> str:
        return f"1{self.rng.choice('3456789')}{self.rng.randrange(10**9):09d}"

    # ---- case numbers and documents
    def _case_no(self, code: str, day: datetime.date) -> str:
        key = "case:" + self.case_fmt.format(item_code=code, date=day, seq=0)
        self.case_seq[key] = self.case_seq.get(key, 0) + 1
        return self.case_fmt.format(item_code=code, date=day, seq=self.case_seq[key])

    def _doc(self, c: dict, info: _ItemInfo, kind: str, at: datetime.datetime, actor, extra: dict) -> None:
        day = self._local(at)
        key = f"doc:{kind}:{day.year}"
        self.doc_seq[key] = self.doc_seq.get(key, 0) + 1
        number = f"{self.prefix}{DOCUMENT_WORDS[kind]}字〔{day.year}〕{self.doc_seq[key]:04d}号"
        data = {"department": info.version.implementing_body, "case_no": c["case_no"],
                "item_name": info.version.name, "applicant_name": c["applicant_name"],
                "id_number_masked": mask_id_number(c["id_number"]), "date": day.isoformat(),
                "promised_due": c["promised_due"].isoformat() if c["promised_due"] else None,
                "progress_url": cases_conf.public_progress_url(c["case_no"]), **extra}
        self.docs.append({"id": self._id("case_document"), "case_id": c["id"], "kind": kind, "number": number,
                          "data": data, "created_at": at, "created_by_id": actor.pk if actor else None})

    def _special_procedure_notice(self, c: dict, info: _ItemInfo, at: datetime.datetime, actor, pause: dict) -> None:
        """The 特别程序告知书 `cases.services.case_suspend` issues with each pause (行政许可法 Art. 45)."""
        v = info.version
        end = workdays.add_working_days(pause["started_on"], pause["expected_days"])
        self._doc(c, info, CaseDocument.Kind.SPECIAL_PROCEDURE, at, actor, {
            "due_provisional": c["due_provisional"], "received_on": c["received_on"].isoformat(),
            "complaint_phone": v.complaint_phone, "consult_phone": v.consult_phone,
            "procedure": PAUSE_NAMES[pause["kind"]], "reason": pause["reason"], "basis": pause_basis(v, pause["kind"]),
            "started_on": pause["started_on"].isoformat(), "expected_days": pause["expected_days"],
            "expected_end": end.date.isoformat(), "expected_end_provisional": end.provisional})

    # ---- the clock
    def _due(self, c: dict, info: _ItemInfo, pauses: list) -> None:
        """`cases.services.deadlines_compute`, with the in-memory calendar."""
        v = info.version
        closed = [(p["started_on"], p["ended_on"]) for p in pauses]
        c["paused_days"] = sum(workdays.count_working_days(a, b or self.today).days for a, b in closed)
        if not c["accepted_on"]:
            return
        special = [(p["started_on"], p["ended_on"]) for p in pauses if p["kind"] != CasePause.Kind.CORRECTION]
        if c["deemed_accepted"]:
            special += [(p["started_on"], p["ended_on"]) for p in pauses if p["kind"] == CasePause.Kind.CORRECTION]
        answers = []
        for limit, unit in ((v.promised_limit, v.promised_limit_unit), (v.statutory_limit, v.statutory_limit_unit)):
            key = (c["accepted_on"], limit, unit, c["extension_days"])
            if special:
                answers.append(workdays.clock_due(start=c["accepted_on"], limit=limit, unit=unit, paused=special,
                                                  extension=c["extension_days"], today=self.today))
            else:
                if key not in self.due_cache:
                    self.due_cache[key] = workdays.clock_due(start=c["accepted_on"], limit=limit, unit=unit,
                                                             extension=c["extension_days"], today=self.today)
                answers.append(self.due_cache[key])
        c["promised_due"], c["statutory_due"] = answers[0].date, answers[1].date
        c["due_provisional"] = bool(answers[0].provisional or answers[1].provisional)

    # ---- one case
    def _applicant(self, info: _ItemInfo, c: dict, target: _Registered | None) -> None:
        rng, v = self.rng, info.version
        kinds = [k for k in (v.org_kinds or []) if k in KIND_DIGIT]
        if kinds and v.registry_action != RegistryAction.ESTABLISH:
            kind = rng.choice(kinds)
            existing = self.orgs[kind]
            if target is not None:  # the organisation applies for the change of its own registration
                org = target.org
                org_id, code, name, rep = org.pk, org.credit_code, org.name, org.legal_representative
            elif existing and rng.random() < 0.7:
                org_id, code, name, rep = existing[rng.randrange(len(existing))]
            else:
                self.synthetic += 1
                body = f"{(self.seed % 997) * 100000 + self.synthetic % 100000 + 10**7:08d}"[-8:]
                org_id, code = None, credit_code(KIND_DIGIT[kind], body)
                name, rep = ORG_PATTERNS[kind].format(rng.choice(WORDS) + str(self.synthetic)), self._name()
            c.update(applicant_kind="organisation", applicant_name=name, id_type="uscc", id_number=code,
                     organisation_id=org_id, legal_representative=rep, contact_name=self._name(),
                     address=f"长沙市{rng.choice(STREETS)}{rng.randrange(1, 999)}号")
        else:
            name = self._name()
            c.update(applicant_kind="person", applicant_name=name, id_type="resident_id", id_number=person_id(rng),
                     contact_name=name, address=f"长沙市{rng.choice(STREETS)}{rng.randrange(1, 999)}号")
        c["contact_mobile"] = self._mobile()

    def _form(self, info: _ItemInfo, c: dict, day: datetime.date) -> dict:
        rng, data = self.rng, {}
        if info.version.registry_action == RegistryAction.ESTABLISH:
            kind = info.version.org_kinds[0]
            while True:
                self.synthetic += 1
                name = ORG_PATTERNS[kind].format(rng.choice(WORDS) + f"{self.seed % 1000}{self.synthetic}")
                if name not in self.org_names:
                    break
            data = {"name": name, "address": c["address"], "purpose": f"促进{name[3:7]}事业发展",
                    "business_scope": "开展交流、培训、咨询服务", "activity_area": "湖南省",
                    "legal_representative": c["applicant_name"], "legal_representative_id_number": c["id_number"],
                    "legal_representative_mobile": c["contact_mobile"], "registered_capital": str(rng.choice((30000, 100000, 500000, 2000000))),
                    "supervisor_unit": "", "foundation_type": "非公募基金会" if kind == "foundation" else "",
                    "charter": f"{name}章程（全文）"}
            return {k: val for k, val in data.items() if k in {f[0] for f in info.fields} and val}
        if info.version.registry_action == RegistryAction.CHARTER:
            return {"charter": f"{c['applicant_name']}章程（{day.year}年修正案，全文）"}
        if info.version.registry_action == RegistryAction.CHANGE:
            if "address" in {f[0] for f in info.fields} and rng.random() < 0.6:  # 住所变更, the most frequent
                return {"address": f"长沙市{rng.choice(STREETS)}{rng.randrange(1, 999)}号{rng.randrange(1, 30)}楼"}
            # 法定代表人变更: the new representative and the contact the register keeps for them
            return {"legal_representative": self._name(), "legal_representative_id_number": person_id(rng),
                    "legal_representative_mobile": self._mobile()}
        for key, ftype, choices in info.fields:
            if choices:
                data[key] = rng.choice(choices)
            elif ftype in ("number", "money"):
                data[key] = str(rng.choice((10000, 50000, 100000)))
            elif ftype == "date":
                data[key] = day.isoformat()
            elif key == "name":
                data[key] = ORG_PATTERNS["social_group"].format(rng.choice(WORDS) + str(rng.randrange(10**6)))
            else:
                data[key] = rng.choice(("按章程开展活动", "依法办理", "申请人需要", "工作需要"))
        return data

    def _plan(self, info: _ItemInfo, c: dict, day: datetime.date) -> list:
        """The actions the case goes through: [(time, action, actor, params)]."""
        rng, v = self.rng, info.version
        window = c["channel"] == Channel.WINDOW
        clerk = rng.choice(self.clerks)
        chief, reviewer, leader = rng.choice(self.chiefs), rng.choice(self.reviewers), rng.choice(self.leaders)
        t = self._office_time(day) if window else self._at(day, 480 + rng.randrange(840))
        plan = [(t, "submit", None, {})]
        c["filed_by_id"] = clerk.pk if window else None
        c["owner_id"] = None if window else self.applicant.pk

        def at_desk(t, minutes=(3, 10)):
            """The next moment the window handles the case: minutes later for a window case, the next
            office hours for an online one."""
            if window:
                return t + rng.randint(*minutes) * MINUTE
            d = self._local(t)
            if t.hour >= 16 or not self.snap.is_working(d):
                d = self._next_wd(d)
            nxt = self._office_time(d)
            return nxt if nxt > t else t + rng.randint(*minutes) * MINUTE

        r = rng.random()
        if r < 0.06:  # correction notice at the counter, corrections brought in later
            t = at_desk(t)
            plan.append((t, "request_correction", clerk, {}))
            d = self._next_wd(self._local(t), rng.randint(1, 6))
            t = self._office_time(d)
            if rng.random() < 0.15:
                plan.append((t, "reject", clerk, {"reason": rng.choice(REJECT_REASONS)}))
                return plan
            plan.append((t, "resubmit", clerk, {}))
            r = rng.random() * 0.94 + 0.06
        if r < 0.085:
            plan.append((at_desk(t), "reject", clerk, {"reason": rng.choice(REJECT_REASONS)}))
            return plan
        if r < 0.10:
            plan.append((at_desk(t, (20, 600)), "withdraw", clerk, {"reason": rng.choice(WITHDRAW_REASONS)}))
            return plan
        t = at_desk(t)
        deficiency = info.deficiency and rng.random() < 0.05
        if deficiency:
            plan.append((t, "accept_with_deficiency", clerk, {}))
        else:
            plan.append((t, "accept", clerk if rng.random() < 0.7 else chief, {}))
        if v.route == Route.ON_SITE:
            if rng.random() < 0.03:  # the chief approver was away: decided a few days later
                t = self._office_time(self._next_wd(self._local(t), rng.randint(1, 3)))
            else:
                t = t + rng.randint(2, 8) * MINUTE
            grant = rng.random() < 0.965
            plan.append((t, "decide", chief, {"outcome": "grant" if grant else "refuse",
                                               "reason": "" if grant else rng.choice(REFUSE_REASONS)}))
            if deficiency:
                if rng.random() < 0.8:
                    d = self._next_wd(self._local(t), rng.randint(1, 4))
                    t = self._office_time(d)
                    plan.append((t, "supplement", clerk, {}))
                else:
                    plan.append((None, "expire", None, {}))  # the daily rule ends it after the deadline
                    return plan
            plan.append(self._issue(t, window, clerk, c))
            return plan
        # back office
        if rng.random() < 0.015:
            t = self._office_time(self._next_wd(self._local(t), rng.randint(1, 3)))
            plan.append((t, "withdraw", clerk, {"reason": rng.choice(WITHDRAW_REASONS)}))
            return plan
        if rng.random() < 0.12:
            # Only the procedures `case_suspend` allows for this item (Art. 45, or a provision it names).
            kind, reason, result = rng.choice([p for p in PAUSE_KINDS if pause_basis(v, p[0])])
            t = self._office_time(self._next_wd(self._local(t), rng.randint(1, 3)))
            days = rng.randint(3, 10)
            plan.append((t, "suspend", reviewer, {"kind": kind, "reason": reason, "expected_days": days}))
            t = self._office_time(self._next_wd(self._local(t), days))
            plan.append((t, "resume", reviewer, {"result": result}))
        t = self._office_time(self._next_wd(self._local(t), rng.randint(1, 5)))
        plan.append((t, "review", reviewer, {"opinion": "材料齐全，符合条件，拟同意报批"}))
        if rng.random() < 0.02:
            t = self._office_time(self._next_wd(self._local(t), rng.randint(1, 3)))
            plan.append((t, "terminate", leader, {"reason": rng.choice(TERMINATE_REASONS)}))
            return plan
        if v.sign_off_required:  # 签发 by the leader before 转报
            t = t + rng.randint(60, 480) * MINUTE
            plan.append((t, "sign_off", leader, {"opinion": "同意初审意见，报上级机关"}))
        t = t + rng.randint(30, 180) * MINUTE
        authority = rng.choice(AUTHORITIES)
        plan.append((t, "forward", reviewer, {"authority": authority}))
        t = self._office_time(self._next_wd(self._local(t), rng.randint(3, 12)))
        if rng.random() < 0.05:
            plan.append((t, "complete", clerk, {}))  # 转报办结
            return plan
        grant = rng.random() < 0.95
        plan.append((t, "record_external_decision", reviewer, {
            "outcome": "grant" if grant else "refuse", "reason": "" if grant else rng.choice(REFUSE_REASONS),
            "document_no": f"湘政函〔{self._local(t).year}〕{rng.randint(1, 300)}号"}))
        t = self._office_time(self._next_wd(self._local(t), rng.randint(1, 2)))
        plan.append(self._issue(t, window, clerk, c))
        plan.append((plan[-1][0] + rng.randint(1, 30) * MINUTE, "complete", clerk, {}))
        return plan

    def _issue(self, t, window: bool, clerk, c: dict):
        rng = self.rng
        if window or rng.random() < 0.25:
            t2 = t + rng.randint(1, 5) * MINUTE if window else self._office_time(self._next_wd(self._local(t),
                                                                                                 rng.randint(1, 5)))
            collector = c["contact_name"]
            return (t2, "issue", clerk, {"delivery": "window", "collector_name": collector,
                                         "collector_id_number": person_id(rng)})
        return (t + rng.randint(10, 90) * MINUTE, "issue", clerk,
                {"delivery": "post", "tracking_no": f"SF{rng.randrange(10**12):012d}"})

    def _stall(self, plan: list, day_index: int) -> list:
        """Cases of the last weeks: sometimes stop after one of the actions (the case is still open)."""
        age = len(self.days) - 1 - day_index
        if age >= OPEN_WINDOW_DAYS or self.rng.random() > 0.95 - 0.045 * age:
            return plan
        stops = [i for i, (_t, action, _a, _p) in enumerate(plan) if action in (
            "submit", "request_correction", "accept", "accept_with_deficiency", "suspend", "review", "sign_off",
            "forward", "decide", "record_external_decision", "issue", "supplement")]
        stops = [i for i in stops if i < len(plan) - 1]
        if not stops:
            return plan
        return plan[:self.rng.choice(stops) + 1]

    def _target(self, info: _ItemInfo, day: datetime.date) -> _Registered | None:
        """An organisation the load registered, of the item's kind, not changed after `day` (a change
        received on `day` is decided on or after it, so the register's versions stay in date order)."""
        own = self.own[info.version.org_kinds[0]]
        for _attempt in range(5 if own else 0):
            entry = self.register[own[self.rng.randrange(len(own))]]
            if entry.last_day <= day:
                return entry
        return None

    def one(self, info: _ItemInfo, day: datetime.date, day_index: int) -> None:
        rng, v = self.rng, info.version
        target = None
        if v.registry_action in REGISTER_ACTIONS:
            target = self._target(info, day)
            while target is None and info.version.registry_action in REGISTER_ACTIONS:
                info = self._pick_item()  # nothing to change yet: another item
            v = info.version
        channel = Channel.WINDOW if rng.random() < 0.62 else (Channel.PC if rng.random() < 0.55 else Channel.MOBILE)
        if channel not in (v.channels or [channel]):
            channel = Channel.WINDOW
        c = dict(id=self._id("case"), item_id=info.item.pk, item_version_id=v.pk, channel=channel,
                 state=S.DRAFT, promised_due=None, statutory_due=None, due_provisional=False, extension_days=0,
                 paused_days=0, accepted_on=None, deemed_accepted=False, deficiency_pending=False,
                 organisation_id=None, result_certificates=[], outcome="", decision_reason="",
                 state_before_pause="", delivery="", collector_name="", collector_id_number="", tracking_no="",
                 result_kind="", result_note="", external_doc_no="", supplement_due=None, commitment_signed=False,
                 legal_representative="")
        self._applicant(info, c, target)
        c["form_data"] = self._form(info, c, day)
        plan = self._stall(self._plan(info, c, day), day_index)
        if plan[0][0] > self.now:  # a case of today, later than now: received a little earlier, still waiting
            earliest = self._at(day, 1)
            plan = [(max(earliest, self.now.astimezone(self.tz) - rng.randint(1, 90) * MINUTE), "submit", None, {})]
        c["case_no"] = self._case_no(info.item.code, day)
        self._run(info, c, plan)

    def _run(self, info: _ItemInfo, c: dict, plan: list) -> None:
        rng, v, now = self.rng, info.version, self.now
        steps, pauses, mats = [], [], {}
        self.docs = []  # written after the case row (its parent)
        unit = v.implementing_body
        # Online applicants upload their materials (a file each, one more for each correction or 容缺
        # supplement); at the window paper is seen.
        online = c["channel"] != Channel.WINDOW
        handed = CaseMaterial.Mode.FILE if online else CaseMaterial.Mode.PAPER
        for m_id, _name, required, _secondary, copies in info.materials:
            given = required or rng.random() < 0.5
            mats[m_id] = {"mode": handed if given else CaseMaterial.Mode.PENDING, "note": "", "copies": max(copies, 1),
                          "uploads": [plan[0][0]] if online and given else []}

        def step(code, actor, at, before, opinion="", action=None):
            steps.append({"id": self._id("case_step"), "case_id": c["id"], "code": code, "name": STEP_NAMES[code],
                          "action": action or STEP_ACTIONS.get(code, CaseStep.Action.PASS),
                          "handler_id": actor.pk if actor else None,
                          "handler_name": str(actor)[:50] if actor else "系统", "unit": unit, "opinion": opinion,
                          "from_state": before, "to_state": c["state"], "started_at": at, "ended_at": at,
                          "status": CaseStep.Status.DONE, "_handler": actor})

        def complete(kind, at, note=""):
            c.update(state=S.COMPLETED, result_kind=kind, result_note=note, completed_at=at)

        def close_open_pauses(day):
            for p in pauses:
                if p["ended_on"] is None:
                    p["ended_on"] = day

        first_time = plan[0][0]
        c["created_at"] = first_time
        last_touch = first_time
        for at, action, actor, params in plan:
            if action == "expire":
                break  # the daily rule ends it after the deadline (below)
            if c["deficiency_pending"] and self._expiry(c) < at:
                break  # the deadline passed before this action: the daily rule came first
            if at > now:
                break
            day = self._local(at)
            before = c["state"]
            if action == "submit":
                c.update(state=S.SUBMITTED, submitted_at=at, received_on=day)
            elif action == "request_correction":
                c["state"] = S.CORRECTION
                wrong = rng.sample([m for m in info.materials if m[2]], k=min(2, sum(1 for m in info.materials if m[2])))
                for m in wrong:
                    mats[m[0]].update(mode=CaseMaterial.Mode.FAULTY, note=rng.choice(CORRECTION_NOTES))
                pauses.append({"kind": CasePause.Kind.CORRECTION, "started_on": day, "ended_on": None,
                               "reason": STEP_NAMES["request_correction"], "result": "", "started_by_id": actor.pk})
                step("request_correction", actor, at, before)
                self._doc(c, info, CaseDocument.Kind.CORRECTION, at, actor,
                          {"missing": [{"name": m[1], "note": mats[m[0]]["note"]} for m in wrong]})
            elif action == "resubmit":
                c["state"] = S.SUBMITTED
                for p in pauses:
                    if p["kind"] == CasePause.Kind.CORRECTION and p["ended_on"] is None:
                        p["ended_on"] = day
                for m in mats.values():
                    if m["mode"] == CaseMaterial.Mode.FAULTY:
                        m.update(mode=handed, note="")
                        m["uploads"] += [at] if online else []
                self._due(c, info, pauses)
                step("resubmit", actor, at, before)
            elif action in ("accept", "accept_with_deficiency"):
                c.update(state=S.ACCEPTED, accepted_at=at)
                correction = [(p["started_on"], p["ended_on"]) for p in pauses
                              if p["kind"] == CasePause.Kind.CORRECTION]
                used = workdays.working_days_used(start=c["received_on"], today=day, paused=correction)
                if c["received_on"] and used > cases_conf.CORRECTION_NOTICE_DAYS:
                    c.update(deemed_accepted=True, accepted_on=c["received_on"])
                else:
                    c["accepted_on"] = day
                self._due(c, info, pauses)
                if action == "accept":
                    step("accept", actor, at, before)
                    self._doc(c, info, CaseDocument.Kind.ACCEPTANCE, at, actor, {"deemed": c["deemed_accepted"]})
                else:
                    latest = c["statutory_due"] if v.promised_limit_unit == LimitUnit.ON_THE_SPOT else c["promised_due"]
                    due = self._next_wd(day, rng.randint(3, 10))
                    due = min(due, latest) if latest else due
                    missing = [m for m in info.materials if m[2] and m[3]]
                    for m in missing:
                        mats[m[0]].update(mode=CaseMaterial.Mode.MISSING, note="容缺后补")
                    c.update(deficiency_pending=True, supplement_due=due, commitment_signed=True)
                    step("accept_with_deficiency", actor, at, before)
                    self._doc(c, info, CaseDocument.Kind.DEFICIENCY, at, actor, {
                        "missing": [{"name": m[1], "note": "容缺后补"} for m in missing],
                        "supplement_due": due.isoformat()})
            elif action in ("decide", "record_external_decision"):
                c.update(state=S.DECIDED, outcome=params["outcome"], decided_at=at,
                         decision_reason=params["reason"].strip())
                if action == "record_external_decision":
                    c["external_doc_no"] = params["document_no"]
                if params["outcome"] == "grant" and v.registry_action == RegistryAction.ESTABLISH:
                    self._establish(info, c, at, actor)
                elif params["outcome"] == "grant" and v.registry_action in REGISTER_ACTIONS:
                    self._change(info, c, at, actor)
                if action == "decide":
                    grant = params["outcome"] == "grant"
                    step("decide", actor, at, before, params["reason"] or ("准予许可" if grant else ""),
                         CaseStep.Action.PASS if grant else CaseStep.Action.OTHER)
                    self._doc(c, info, CaseDocument.Kind.GRANT if grant else CaseDocument.Kind.REFUSAL, at, actor,
                              {"reason": c["decision_reason"],
                               "certificates": [x["number"] for x in c["result_certificates"]]})
                else:
                    step(action, actor, at, before, f"{c['external_doc_no']} {params['reason']}".strip())
            elif action == "supplement":
                c["deficiency_pending"] = False
                for m in mats.values():
                    if m["mode"] == CaseMaterial.Mode.MISSING:
                        m.update(mode=handed, note="")
                        m["uploads"] += [at] if online else []
                step("supplement", actor, at, before)
            elif action == "reject":
                for p in pauses:
                    if p["kind"] == CasePause.Kind.CORRECTION and p["ended_on"] is None:
                        p["ended_on"] = day
                complete("not_accepted", at, params["reason"])
                step("reject", actor, at, before, params["reason"])
                self._doc(c, info, CaseDocument.Kind.NON_ACCEPTANCE, at, actor, {"reason": params["reason"]})
            elif action == "withdraw":
                close_open_pauses(day)
                complete("withdrawn", at, params["reason"])
                step("withdraw", actor, at, before, params["reason"])
            elif action == "terminate":
                kind = "deficiency_terminated" if c["deficiency_pending"] else "terminated"
                close_open_pauses(day)
                complete(kind, at, params["reason"])
                step("terminate", actor, at, before, params["reason"])
            elif action == "suspend":
                c.update(state=S.SUSPENDED, state_before_pause=before)
                pauses.append({"kind": params["kind"], "started_on": day, "ended_on": None,
                               "reason": params["reason"], "result": "", "started_by_id": actor.pk,
                               "expected_days": params["expected_days"]})
                self._special_procedure_notice(c, info, at, actor, pauses[-1])
            elif action == "resume":
                c.update(state=c["state_before_pause"], state_before_pause="")
                pauses[-1].update(ended_on=day, result=params["result"])
                self._due(c, info, pauses)
            elif action == "review":
                c["state"] = S.REVIEWED
                step("review", actor, at, before, params["opinion"])
            elif action == "sign_off":
                c["state"] = S.SIGNED_OFF
                step("sign_off", actor, at, before, params["opinion"])
            elif action == "forward":
                c["state"] = S.FORWARDED
                step("forward", actor, at, before, params["authority"])
            elif action == "issue":
                c.update(state=S.ISSUED, delivery=params["delivery"], issued_at=at,
                         collector_name=params.get("collector_name", ""),
                         collector_id_number=params.get("collector_id_number", ""),
                         tracking_no=params.get("tracking_no", ""))
                if v.route == Route.ON_SITE:
                    complete("granted" if c["outcome"] == "grant" else "refused", at)
                self._doc(c, info, CaseDocument.Kind.DELIVERY, at, actor, {
                    "delivery": c["delivery"], "collector_name": c["collector_name"],
                    "collector_id_masked": mask_id_number(c["collector_id_number"]), "tracking_no": c["tracking_no"],
                    "certificates": [x["number"] for x in c["result_certificates"]]})
            elif action == "complete":
                kind = "forwarded" if before == S.FORWARDED else ("granted" if c["outcome"] == "grant" else "refused")
                complete(kind, at)
            last_touch = at
        # the daily rule would already have ended a 容缺 case whose deadline passed
        if c["state"] != S.COMPLETED and c["deficiency_pending"] and self._expiry(c) <= now:
            self._expire(info, c, steps, pauses)
            last_touch = c["completed_at"]
        self._write(info, c, steps, pauses, mats, last_touch)

    def _expiry(self, c) -> datetime.datetime:
        """When the daily `cases_overdue_deficiencies` run ends a 容缺 case: early on the day after the
        supplement deadline (the minute depends on the case id only, so the load stays deterministic)."""
        return self._at(c["supplement_due"] + ONE_DAY, 60 + c["id"] % 60)

    def _expire(self, info, c, steps, pauses):
        """`cases.services.deficiencies_expire` for one case."""
        at = self._expiry(c)
        reason = f"容缺材料未在{c['supplement_due'].isoformat()}前补齐"  # the wording the service writes
        before = c["state"]
        for p in pauses:
            if p["ended_on"] is None:
                p["ended_on"] = self._local(at)
        c.update(state=S.COMPLETED, result_kind="deficiency_terminated", result_note=reason, completed_at=at)
        steps.append({"id": self._id("case_step"), "case_id": c["id"], "code": "terminate",
                      "name": STEP_NAMES["terminate"], "action": STEP_ACTIONS["terminate"], "handler_id": None,
                      "handler_name": "系统", "unit": info.version.implementing_body, "opinion": reason,
                      "from_state": before, "to_state": S.COMPLETED, "started_at": at, "ended_at": at,
                      "status": CaseStep.Status.DONE, "_handler": None})

    # ---- the register
    def _establish(self, info: _ItemInfo, c: dict, at: datetime.datetime, actor) -> None:
        kind = info.version.org_kinds[0]
        day = self._local(at)
        while True:
            body = f"{ORG_CODE_PREFIX}{self.code_next:06d}"
            self.code_next += 1
            candidates = {d: credit_code(d, body) for d in (*KIND_DIGIT.values(), "9")}
            if not self.org_codes.intersection(candidates.values()):
                break
        code = candidates[KIND_DIGIT[kind]]
        self.org_codes.add(code)
        data = c["form_data"]
        items = {k: str(data.get(k) or "").strip() for k in ("name", "address", "purpose", "business_scope",
                                                            "activity_area", "legal_representative",
                                                            "supervisor_unit", "foundation_type",
                                                            *REPRESENTATIVE_CONTACT)}
        capital = data.get("registered_capital")
        org = Organisation(id=self._id("organisation"), kind=kind, credit_code=code, established_on=day,
                           registration_authority=settings.ONEWINDOW_DEPARTMENT_NAME,
                           registered_capital=Decimal(capital).quantize(Decimal("0.01")) if capital else None,
                           **items)
        self.org_names.add(org.name)
        self.orgs[kind].append((org.pk, code, org.name, org.legal_representative))
        values = {f.attname: getattr(org, f.attname) for f in Organisation._meta.concrete_fields}
        values.update(created_at=at, updated_at=at)
        self.w.add(self.t_org, values)
        entry = _Registered(org=org, index=len(self.orgs[kind]) - 1, last_day=day)
        self.register[org.pk] = entry
        self.own[kind].append(org.pk)
        self._version(entry, OrganisationVersion.Action.ESTABLISH, c, at, actor)
        charter = str(data.get("charter") or "").strip()
        if charter:
            self._charter(entry, charter, c, at, actor)
        c["organisation_id"] = c["organisation_id"] or org.pk
        c["result_certificates"] = [self._certificate(entry, c, at, actor)]

    def _version(self, entry: _Registered, action: str, c: dict, at: datetime.datetime, actor) -> None:
        """`registry.services._append_version`: the open version is closed (at the end, see `_close`)."""
        day = self._local(at)
        if entry.version_id is not None:
            self.closings["org_version"].append(OrganisationVersion(id=entry.version_id, valid_to=day))
        entry.version_id, entry.version = self._id("org_version"), entry.version + 1
        self.w.add(self.t_orgv, {"id": entry.version_id, "organisation_id": entry.org.pk, "number": entry.version,
                                 "action": action, "data": entry.org.snapshot(), "valid_from": day,
                                 "valid_to": None, "case_no": c["case_no"], "actor_id": actor.pk if actor else None,
                                 "created_at": at})

    def _charter(self, entry: _Registered, text: str, c: dict, at: datetime.datetime, actor) -> None:
        entry.charter += 1
        self.w.add(self.t_charter, {"id": self._id("charter"), "organisation_id": entry.org.pk,
                                    "number": entry.charter, "text": text, "approved_on": self._local(at),
                                    "case_no": c["case_no"], "actor_id": actor.pk if actor else None,
                                    "created_at": at})

    def _certificate(self, entry: _Registered, c: dict, at: datetime.datetime, actor) -> dict:
        """`certificates.services.certificate_issue` (registration certificate); the valid one before it is
        superseded, as `certificate_reissue` does (that row is updated at the end, see `_close`)."""
        org, day = entry.org, self._local(at)
        cert_kind = cert_services.registration_kind(org)
        serial = self.cert_seq.get(cert_kind, 1)
        self.cert_seq[cert_kind] = serial + 1
        token = _token(self.rng)
        payload = {
            "title": cert_services.CERTIFICATE_TITLES[cert_kind], "kind": cert_kind,
            "number": cert_services._number(cert_kind, serial), "credit_code": org.credit_code,
            "fields": cert_services.printed_fields(org, cert_kind), "valid_from": day.isoformat(),
            "valid_until": cert_services.valid_until_for(day).isoformat(),
            "issuer": settings.ONEWINDOW_DEPARTMENT_NAME, "issued_on": day.isoformat(),
            "supervised_by": cert_services.SUPERVISED_BY, "verify_url": cert_services.verify_url(token)}
        signature = base64.b64encode(self.sign_key.sign(signing.canonical_json(payload))).decode()
        cert_id = self._id("certificate")
        self.w.add(self.t_cert, {"id": cert_id, "kind": cert_kind, "number": payload["number"],
                                 "serial": serial, "token": token, "organisation_id": org.pk, "case_no": c["case_no"],
                                 "printed": payload, "signature": signature, "key_id": self.key_id,
                                 "issued_on": day, "valid_until": cert_services.valid_until_for(day),
                                 "issued_by_id": actor.pk if actor else None, "created_at": at})
        if entry.certificate_id is not None:
            self.closings["certificate"].append(Certificate(
                id=entry.certificate_id, status=Certificate.Status.SUPERSEDED, ended_reason=f"变更登记 {c['case_no']}",
                ended_at=at, superseded_by_id=cert_id))
        entry.certificate_id, entry.printed = cert_id, payload["fields"]
        self.report.mix["certificates"] += 1
        return {"number": payload["number"], "kind": cert_kind, "token": token}

    def _change(self, info: _ItemInfo, c: dict, at: datetime.datetime, actor) -> None:
        """The grant of a change item on an organisation the load registered, as
        `registry.effects.case_grant_apply` applies it: 变更登记 (a new version; the certificate re-issued when a
        printed item changed) or 修改章程核准 (a new charter version)."""
        entry = self.register[c["organisation_id"]]
        org, data = entry.org, c["form_data"]
        entry.last_day = self._local(at)
        if info.version.registry_action == RegistryAction.CHARTER:
            self._charter(entry, data["charter"], c, at, actor)
            self.report.mix["register:charter"] += 1
            return
        for key, value in data.items():
            setattr(org, key, value)
        org.updated_at = at
        self.changed[org.pk] = org
        self.orgs[org.kind][entry.index] = (org.pk, org.credit_code, org.name, org.legal_representative)
        self._version(entry, OrganisationVersion.Action.CHANGE, c, at, actor)
        if cert_services.printed_fields(org, cert_services.registration_kind(org)) != entry.printed:
            c["result_certificates"] = [self._certificate(entry, c, at, actor)]
        self.report.mix["register:change"] += 1

    def _close(self) -> None:
        """What later grants changed in rows already written: the organisations' registered items, the end of
        each superseded version and certificate (UPDATEs in batches, after the COPYs)."""
        t = time.monotonic()
        rows = _update(Organisation, [*REGISTERED_ITEMS, *REPRESENTATIVE_CONTACT, "updated_at"], self.changed.values())
        rows += _update(OrganisationVersion, ["valid_to"], self.closings["org_version"])
        rows += _update(Certificate, ["status", "ended_reason", "ended_at", "superseded_by"],
                        self.closings["certificate"])
        self.report.rows["(updates after the load)"] += rows
        self.report.table_seconds["(updates after the load)"] = time.monotonic() - t

    # ---- rows
    def _write(self, info, c, steps, pauses, mats, last_touch) -> None:
        w, v = self.w, info.version
        w.add(self.t_case, c)
        for doc in self.docs:
            w.add(self.t_doc, doc)
        for m_id, name, *_rest in info.materials:
            m, row_id = mats[m_id], self._id("case_material")
            w.add(self.t_material, {"id": row_id, "case_id": c["id"], "material_id": m_id,
                                    "mode": m["mode"], "original_seen": m["mode"] == CaseMaterial.Mode.PAPER,
                                    "copies": m["copies"] if m["mode"] == CaseMaterial.Mode.PAPER else 0,
                                    "note": m["note"], "updated_at": last_touch})
            for at in m["uploads"]:
                blob = self._blob("image/jpeg" if any(word in name for word in PHOTO_WORDS) else "application/pdf")
                w.add(self.t_file, {"id": self._id("material_file"), "case_material_id": row_id, "file": blob.name,
                                    "original_name": (name + blob.extension)[-200:],
                                    "content_type": blob.content_type, "size": blob.size, "sha256": blob.sha256,
                                    "uploaded_at": at, "uploaded_by_id": c["owner_id"]})
                self.report.mix["files"] += 1
        handlers = {}
        for s in steps:
            handlers[s["id"]] = s.pop("_handler")
            w.add(self.t_step, s)
        for p in pauses:
            w.add(self.t_pause, {"id": self._id("case_pause"), "case_id": c["id"], **p})
        self._fact(info, c, steps, pauses, handlers)
        mix = self.report.mix
        mix["state:" + c["state"]] += 1
        if c["result_kind"]:
            mix["result:" + c["result_kind"]] += 1
        mix["channel:" + c["channel"]] += 1
        mix["route:" + v.route] += 1
        if any(s["code"] == "accept_with_deficiency" for s in steps):
            mix["deficiency"] += 1
        if any(p["kind"] != CasePause.Kind.CORRECTION for p in pauses):
            mix["special_procedure"] += 1
        if any(s["code"] == "request_correction" for s in steps):
            mix["correction"] += 1
        if c["state"] == S.COMPLETED and c["result_kind"] != "withdrawn":
            self._ratings(info, c, steps, handlers)

    def _blob(self, content_type: str) -> _Blob:
        """The stored file every upload of this type points at, written once per load (see the docstring)."""
        if content_type not in self.blobs:
            content = sample_file(content_type)
            checked = check_upload(name="sample" + SIGNATURES[content_type][1][0], content=content)
            field_file = MaterialFile().file
            store(field_file, checked.stored_name, content)
            self.blobs[content_type] = _Blob(field_file.name, content_type, checked.extension, len(content),
                                             checked.sha256)
        return self.blobs[content_type]

    def _fact(self, info, c, steps, pauses, handlers) -> None:
        """`stats.services.fact_for`, on the rows just generated."""
        v = info.version
        codes = {s["code"] for s in steps}
        acceptor = next((handlers[s["id"]] for s in steps if s["code"] in ACCEPT_CODES and s["handler_id"]), None)
        decider = next((s for s in reversed(steps) if s["code"] == "decide"), None)
        accepted_day, completed_day = self._local(c.get("accepted_at")), self._local(c.get("completed_at"))
        counted = c["state"] == S.COMPLETED and c["result_kind"] != "withdrawn"
        handled = counted and c["accepted_on"] is not None and completed_day is not None
        days = minutes = on_time = None
        if handled:
            special = [(p["started_on"], p["ended_on"]) for p in pauses if p["kind"] != CasePause.Kind.CORRECTION]
            days = workdays.working_days_used(start=c["accepted_on"], today=completed_day, paused=special)
            if c["promised_due"] and c["result_kind"] in DECIDED_RESULTS:
                on_time = completed_day <= c["promised_due"]
            if v.route == Route.ON_SITE:
                minutes = max(0, int((c["completed_at"] - c["accepted_at"]).total_seconds() // 60))
        on_the_spot = bool(counted and c["result_kind"] in ON_THE_SPOT_RESULTS and decider
                           and decider["handler_id"] in self.chief_ids and c.get("decided_at")
                           and self._local(c["decided_at"]) == accepted_day)
        visit_days = {self._local(s["ended_at"]) for s in steps if s["code"] in COUNTER_CODES}
        if c["channel"] == Channel.WINDOW and c.get("submitted_at"):
            visit_days.add(self._local(c["submitted_at"]))
        if c["delivery"] == "window" and c.get("issued_at"):
            visit_days.add(self._local(c["issued_at"]))
        if "accept_with_deficiency" not in codes:
            deficiency = CaseFact.Deficiency.NONE
        elif c["result_kind"] == "deficiency_terminated":
            deficiency = CaseFact.Deficiency.TERMINATED
        elif "supplement" in codes and not c["deficiency_pending"]:
            deficiency = CaseFact.Deficiency.SUPPLIED
        else:
            deficiency = CaseFact.Deficiency.PENDING
        self.w.add(self.t_fact, {
            "case_id": c["id"], "item_id": c["item_id"], "item_type": v.item_type, "route": v.route,
            "channel": c["channel"], "window_id": acceptor.window_id if acceptor else None,
            "handler_id": acceptor.pk if acceptor else None, "received_on": c.get("received_on"),
            "accepted_on": accepted_day, "completed_on": completed_day if counted else None,
            "result_kind": c["result_kind"], "counted": counted, "on_time": on_time, "on_the_spot": on_the_spot,
            "handling_days": days, "handling_minutes": minutes, "steps": len(steps), "visits": len(visit_days),
            "deficiency": deficiency})

    def _level(self) -> str:
        r, acc = self.rng.random(), 0.0
        for level, share in LEVELS:
            acc += share
            if r < acc:
                return level
        return Level.VERY_SATISFIED

    def _ratings(self, info, c, steps, handlers) -> None:
        rng, now = self.rng, self.now
        opens, closes = c["completed_at"], c["completed_at"] + datetime.timedelta(days=self.rating_days)
        self.w.add(self.t_window, {"id": self._id("rating_window"), "case_id": c["id"], "opens_at": opens,
                                   "closes_at": closes, "settled": closes < now})
        rating = None
        last_staff_step = max((s for s in steps if s["handler_id"]), key=lambda s: (s["ended_at"], s["id"]),
                              default=None)
        if (c["channel"] == Channel.WINDOW and last_staff_step is not None
                and handlers[last_staff_step["id"]].window_id
                and opens - last_staff_step["ended_at"] <= datetime.timedelta(minutes=25) and rng.random() < 0.85):
            at = opens + rng.randint(1, 3) * MINUTE
            rating = {"visit": self._local(at).isoformat(), "channel": RatingChannel.WINDOW_PAD, "rated_at": at,
                      "rater_id": None, "rater_name": c["applicant_name"], "level": self._level()}
        elif rng.random() < 0.45:
            at = opens + datetime.timedelta(minutes=rng.randint(30, 60 * 24 * 5))
            if c["owner_id"]:
                channel = RatingChannel.PC if c["channel"] == Channel.PC else RatingChannel.MOBILE
                rater_id, rater_name = c["owner_id"], str(self.applicant)
            else:
                channel, rater_id, rater_name = RatingChannel.QR_CODE, None, c["applicant_name"]
            rating = {"visit": "", "channel": channel, "rated_at": at, "rater_id": rater_id,
                      "rater_name": rater_name, "level": self._level()}
        if rating is not None and rating["rated_at"] > min(now, closes):
            rating = None
        if rating is None and closes < now:
            rating = {"visit": "", "channel": RatingChannel.DEFAULT, "rated_at": closes, "rater_id": None,
                      "rater_name": "", "level": self.default_level}
        if rating is None:
            return
        rating.update(id=self._id("rating"), case_id=c["id"], rated_on=self._local(rating["rated_at"]))
        self.w.add(self.t_rating, rating)
        self.report.mix["rating:" + rating["channel"]] += 1
        self.report.mix["level:" + rating["level"]] += 1
        if rating["level"] in (Level.DISSATISFIED, Level.VERY_DISSATISFIED) and rating["channel"] != RatingChannel.DEFAULT:
            self._rectification(info, c, rating, last_staff_step, handlers)

    def _rectification(self, info, c, rating, last_staff_step, handlers) -> None:
        handler = handlers[last_staff_step["id"]] if last_staff_step else None
        department = handler.department if handler else None
        unit = department.name if department else (info.version.handling_unit or info.version.implementing_body)
        opened = rating["rated_on"]
        visit_due = workdays.add_working_days(opened, ratings_conf.visit_days()).date
        rectify_due = workdays.add_working_days(opened, ratings_conf.rectify_days()).date
        values = {"id": self._id("rectification"), "rating_id": rating["id"], "case_id": c["id"],
                  "department_id": department.pk if department else None, "unit_name": unit[:100],
                  "handler_id": handler.pk if handler else None, "state": Rectification.State.OPEN,
                  "opened_on": opened, "visit_due": visit_due, "rectify_due": rectify_due}
        if rectify_due < self.today:  # long settled: visited and fixed
            visited = self._office_time(self._next_wd(opened, 1))
            values.update(state=Rectification.State.RECTIFIED, visited_at=visited, visit_note="已电话回访申请人，听取意见",
                          outcome=Rectification.Outcome.FIXED_AT_ONCE, outcome_note="已向申请人说明并改进服务",
                          rectified_at=visited + datetime.timedelta(hours=2))
        self.w.add(self.t_rect, values)
        self.report.mix["rectifications"] += 1

    # ---- the whole load
    def run(self) -> BulkReport:
        started = time.monotonic()
        rng = self.rng
        weights = [rng.uniform(0.75, 1.25) * (1.15 if d.weekday() == 0 else 1.0) for d in self.days]
        total = sum(weights)
        counts = [int(self.n * wgt / total) for wgt in weights]
        for i in range(self.n - sum(counts)):
            counts[i % len(counts)] += 1
        made, step_report = 0, max(1, self.n // 20)
        next_report = step_report
        for index, (day, count) in enumerate(zip(self.days, counts, strict=True)):
            for _i in range(count):
                self.one(self._pick_item(), day, index)
            made += count
            if self.progress and made >= next_report:
                self.progress(f"{day}: {made} cases generated ({time.monotonic() - started:.0f} s)")
                next_report += step_report
        self.report.table_seconds["(generation, main thread)"] = time.monotonic() - started
        t = time.monotonic()
        self.w.finish()
        self.report.table_seconds["(waiting for the last COPY)"] = time.monotonic() - t
        self._close()
        self._counters()
        self.report.cases = made
        t = time.monotonic()
        _reset_sequences([t.model for t in self.w.tables.values() if t.model is not CaseFact])
        self.report.table_seconds["(id sequences)"] = time.monotonic() - t
        t = time.monotonic()
        if self.rollup == "service":
            self.report.rows["daily_figure"] = rollup_days(None)
        else:
            self.report.rows["daily_figure"] = rollup_all_sql()
        self.report.table_seconds["daily_figure"] = time.monotonic() - t
        return self.report

    def _counters(self) -> None:
        t = time.monotonic()
        certificates = {f"certificate:{kind}": value - 1 for kind, value in self.cert_seq.items()}
        series = {**self.case_seq, **self.doc_seq, **certificates, ORG_CODE_SEQUENCE: self.code_next - 1}
        sequence_continue_after(series)
        self.report.rows["sequence"] += len(series)
        self.report.table_seconds["sequence"] += time.monotonic() - t


def bulk_load(*, cases: int = 1_000_000, years: int = 3, seed: int = 20200506, until: datetime.date | None = None,
              now: datetime.datetime | None = None, batch: int = 20_000, progress=None,
              rollup: str = "sql") -> BulkReport:
    """Write `cases` historical cases with all their rows (see the module docstring). One transaction;
    ANALYZE afterwards on PostgreSQL. Raises `BulkError` when the catalog or demo accounts are missing.
    `rollup="service"` computes the daily figures with `stats.services.rollup_days(None)` itself (the same
    rows as the default SQL, several minutes slower at a million cases)."""
    if cases < 1:
        raise BulkError("The number of cases must be at least 1.", code="bulk_bad_count")
    if years < 1:
        raise BulkError("The number of years must be at least 1.", code="bulk_bad_years")
    now = now or timezone.now()
    until = until or timezone.localdate(now)
    started = time.monotonic()
    with atomic_files():  # the shared upload files are deleted again if the load fails
        if connection.vendor == "postgresql":
            # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: left deferred, millions of checks
            # would queue up and run one by one at COMMIT, after the load. Checked at once, the server
            # does them while COPYing, in parallel with the generation.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                # The counters are read now and written at the end: services that number a case, a notice,
                # a certificate or an organisation meanwhile wait for the load instead of colliding.
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(Sequence._meta.db_table)} IN EXCLUSIVE MODE")
        loader = _Loader(cases=cases, years=years, seed=seed, until=until, now=now, batch=batch, progress=progress,
                         rollup=rollup)
        try:
            report = loader.run()
        finally:
            loader.w.stop()
        audit_log(action="demo.bulk_loaded", changes={
            "cases": report.cases, "seed": seed, "first_day": report.first_day, "last_day": report.last_day,
            "rows": dict(report.rows)})
    if connection.vendor == "postgresql":
        t = time.monotonic()
        with connection.cursor() as cursor:
            for table in loader.w.tables.values():
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table.model._meta.db_table)}")
            cursor.execute("ANALYZE stats_dailyfigure")
        report.table_seconds["(ANALYZE)"] = time.monotonic() - t
    report.seconds = round(time.monotonic() - started, 1)
    return report
