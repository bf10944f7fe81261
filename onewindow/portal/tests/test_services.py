import datetime

import pytest

from onewindow.accounts.models import User
from onewindow.audit.models import AuditEvent
from onewindow.cases import services as cases
from onewindow.cases.models import CaseMaterial, CaseState
from onewindow.core.errors import Conflict, NotFound, ValidationFailed
from onewindow.portal import services, sms
from onewindow.portal.models import ApplicantProfile, DeliveryChoice, Notification, OneTimeCode
from onewindow.registry.models import Organisation

from .factories import PDF, PERSON_ID, PNG, make_applicant, make_item

pytestmark = pytest.mark.django_db


def test_code_is_sent_hashed_used_once_and_throttled(code_for):
    code = code_for("13800001234")
    row = OneTimeCode.objects.get()
    assert code not in row.code_hash and len(code) == 6
    with pytest.raises(Conflict) as exc:
        services.code_send(mobile="13800001234", purpose="signup")
    assert exc.value.code == "code_too_soon"
    with pytest.raises(ValidationFailed):
        services.code_check(mobile="13800001234", purpose="signup", code="000000" if code != "000000" else "111111")
    assert OneTimeCode.objects.get().attempts == 1  # the failed attempt is kept, not rolled back
    services.code_check(mobile="13800001234", purpose="signup", code=code)
    with pytest.raises(ValidationFailed):  # used once
        services.code_check(mobile="13800001234", purpose="signup", code=code)
    with pytest.raises(ValidationFailed):  # a login code is not a sign-up code
        services.code_send(mobile="1380000", purpose="login")


def test_code_locks_after_five_wrong_attempts(code_for):
    code = code_for("13800001234", "login")
    wrong = "999999" if code != "999999" else "888888"
    for _attempt in range(services.CODE_MAX_ATTEMPTS):
        with pytest.raises(ValidationFailed):
            services.code_check(mobile="13800001234", purpose="login", code=wrong)
    with pytest.raises(ValidationFailed):
        services.code_check(mobile="13800001234", purpose="login", code=code)


def test_signup_person_validates_everything_before_using_the_code(code_for):
    code = code_for("13800001234")
    with pytest.raises(ValidationFailed) as exc:
        services.applicant_signup_person(full_name="", id_number=PERSON_ID[:-1] + "0", mobile="13800001234", code=code)
    assert set(exc.value.details) == {"full_name", "id_number"}
    assert "18" in exc.value.details["id_number"]  # names the faulty position
    user = services.applicant_signup_person(full_name="赵晓红", id_number=PERSON_ID.lower(), mobile="13800001234",
                                            code=code)
    assert user.kind == User.Kind.APPLICANT and not user.has_usable_password()
    assert user.portal_profile.kind == ApplicantProfile.Kind.PERSON
    assert AuditEvent.objects.filter(action="portal.applicant_signed_up", object_id=str(user.pk)).exists()
    assert PERSON_ID not in str(AuditEvent.objects.filter(action="portal.applicant_signed_up").get().changes)
    with pytest.raises(ValidationFailed) as exc:
        services.applicant_signup_person(full_name="x", id_number=PERSON_ID, mobile="13800001234", code=code)
    assert "mobile" in exc.value.details


def test_signup_organisation_checks_credit_code_and_letter(organisation, code_for):
    code = code_for("13900009999")
    args = dict(organisation_name=organisation.name, handler_name="李明", handler_id_number=PERSON_ID,
                mobile="13900009999", code=code)
    with pytest.raises(ValidationFailed) as exc:
        services.applicant_signup_organisation(credit_code=organisation.credit_code[:-1] + "0",
                                               authorisation_name="letter.pdf", authorisation_content=b"hello", **args)
    assert set(exc.value.details) == {"credit_code", "authorisation"}
    user = services.applicant_signup_organisation(credit_code=organisation.credit_code.lower(), password="secret-123",
                                                  authorisation_name="letter.png", authorisation_content=PNG, **args)
    profile = user.portal_profile
    assert profile.credit_code == organisation.credit_code and profile.authorisation.name.endswith(".png")
    assert user.check_password("secret-123")


