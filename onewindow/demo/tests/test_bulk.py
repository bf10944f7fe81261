"""`demo bulk`: the loader writes the rows the services would have written, and leaves counters behind it."""

import datetime
import hashlib
from collections import Counter

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from onewindow.accounts.models import User
from onewindow.audit.models import AuditEvent
from onewindow.audit.services import audit_verify
from onewindow.cases import services as cases
from onewindow.cases.documents import document_pdf
from onewindow.cases.models import (
    OPEN_STATES,
    ApplicantKind,
    Case,
    CaseDocument,
    CaseMaterial,
    CasePause,
    CaseState,
    CaseStep,
    IdType,
    MaterialFile,
)
from onewindow.cases.tests.factories import PERSON_ID
from onewindow.catalog.loader import catalog_load_reference
from onewindow.catalog.models import Item, RegistryAction
from onewindow.certificates.models import Certificate
from onewindow.certificates.services import certificate_record, printed_fields, registration_kind
from onewindow.core import signing
from onewindow.core.tests.pdfread import flat, read_pdf
from onewindow.demo.applicant import demo_applicant_setup
from onewindow.demo.bulk import BulkError, bulk_load, rollup_all_sql, sample_file
from onewindow.demo.staff import DEMO_PASSWORD, demo_authority_setup, demo_people_setup
from onewindow.exchange.models import OutboxRow
from onewindow.ratings.models import Rating, Rectification
from onewindow.registry.identifiers import check_id_number, check_uscc
from onewindow.registry.models import CharterVersion, Organisation, OrganisationVersion
from onewindow.stats.models import CaseFact, DailyFigure
from onewindow.stats.selectors import figures
from onewindow.stats.services import case_facts_rebuild
from onewindow.workdays.services import add_working_days

N = 400
# Noon local time, so every generated time of the last day is compared with a fixed "now".
NOW = timezone.make_aware(datetime.datetime(2026, 6, 10, 12, 0))


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the uploaded files the load stores
    catalog_load_reference()
    demo_people_setup()
    demo_authority_setup()
    demo_applicant_setup(password=DEMO_PASSWORD)


def _load(**kwargs):
    return bulk_load(cases=kwargs.pop("cases", N), years=1, seed=kwargs.pop("seed", 7), now=NOW, **kwargs)


FACT_COLUMNS = ["case_id", "item_id", "item_type", "route", "channel", "window_id", "handler_id", "received_on",
                "accepted_on", "completed_on", "result_kind", "counted", "on_time", "on_the_spot", "handling_days",
                "handling_minutes", "steps", "visits", "deficiency"]
FIGURE_COLUMNS = [f.attname for f in DailyFigure._meta.concrete_fields if f.attname != "id"]


def _facts():
    return list(CaseFact.objects.order_by("case_id").values_list(*FACT_COLUMNS))


def _figures():
    return Counter(DailyFigure.objects.values_list(*FIGURE_COLUMNS))


def test_a_clear_error_when_the_catalog_or_accounts_are_missing(db, settings):
    with pytest.raises(BulkError, match="reference catalog"):
        _load()
    settings.DEBUG = True
    with pytest.raises(CommandError, match="demo setup"):
        call_command("demo", "bulk", "--cases", "10")
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo", "bulk", "--cases", "10")
    assert not Case.objects.exists()


