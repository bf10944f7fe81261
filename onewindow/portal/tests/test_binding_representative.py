"""Binding proven by the legal representative (issue 16, "Acting for an organisation"): the handler gives the
representative's ID number and mobile; they must equal what the register recorded, and an SMS code goes to
that recorded mobile only. Entering it binds the account (audited). A second account for an organisation that
already has a bound one still needs that account's approval or staff review."""

import pytest
from django.urls import reverse

from onewindow.audit.models import AuditEvent
from onewindow.core import ratelimit
from onewindow.core.errors import Conflict, RateLimited, ValidationFailed
from onewindow.portal import binding, services, sms
from onewindow.portal.models import Binding, BindingMethod
from onewindow.registry.models import Organisation

from .conftest import last_code
from .factories import OTHER_ID, PERSON_ID, make_applicant

pytestmark = pytest.mark.django_db

REP_ID, REP_MOBILE = PERSON_ID, "13600001234"


@pytest.fixture
def recorded(organisation):
    Organisation.objects.filter(pk=organisation.pk).update(
        legal_representative_id_number=REP_ID, legal_representative_mobile=REP_MOBILE
    )
    return organisation


@pytest.fixture
def handler(recorded):
    return make_applicant(
        "13500005555", organisation=recorded, id_number=OTHER_ID, name="王办", binding=Binding.PENDING
    )


def send(handler, id_number=REP_ID, mobile=REP_MOBILE, *, capture):
    with capture(execute=True):
        return binding.representative_code_send(
            profile=handler.portal_profile, actor=handler, id_number=id_number, mobile=mobile
        )


@pytest.mark.parametrize(
    "id_number, mobile",
    [(OTHER_ID, REP_MOBILE), (REP_ID, "13600009999"), (OTHER_ID, "13600009999"), ("", "")],
)
def test_a_wrong_id_number_or_mobile_is_refused_without_saying_which(
    handler, id_number, mobile, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationFailed) as refused:
        send(handler, id_number, mobile, capture=django_capture_on_commit_callbacks)
    assert refused.value.code == "representative_mismatch" and refused.value.details == {
        "representative": "mismatch"
    }
    assert "身份证号码和手机号码与登记库" in str(refused.value.message)  # both named, neither singled out
    assert sms.outbox == []


def test_nothing_recorded_answers_like_a_mismatch(organisation, django_capture_on_commit_callbacks):
    handler = make_applicant(
        "13500005555", organisation=organisation, id_number=OTHER_ID, binding=Binding.PENDING
    )
    with pytest.raises(ValidationFailed) as refused:
        send(handler, "", "", capture=django_capture_on_commit_callbacks)
    assert refused.value.code == "representative_mismatch"


def test_the_code_goes_to_the_recorded_number_only_and_binds(
    item, handler, django_capture_on_commit_callbacks
):
    masked = send(handler, REP_ID.lower(), f" {REP_MOBILE} ", capture=django_capture_on_commit_callbacks)
    assert masked != REP_MOBILE and masked.endswith(REP_MOBILE[-4:])
    assert [m.mobile for m in sms.outbox] == [REP_MOBILE]  # not the handler's own mobile
    with pytest.raises(ValidationFailed):  # a wrong code binds nothing
        binding.binding_by_representative(
            profile=handler.portal_profile,
            actor=handler,
            id_number=REP_ID,
            mobile=REP_MOBILE,
            code="000000" if last_code(REP_MOBILE) != "000000" else "111111",
        )
    handler.portal_profile.refresh_from_db()
    assert handler.portal_profile.binding == Binding.PENDING

    profile = binding.binding_by_representative(
        profile=handler.portal_profile,
        actor=handler,
        id_number=REP_ID,
        mobile=REP_MOBILE,
        code=last_code(REP_MOBILE),
    )
    assert profile.binding == Binding.BOUND and profile.binding_method == BindingMethod.REPRESENTATIVE
    event = AuditEvent.objects.get(action="portal.binding_approved")
    assert event.actor_id == handler.pk and event.changes["method"] == "legalrep"
    assert REP_MOBILE not in str(event.changes)  # masked
    handler.refresh_from_db()
    case = services.application_start(actor=handler, item=item)  # acts for the organisation now
    assert case.form_data.get("registered_capital") == "300000.00"