def test_start_opens_one_draft_from_the_verified_account(item, org_user, organisation):
    case = services.application_start(actor=org_user, item=item)
    assert case.state == CaseState.DRAFT and case.owner == org_user and case.channel == "pc"
    assert case.applicant_name == organisation.name and case.id_number == organisation.credit_code
    assert case.organisation == organisation and case.agent_name == "李明"
    assert case.form_data == {"name": organisation.name, "registered_capital": "300000.00"}  # from the register
    assert services.application_start(actor=org_user, item=item) == case


def test_staff_cannot_start_online_applications(item, clerk):
    with pytest.raises(Exception) as exc:
        services.application_start(actor=clerk, item=item)
    assert getattr(exc.value, "code", "") == "forbidden"


def test_draft_save_keeps_version_fields_and_refuses_bad_numbers(item, org_user):
    case = services.application_start(actor=org_user, item=item)
    with pytest.raises(ValidationFailed) as exc:
        services.draft_save(case=case, actor=org_user, form_data={"name": "新名", "registered_capital": "三十万"})
    assert list(exc.value.details) == ["form.registered_capital"]
    case.refresh_from_db()
    assert case.form_data["registered_capital"] == "300000.00"
    services.draft_save(case=case, actor=org_user, form_data={"name": "湖南康养职业培训学校", "evil": "x"})
    case.refresh_from_db()
    assert case.form_data == {"name": "湖南康养职业培训学校", "registered_capital": ""}
    assert AuditEvent.objects.filter(action="portal.draft_saved").count() == 1


def test_another_applicant_cannot_touch_the_draft(item, org_user, person):
    case = services.application_start(actor=org_user, item=item)
    with pytest.raises(NotFound):
        services.draft_save(case=case, actor=person, form_data={"name": "x"})
    with pytest.raises(NotFound):
        services.application_submit(case=case, actor=person)
    with pytest.raises(NotFound):
        services.delivery_choose(case=case, actor=person, method="post")


def test_reuse_needs_a_registered_organisation(item, org_user, person):
    case = services.application_start(actor=org_user, item=item)
    certificate = item.current_version.materials.get(key="certificate")
    row = services.material_reuse(case=case, actor=org_user, material=certificate)
    assert row.mode == CaseMaterial.Mode.REUSED and row.reused_ref.startswith("certificate:52")
    other = services.application_start(actor=person, item=make_item(name_required=False))
    with pytest.raises(ValidationFailed):
        services.material_reuse(case=other, actor=person, material=certificate)


def _fill(case, user, *, secondary=False):
    version = case.item_version
    services.draft_save(case=case, actor=user, form_data={"name": "湖南康养职业培训学校"})
    services.material_upload(case=case, actor=user, material=version.materials.get(key="application"),
                             name="申请表.pdf", content=PDF)
    services.material_reuse(case=case, actor=user, material=version.materials.get(key="certificate"))
    if secondary:
        services.material_upload(case=case, actor=user, material=version.materials.get(key="supporting"),
                                 name="证明.png", content=PNG)


def test_submit_needs_the_form_and_core_materials(item, org_user):
    case = services.application_start(actor=org_user, item=item)
    services.draft_save(case=case, actor=org_user, form_data={"name": ""})
    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(case=case, actor=org_user)
    application = item.current_version.materials.get(key="application")
    assert "form.name" in exc.value.details and f"material.{application.pk}" in exc.value.details
    _fill(case, org_user)  # the secondary material may follow later (容缺)
    case = services.application_submit(case=case, actor=org_user)
    assert case.state == CaseState.SUBMITTED and case.channel == "pc"
    with pytest.raises(Conflict):
        services.application_submit(case=case, actor=org_user)