def test_the_fact_rows_and_figures_are_what_the_stats_services_compute(demo):
    report = _load(batch=37)  # many small batches: parents are written before the rows that refer to them
    assert report.cases == Case.objects.count() == N
    written_facts, written_figures = _facts(), _figures()
    assert len(written_facts) == N
    case_facts_rebuild()  # recompute from the cases, their steps and pauses
    assert _facts() == written_facts
    assert _figures() == written_figures

    def total(measure, **kw):
        return DailyFigure.objects.filter(measure=measure, **kw).aggregate(n=Sum("n"))["n"] or 0

    assert total("received") == Case.objects.exclude(received_on=None).count()
    assert total("completed") == CaseFact.objects.filter(counted=True).count()
    assert total("rating") == Rating.objects.filter(superseded=False).count()
    # the dashboard's figures read the same totals
    first = Case.objects.order_by("received_on").values_list("received_on", flat=True)[0]
    shown = figures(date_from=first, date_to=NOW.date()).total
    assert shown.received == Case.objects.exclude(received_on=None).count()
    assert shown.completed == CaseFact.objects.filter(counted=True).count()
    assert shown.valid_ratings + shown.default_ratings == Rating.objects.count()
    assert shown.rectifications == Rectification.objects.count()
    by_person = figures(date_from=first, date_to=NOW.date(), by="person").rows
    assert {row.label for row in by_person if row.completed} >= {str(User.objects.get(username="chief"))}
    # one audit event for the load, no outbox rows, the chain intact
    event = AuditEvent.objects.get(action="demo.bulk_loaded")
    assert event.changes["cases"] == N and event.changes["seed"] == 7
    assert not AuditEvent.objects.filter(action__startswith="case.").exists()
    assert not OutboxRow.objects.exists()
    assert audit_verify().ok


def test_cases_are_well_formed_and_open_cases_have_due_dates(demo):
    _load()
    for case in Case.objects.all():
        check = check_id_number(case.id_number) if case.id_type == IdType.RESIDENT_ID else check_uscc(case.id_number)
        assert check.ok, case.id_number
        assert case.case_no.startswith(case.item.code + timezone.localdate(case.created_at).strftime("%Y%m%d"))
        assert case.materials.count() == case.item_version.materials.count()
    assert not Case.objects.filter(state=CaseState.DRAFT).exists()
    assert not Case.objects.filter(created_at__gt=NOW).exists()  # nothing after "now", even on the last day
    assert not CaseStep.objects.filter(ended_at__gt=NOW).exists()
    open_cases = Case.objects.filter(state__in=OPEN_STATES)
    assert 0 < open_cases.count() < N * 0.1
    assert open_cases.exclude(state=CaseState.SUBMITTED).exists()
    # the due dates are the ones the services compute for the case as it stands (a suspended case keeps the
    # dates it had: `case_suspend` does not recompute them, `case_resume` does)
    for case in (open_cases.filter(accepted_on__isnull=False).exclude(state=CaseState.SUSPENDED)
                 .select_related("item_version").prefetch_related("pauses")):
        assert case.promised_due and case.statutory_due
        due = (case.promised_due, case.statutory_due, case.paused_days)
        cases.deadlines_compute(case)
        assert (case.promised_due, case.statutory_due, case.paused_days) == due
    # steps as the services write them: every accepted case has its acceptance step and notice
    accepted = Case.objects.exclude(accepted_at=None)
    assert CaseStep.objects.filter(code__in=["accept", "accept_with_deficiency"]).count() == accepted.count()
    assert (CaseDocument.objects.filter(kind__in=["acceptance", "deficiency"]).count() == accepted.count())
    assert Case.objects.filter(state=CaseState.COMPLETED, result_kind="granted").count() > N * 0.7
    assert User.objects.get(username="chief").case_steps.exists()
    # 行政许可法 Art. 45 (issue 14): every special procedure has the 特别程序告知书 case_suspend issues (the
    # procedure, its basis, its expected duration), and only kinds the item allows stop the clock
    special = CasePause.objects.exclude(kind=CasePause.Kind.CORRECTION).select_related("case__item_version")
    notices = {(d.case_id, d.data["started_on"]): d for d in CaseDocument.objects.filter(kind="special")}
    assert special.exists() and len(notices) == special.count() == CaseDocument.objects.filter(kind="special").count()
    for pause in special:
        notice = notices[(pause.case_id, pause.started_on.isoformat())]
        assert notice.data["basis"] == cases.pause_basis(pause.case.item_version, pause.kind) is not None
        assert notice.data["procedure"] == cases.PAUSE_NAMES[pause.kind] and notice.number.startswith("湘民特字")
        assert notice.data["expected_days"] == pause.expected_days
        end = add_working_days(pause.started_on, pause.expected_days)
        assert notice.data["expected_end"] == end.date.isoformat()
    text = flat("".join(read_pdf(document_pdf(notice))[0]))  # it renders as the service's notice does
    assert "特别程序" in text and notice.data["procedure"] in text and "不计算在办理期限内" in text


