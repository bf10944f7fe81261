"""The portal's refusals that had no test, by code: through the service, and through the page or its JSON
where the applicant or the reviewing clerk meets them."""

import datetime

import pytest

from onewindow.accounts.models import User
from onewindow.cases import services as cases
from onewindow.cases.models import Case, CaseState
from onewindow.core.errors import Conflict, PermissionDenied, ValidationFailed
from onewindow.portal import binding, services
from onewindow.portal.models import ApplicantProfile, Binding, DeliveryChoice, OneTimeCode

from .factories import OTHER_ID, PERSON_ID, make_item
from .test_binding import unbound  # noqa: F401  (fixture)
from .test_services import _fill

pytestmark = pytest.mark.django_db
MOBILE = "13800001234"


def refused(error, call):
    with pytest.raises(error) as err:
        call()
    return err.value


def test_codes_have_a_purpose_and_a_daily_limit(time_machine):
    assert (
        refused(ValidationFailed, lambda: services.code_send(mobile=MOBILE, purpose="lottery")).code
        == "bad_purpose"
    )
    time_machine.move_to(datetime.datetime(2026, 3, 25, 8, 0, tzinfo=datetime.UTC))
    for _n in range(services.CODE_DAILY_LIMIT):
        services.code_send(mobile=MOBILE, purpose="signup")
        time_machine.shift(services.CODE_RESEND_SECONDS + 1)
    assert (
        refused(Conflict, lambda: services.code_send(mobile=MOBILE, purpose="signup")).code
        == "code_daily_limit"
    )
    assert OneTimeCode.objects.count() == services.CODE_DAILY_LIMIT


def test_a_wrong_code_is_refused(code_for):
    code = code_for(MOBILE)
    wrong = "000000" if code != "000000" else "111111"
    error = refused(
        ValidationFailed, lambda: services.code_check(mobile=MOBILE, purpose="signup", code=wrong)
    )
    assert error.code == "bad_code" and error.details == {"code": "invalid"}


def test_a_sign_up_racing_another_for_the_same_mobile_is_refused(code_for, monkeypatch):
    code = code_for(MOBILE)
    check = services.code_check

    def check_then_lose_the_race(**kwargs):  # another sign-up commits this mobile after the checks
        check(**kwargs)
        User.objects.create(username=MOBILE, kind=User.Kind.APPLICANT, mobile=MOBILE)

    monkeypatch.setattr(services, "code_check", check_then_lose_the_race)
    error = refused(
        Conflict,
        lambda: services.applicant_signup_person(
            full_name="赵晓红", id_number=PERSON_ID, mobile=MOBILE, code=code
        ),
    )
    assert error.code == "account_exists" and error.details == {"mobile": "taken"}
    assert User.objects.filter(username=MOBILE).count() == 1


def test_an_item_not_offered_online_cannot_be_started(org_user):
    offline = make_item(online=False)
    assert refused(
        ValidationFailed, lambda: services.application_start(actor=org_user, item=offline)
    ).code == ("not_online")
    assert not Case.objects.exists()


def test_submit_needs_a_complete_application_once(item, org_user, login):
    case = services.application_start(actor=org_user, item=item)
    error = refused(ValidationFailed, lambda: services.application_submit(case=case, actor=org_user))
    assert (
        error.code == "incomplete"
        and f"material.{item.current_version.materials.get(key='application').pk}" in (error.details)
    )
    _fill(case, org_user)
    case = services.application_submit(case=case, actor=org_user)
    assert (
        refused(Conflict, lambda: services.application_submit(case=case, actor=org_user)).code
        == "not_editable"
    )
    assert refused(
        Conflict, lambda: services.draft_save(case=case, actor=org_user, form_data={"name": "改"})
    ).code == ("not_draft")
    response = login(org_user).post(f"/my/cases/{case.case_no}/autosave/", {"name": "改"})
    assert response.status_code == 409 and response.json()["code"] == "not_draft"
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED and case.form_data["name"] == "湖南康养职业培训学校"


def test_an_upload_without_a_file_is_refused(item, org_user, login):
    case = services.application_start(actor=org_user, item=item)
    material = item.current_version.materials.get(key="application")
    url = f"/my/cases/{case.case_no}/materials/{material.pk}/"
    response = login(org_user).post(url, {}, headers={"Accept": "application/json"})
    assert response.status_code == 422 and response.json()["code"] == "upload_missing"
    response = login(org_user).post(url, {})
    assert response.status_code == 422 and "请先选择文件" in response.content.decode()
    assert not case.materials.get(material=material).files.exists()


def test_no_delivery_choice_once_the_result_is_handed_out(item, org_user, chief):
    case = services.application_start(actor=org_user, item=item)
    _fill(case, org_user, secondary=True)
    services.application_submit(case=case, actor=org_user)
    cases.case_accept(case=case, actor=chief)
    case = cases.case_decide(case=case, actor=chief, outcome="grant")
    cases.case_issue(case=case, actor=chief, delivery="post", tracking_no="SF123")
    error = refused(
        Conflict,
        lambda: services.delivery_choose(
            case=case,
            actor=org_user,
            method="post",
            recipient="李明",
            recipient_mobile="13900001111",
            address="长沙",
        ),
    )
    assert error.code == "already_issued"
    assert not DeliveryChoice.objects.filter(case=case).exists()


def test_binding_review_refusals(unbound, clerk, reviewer, login):  # noqa: F811
    profile = unbound.portal_profile
    assert (
        refused(
            PermissionDenied, lambda: binding.binding_review(profile=profile, actor=reviewer, approve=True)
        ).code
        == "binding_not_reviewer"
    )
    error = refused(
        ValidationFailed,
        lambda: binding.binding_review(
            profile=profile, actor=clerk, approve=False, reason="无" * (binding.REASON_MAX + 1)
        ),
    )
    assert error.code == "reason_too_long" and error.details == {"reason": "too_long"}
    binding.binding_review(profile=profile, actor=clerk, approve=True)
    assert (
        refused(
            Conflict,
            lambda: binding.binding_review(profile=profile, actor=clerk, approve=False, reason="重复"),
        ).code
        == "binding_decided"
    )
    response = login(clerk).post(f"/bindings/{profile.pk}/review/", {"decision": "refuse", "reason": "重复"})
    assert response.status_code == 409 and "该申请已审核，不能重复处理。" in response.content.decode()
    profile.refresh_from_db()
    assert profile.binding == Binding.BOUND


def test_a_decided_account_cannot_be_bound_by_its_representative(unbound, clerk):  # noqa: F811
    binding.binding_review(
        profile=unbound.portal_profile, actor=clerk, approve=False, reason="授权委托书无公章"
    )
    profile = ApplicantProfile.objects.get(user=unbound)
    error = refused(
        Conflict,
        lambda: binding.representative_code_send(
            profile=profile, actor=unbound, id_number=OTHER_ID, mobile="13900001111"
        ),
    )
    assert error.code == "binding_decided"