def test_a_second_account_needs_the_first_accounts_approval_or_staff(
    handler, recorded, django_capture_on_commit_callbacks
):
    first = make_applicant("13500009999", organisation=recorded, id_number=PERSON_ID)  # already bound
    with pytest.raises(Conflict) as refused:  # even with the representative's right ID number and mobile
        send(handler, capture=django_capture_on_commit_callbacks)
    assert refused.value.code == "organisation_has_account" and sms.outbox == []
    # The way that remains: the first account approves (or window staff review the letter).
    assert list(binding.pending_for(first)) == [handler.portal_profile]
    profile = binding.binding_review(profile=handler.portal_profile, actor=first, approve=True)
    assert profile.binding_method == BindingMethod.HOLDER


def test_a_code_sent_before_another_account_was_bound_no_longer_binds(
    handler, recorded, django_capture_on_commit_callbacks
):
    send(handler, capture=django_capture_on_commit_callbacks)
    make_applicant("13500009999", organisation=recorded, id_number=PERSON_ID)  # bound meanwhile
    with pytest.raises(Conflict):
        binding.binding_by_representative(
            profile=handler.portal_profile,
            actor=handler,
            id_number=REP_ID,
            mobile=REP_MOBILE,
            code=last_code(REP_MOBILE),
        )


def test_attempts_are_throttled_per_account(handler, django_capture_on_commit_callbacks):
    limit = ratelimit.POLICIES["binding.account"].limit
    for _ in range(limit):
        with pytest.raises(ValidationFailed):
            send(handler, OTHER_ID, REP_MOBILE, capture=django_capture_on_commit_callbacks)
    with pytest.raises(RateLimited):  # the right data no longer helps within the window
        send(handler, capture=django_capture_on_commit_callbacks)
    assert sms.outbox == []


def test_only_the_account_itself_may_bind(handler, person, django_capture_on_commit_callbacks):
    from onewindow.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        binding.representative_code_send(
            profile=handler.portal_profile, actor=person, id_number=REP_ID, mobile=REP_MOBILE
        )


# --- the page ----------------------------------------------------------------------------------------------


def test_binding_page_permissions(client, login, handler, clerk, person):
    url = reverse("portal:binding_representative")
    data = {"action": "send_code", "id_number": REP_ID, "mobile": REP_MOBILE}
    response = client.post(url, data)
    assert response.status_code == 302 and reverse("portal:signin") in response["Location"]
    assert login(clerk).post(url, data).status_code == 403
    assert login(person).post(url, data).status_code == 403
    assert login(handler).get(url).status_code == 405


def test_bind_on_the_page(login, handler, django_capture_on_commit_callbacks):
    client = login(handler)
    page = client.get(reverse("portal:my_organisation")).content.decode()
    assert "法定代表人" in page and reverse("portal:binding_representative") in page
    url = reverse("portal:binding_representative")
    response = client.post(url, {"action": "send_code", "id_number": REP_ID, "mobile": "13600009999"})
    assert response.status_code == 422 and "身份证号码和手机号码与登记库" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "send_code", "id_number": REP_ID, "mobile": REP_MOBILE})
    assert response.status_code == 200 and REP_ID in response.content.decode()  # typed values kept
    response = client.post(
        url, {"action": "bind", "id_number": REP_ID, "mobile": REP_MOBILE, "code": last_code(REP_MOBILE)}
    )
    assert response.status_code == 302
    handler.portal_profile.refresh_from_db()
    assert handler.portal_profile.binding == Binding.BOUND
    assert "法定代表人身份证号码" not in client.get(reverse("portal:my_organisation")).content.decode()