def test_certificates_verify_and_the_services_continue_the_numbers(demo, client):
    _load(seed=6)  # a seed whose item weights give establishment cases a few percent
    certificates = list(Certificate.objects.all())
    assert certificates
    public_key = signing.signing_key().public_key()
    for certificate in certificates:
        ok, reason = signing.record_valid(certificate_record(certificate), public_key)
        assert ok, reason
        case = Case.objects.get(case_no=certificate.case_no)
        assert case.result_certificates[0]["token"] == certificate.token
        assert case.organisation_id == certificate.organisation_id
    assert client.get(f"/verify/{certificates[0].token}").status_code == 200
    serials = sorted(c.serial for c in certificates if c.kind == certificates[0].kind)
    assert serials == list(range(1, len(serials) + 1))  # gap-free

    # a case filed now through the services gets fresh numbers, notices and certificate
    chief = User.objects.get(username="chief")
    item = Item.objects.select_related("current_version").get(
        pk=Case.objects.filter(item__current_version__registry_action=RegistryAction.ESTABLISH)
        .order_by("-created_at").values_list("item_id", flat=True)[0])
    day = timezone.localdate(Case.objects.filter(item=item).order_by("-created_at")[0].created_at)
    form = {"name": "湖南省测试新办促进会", "address": "长沙市", "purpose": "促进", "business_scope": "交流",
            "activity_area": "湖南省", "legal_representative": "张三", "registered_capital": "2000000",
            "supervisor_unit": "湖南省民政厅", "foundation_type": "非公募基金会", "charter": "章程"}
    keys = {f.key for f in item.current_version.form_fields.all()}
    applicant = cases.Applicant(kind=ApplicantKind.PERSON, name="张三", id_type=IdType.RESIDENT_ID,
                                id_number=PERSON_ID, contact_name="张三", contact_mobile="13900000000")
    before_numbers = set(Case.objects.values_list("case_no", flat=True))
    late_that_day = timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 30)))
    with time_machine.travel(late_that_day, tick=False):  # the latest loaded case's day: its counter is in use
        case = cases.case_create(actor=chief, item=item, applicant=applicant,
                                 form_data={k: v for k, v in form.items() if k in keys})
        for row in case.materials.select_related("material"):
            cases.case_material_record(case=case, actor=chief, material=row.material, mode=CaseMaterial.Mode.PAPER)
        case = cases.case_accept(case=case, actor=chief)
        case = cases.case_decide(case=case, actor=chief, outcome="grant")
    assert case.case_no not in before_numbers
    last_today = max(n for n in before_numbers if n.startswith(item.code + day.strftime("%Y%m%d")))
    assert int(case.case_no[-4:]) == int(last_today[-4:]) + 1
    new = Certificate.objects.get(case_no=case.case_no)
    assert new.serial == max(c.serial for c in certificates if c.kind == new.kind) + 1
    assert CaseDocument.objects.filter(case=case).count() == 2  # acceptance notice and decision, fresh numbers