def test_correction_answered_online_and_notified(item, org_user, clerk, django_capture_on_commit_callbacks):
    case = services.application_start(actor=org_user, item=item)
    _fill(case, org_user, secondary=True)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.application_submit(case=case, actor=org_user)
    supporting = item.current_version.materials.get(key="supporting")
    with django_capture_on_commit_callbacks(execute=True):
        cases.case_material_record(case=case, actor=clerk, material=supporting, mode="faulty", note="缺少公章")
        cases.case_request_correction(case=case, actor=clerk, opinion="补正")
    assert [row.material.key for row in services.outstanding(case, final=True)] == ["supporting"]
    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(case=case, actor=org_user)
    assert list(exc.value.details) == [f"material.{supporting.pk}"]
    services.material_upload(case=case, actor=org_user, material=supporting, name="证明2.pdf", content=PDF)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.application_submit(case=case, actor=org_user)
    assert case.state == CaseState.SUBMITTED
    events = list(Notification.objects.filter(user=org_user).order_by("id").values_list("event", flat=True))
    assert events == ["submitted", "correction_requested", "resubmitted"]
    assert any("补正" in m.text or "corrections" in m.text for m in sms.outbox if m.mobile == case.contact_mobile)


def test_decision_notifies_ready_to_collect_or_posted(item, org_user, chief, django_capture_on_commit_callbacks):
    case = services.application_start(actor=org_user, item=item)
    _fill(case, org_user, secondary=True)
    services.application_submit(case=case, actor=org_user)
    tomorrow = cases.today() + datetime.timedelta(days=1)
    while not services.workdays.is_working_day(tomorrow):
        tomorrow += datetime.timedelta(days=1)
    services.delivery_choose(case=case, actor=org_user, method="post", recipient="李明", recipient_mobile="13900001111",
                             address="长沙市岳麓区麓山南路1号")
    with django_capture_on_commit_callbacks(execute=True):
        cases.case_accept(case=case, actor=chief)
        case = cases.case_decide(case=case, actor=chief, outcome="grant")
    assert case.result_certificates
    with django_capture_on_commit_callbacks(execute=True):
        cases.case_issue(case=case, actor=chief, delivery="post", tracking_no="SF123")
    texts = list(Notification.objects.filter(user=org_user).order_by("id").values_list("text", flat=True))
    assert any("邮寄" in t for t in texts) and any("SF123" in t for t in texts)


def test_delivery_choice_rules(item, org_user):
    case = services.application_start(actor=org_user, item=item)
    today = cases.today()
    with pytest.raises(ValidationFailed) as exc:
        services.delivery_choose(case=case, actor=org_user, method="window", slot_date=today, slot_period="am")
    assert "slot_date" in exc.value.details
    day = today + datetime.timedelta(days=1)
    while services.workdays.is_working_day(day):
        day += datetime.timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        services.delivery_choose(case=case, actor=org_user, method="window", slot_date=day, slot_period="am")
    assert "closed" in exc.value.details["slot_date"] or "工作日" in exc.value.details["slot_date"]
    with pytest.raises(ValidationFailed) as exc:
        services.delivery_choose(case=case, actor=org_user, method="post", recipient="", recipient_mobile="12",
                                 address="长沙")
    assert set(exc.value.details) == {"recipient", "recipient_mobile", "address"}
    while not services.workdays.is_working_day(day):
        day += datetime.timedelta(days=1)
    choice = services.delivery_choose(case=case, actor=org_user, method="window", slot_date=day, slot_period="pm")
    assert choice.method == DeliveryChoice.Method.WINDOW and choice.slot_date == day


def test_full_slot_is_refused(item, org_user, settings):
    settings.PORTAL_SLOT_CAPACITY = 1
    day = cases.today() + datetime.timedelta(days=1)
    while not services.workdays.is_working_day(day):
        day += datetime.timedelta(days=1)
    first = services.application_start(actor=org_user, item=item)
    services.delivery_choose(case=first, actor=org_user, method="window", slot_date=day, slot_period="am")
    other = make_applicant("13600003333", organisation=org_user.portal_profile and Organisation.objects.get())
    second = services.application_start(actor=other, item=item)
    with pytest.raises(ValidationFailed) as exc:
        services.delivery_choose(case=second, actor=other, method="window", slot_date=day, slot_period="am")
    assert "slot_period" in exc.value.details


def test_mark_read(item, org_user):
    case = services.application_start(actor=org_user, item=item)
    services.notification_send(case=case, event="x", text="hello")
    assert services.notifications_mark_read(user=org_user) == 1
    assert services.notifications_mark_read(user=org_user) == 0