def test_change_items_act_on_organisations_the_load_registered(demo, client):
    _load(cases=600, seed=6)
    changes = Case.objects.filter(item_version__registry_action__in=[RegistryAction.CHANGE, RegistryAction.CHARTER])
    granted = changes.filter(outcome="grant").select_related("item_version", "organisation")
    assert granted.filter(item_version__registry_action=RegistryAction.CHANGE).exists()
    for case in changes.select_related("organisation"):
        # the organisation applies for its own change; it was registered by an earlier establishment case
        org = case.organisation
        assert case.id_number == org.credit_code and case.applicant_name == org.name
        first = org.versions.get(number=1)
        assert first.action == "establish" and first.valid_from <= case.received_on
    for case in granted:
        org = case.organisation
        if case.item_version.registry_action == RegistryAction.CHARTER:
            assert CharterVersion.objects.get(case_no=case.case_no).organisation_id == org.pk
            continue
        version = OrganisationVersion.objects.get(case_no=case.case_no)
        assert version.organisation_id == org.pk and version.action == "change" and version.number > 1
        registered = {key: value for key, value in case.form_data.items() if key in version.data}
        assert registered and all(version.data[key] == value for key, value in registered.items())
        if case.result_certificates:  # re-issued: the printed items changed
            assert Certificate.objects.get(token=case.result_certificates[0]["token"]).organisation_id == org.pk
    # the register as `registry.services` leaves it: versions back to back, the last one open and equal to
    # the organisation; one valid certificate printing what it is now, the older ones superseded by a newer
    for org in Organisation.objects.filter(pk__in=granted.values("organisation_id")):
        versions = list(org.versions.order_by("number"))
        assert [v.number for v in versions] == list(range(1, len(versions) + 1))
        assert [v.valid_to for v in versions[:-1]] == [v.valid_from for v in versions[1:]]
        assert versions[-1].valid_to is None and versions[-1].data == org.snapshot()
        kind = registration_kind(org)
        certificates = list(org.certificates.filter(kind=kind).order_by("id"))
        assert [c.status for c in certificates] == ["superseded"] * (len(certificates) - 1) + ["valid"]
        assert certificates[-1].printed["fields"] == printed_fields(org, kind)
        assert all(old.superseded_by_id == new.pk for old, new in zip(certificates, certificates[1:], strict=False))
        charters = list(org.charters.order_by("number").values_list("number", flat=True))
        assert charters == list(range(1, len(charters) + 1))
    client.force_login(User.objects.get(username="chief"))
    case = granted.first()
    page = client.get(reverse("cases:case", args=[case.case_no])).content.decode()
    assert case.organisation.credit_code in page and case.item_version.name in page


def test_online_cases_upload_files_the_case_page_shows_and_serves(demo, client):
    _load()
    files = MaterialFile.objects.select_related("case_material__case")
    assert files.count() > N
    assert not files.filter(case_material__case__channel="window").exists()  # paper at the window
    assert not CaseMaterial.objects.filter(mode=CaseMaterial.Mode.FILE, files__isnull=True).exists()
    assert files.values("file").distinct().count() == 2  # one stored PDF and one JPEG shared by every row
    client.force_login(User.objects.get(username="chief"))
    for content_type in ("application/pdf", "image/jpeg"):
        stored = files.filter(content_type=content_type).first()
        case = stored.case_material.case
        assert case.owner_id and stored.uploaded_by_id == case.owner_id
        assert stored.uploaded_at >= case.submitted_at and stored.file.name.startswith("cases/")
        page = client.get(reverse("cases:case", args=[case.case_no])).content.decode()
        link = reverse("cases:file", args=[case.case_no, stored.pk])
        assert stored.original_name in page and link in page
        response = client.get(link)
        assert response.status_code == 200 and response["Content-Type"] == content_type
        assert hashlib.sha256(response.content).hexdigest() == stored.sha256 and len(response.content) == stored.size
        assert response.content[:4] == sample_file(content_type)[:4]


def _digest():
    return (list(Case.objects.order_by("id").values_list("case_no", "item__code", "state", "channel",
                                                          "applicant_name", "id_number", "submitted_at",
                                                          "completed_at", "result_kind", "promised_due")),
            list(CaseStep.objects.order_by("id").values_list("code", "handler_id", "ended_at")),
            list(Rating.objects.order_by("id").values_list("level", "channel", "rated_at")),
            list(Certificate.objects.order_by("id").values_list("number", "token", "signature")))


class _Rollback(Exception):
    pass


def test_the_load_is_deterministic_for_a_seed(demo):
    digests = []
    for _attempt in range(2):
        try:
            with transaction.atomic():
                _load(cases=150, seed=11)
                digests.append(_digest())
                raise _Rollback
        except _Rollback:
            pass
    assert digests[0] == digests[1]
    with transaction.atomic():
        _load(cases=150, seed=12)
        assert _digest() != digests[0]


def test_the_command_and_the_service_rollup(demo, settings, capsys):
    settings.DEBUG = True
    call_command("demo", "bulk", "--cases", "120", "--years", "1", "--seed", "3", "--rollup", "service")
    out = capsys.readouterr().out
    assert "bulk: 120 cases" in out and "case_step" in out and "mix:" in out
    by_service = _figures()
    assert by_service and rollup_all_sql() == sum(by_service.values())
    assert _figures() == by_service  # the SQL writes the service's rows
    assert Case.objects.count() == 120
