"""Organisation account binding (issue 16, "Acting for an organisation"): an account signed up with a public
credit code and any letter acts for the organisation only after staff checked the letter, or the
organisation's bound account approved it. Until then: new-organisation items only, no register data, no
免提交 reuse — in the portal and in the API alike (one rule, `cases.reuse`)."""

import pytest
from django.urls import reverse

from onewindow.accounts.models import User
from onewindow.audit.models import AuditEvent
from onewindow.catalog.models import ItemVersion, RegistryAction
from onewindow.core.errors import Conflict, PermissionDenied, ValidationFailed
from onewindow.portal import binding, services
from onewindow.portal.models import Binding, BindingMethod
from onewindow.registry.identifiers import org_code_check_char, uscc_check_char

from .factories import OTHER_ID, PDF, PERSON_ID, make_applicant, make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def unbound(organisation, code_for):
    """What an attacker gets today: a sign-up with the organisation's public credit code and a fake letter."""
    return services.applicant_signup_organisation(
        organisation_name=organisation.name, credit_code=organisation.credit_code, handler_name="冒名者",
        handler_id_number=OTHER_ID, mobile="13500005555", code=code_for("13500005555"),
        authorisation_name="letter.pdf", authorisation_content=PDF)


def test_a_new_organisation_account_is_pending_and_cannot_act(item, unbound, organisation):
    assert unbound.portal_profile.binding == Binding.PENDING
    with pytest.raises(PermissionDenied) as refused:
        services.application_start(actor=unbound, item=item)  # a change of the organisation's registration
    assert refused.value.code == "organisation_not_bound"


def test_unbound_account_may_apply_for_a_new_organisation_only(organisation, code_for):
    establish = make_item(name="民办非企业单位成立登记")
    ItemVersion.objects.filter(pk=establish.current_version_id).update(registry_action=RegistryAction.ESTABLISH)
    establish.refresh_from_db()
    code = "52430000" + "MJ123456" + org_code_check_char("MJ123456")
    code += uscc_check_char(code)  # a valid credit code no registered organisation holds
    newcomer = services.applicant_signup_organisation(
        organisation_name="湖南新设培训中心", credit_code=code, handler_name="王新", handler_id_number=OTHER_ID,
        mobile="13500004444", code=code_for("13500004444"), authorisation_name="letter.pdf",
        authorisation_content=PDF)
    case = services.application_start(actor=newcomer, item=establish)
    assert case.form_data == {} and case.organisation is None
    # The same account refused for an organisation in the register (its credit code is public).
    holder = make_applicant("13500003333", organisation=organisation, binding=Binding.PENDING)
    with pytest.raises(PermissionDenied):
        services.application_start(actor=holder, item=establish)


def test_unbound_account_sees_no_register_data_and_cannot_reuse(item, organisation, clerk):
    handler = make_applicant("13500006666", organisation=organisation, binding=Binding.PENDING)
    bound = make_applicant("13500007777", organisation=organisation, id_number=OTHER_ID)
    case = services.application_start(actor=bound, item=item)
    assert case.form_data["registered_capital"] == "300000.00"  # bound: prefilled from the register
    certificate = item.current_version.materials.get(key="certificate")
    case.owner = handler  # the same case in the hands of an unbound account
    case.save(update_fields=["owner"])
    with pytest.raises(ValidationFailed) as refused:
        services.material_reuse(case=case, actor=handler, material=certificate)
    assert refused.value.code == "material_not_reusable"


def test_staff_approve_after_checking_the_letter(item, unbound, clerk):
    profile = binding.binding_review(profile=unbound.portal_profile, actor=clerk, approve=True)
    assert profile.binding == Binding.BOUND and profile.binding_method == BindingMethod.STAFF
    case = services.application_start(actor=User.objects.get(pk=unbound.pk), item=item)
    assert case.form_data.get("registered_capital") == "300000.00"
    event = AuditEvent.objects.get(action="portal.binding_approved")
    assert event.actor_id == clerk.pk and event.changes["method"] == "staff"


def test_refusal_needs_a_reason_and_is_final(unbound, clerk):
    with pytest.raises(ValidationFailed):
        binding.binding_review(profile=unbound.portal_profile, actor=clerk, approve=False, reason=" ")
    profile = binding.binding_review(profile=unbound.portal_profile, actor=clerk, approve=False,
                                     reason="授权委托书无单位公章")
    assert profile.binding == Binding.REFUSED and not profile.represents(profile.credit_code)
    with pytest.raises(Conflict):
        binding.binding_review(profile=profile, actor=clerk, approve=True)
    assert AuditEvent.objects.filter(action="portal.binding_refused", changes__reason="授权委托书无单位公章").exists()


def test_who_may_decide(unbound, organisation, reviewer, person):
    for outsider in (unbound, reviewer, person):  # itself, a staff member without the role, another applicant
        with pytest.raises(PermissionDenied):
            binding.binding_review(profile=unbound.portal_profile, actor=outsider, approve=True)
    other_org_holder = make_applicant("13500008888", organisation=None)
    with pytest.raises(PermissionDenied):
        binding.binding_review(profile=unbound.portal_profile, actor=other_org_holder, approve=True)


def test_second_account_approved_by_the_first(unbound, organisation):
    first = make_applicant("13500009999", organisation=organisation, id_number=PERSON_ID)
    assert list(binding.pending_for(first)) == [unbound.portal_profile]
    profile = binding.binding_review(profile=unbound.portal_profile, actor=first, approve=True)
    assert profile.binding_method == BindingMethod.HOLDER and profile.binding_reviewed_by == first
    assert list(binding.pending_for(unbound)) == []  # bound now, but nothing left to decide


# --- the API applies the same rule ---------------------------------------------------------------------

def test_api_refuses_filing_for_an_organisation_the_account_is_not_bound_to(api, item, unbound):
    body = {"item": item.code, "channel": "pc", "submit": False, "form_data": {},
            "applicant": {"kind": "organisation", "name": unbound.portal_profile.organisation_name,
                          "id_type": "uscc", "id_number": unbound.portal_profile.credit_code,
                          "contact_name": "冒名者", "contact_mobile": "13500005555"}}
    response = api(unbound).post("/api/v1/cases", body)
    assert response.status_code == 403 and response.json()["code"] == "organisation_not_bound"


def test_api_person_case_cannot_claim_an_organisations_certificate_as_reused(api, item, person):
    case = services.application_start(actor=person, item=make_item(name_required=False))
    response = api(person).post_multipart(f"/api/v1/cases/{case.case_no}/materials",
                                          {"material": "certificate", "mode": "reused"})
    assert response.status_code == 422 and response.json()["code"] == "material_not_reusable"


# --- the staff review queue -------------------------------------------------------------------------------

def test_review_queue_permissions(login, unbound, clerk, reviewer, person, client):
    url = reverse("portal:bindings")
    assert client.get(url).status_code == 302  # anonymous: sign in
    assert login(reviewer).get(url).status_code == 403
    assert login(person).get(url).status_code == 403
    page = login(clerk).get(url)
    assert page.status_code == 200 and "冒名者" in page.content.decode()
    letter = login(clerk).get(reverse("portal:binding_letter", args=[unbound.portal_profile.pk]))
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert login(person).get(reverse("portal:binding_letter", args=[unbound.portal_profile.pk])).status_code == 403


def test_review_queue_refuses_with_reason(login, unbound, clerk):
    url = reverse("portal:binding_review", args=[unbound.portal_profile.pk])
    response = login(clerk).post(url, {"decision": "refuse", "reason": ""})
    assert response.status_code == 422 and "拒绝理由" in response.content.decode()
    response = login(clerk).post(url, {"decision": "refuse", "reason": "委托书与登记信息不符"})
    assert response.status_code == 302
    unbound.portal_profile.refresh_from_db()
    assert unbound.portal_profile.binding == Binding.REFUSED


def test_progress_proof_of_an_organisation_case_is_not_its_public_credit_code(item, org_user, organisation):
    """The credit code is published in the register: its last four characters prove nothing."""
    from onewindow.portal.selectors import progress_proof_matches

    case = services.application_start(actor=org_user, item=item)
    assert not progress_proof_matches(case, organisation.credit_code[-4:])
    assert progress_proof_matches(case, org_user.mobile[-4:])


def test_organisation_case_progress_by_the_query_code_on_its_receipt(item, org_user, client):
    """Issue 16: the query code printed on the acceptance notice and the receipt opens the public progress
    query; it is derived from the case number with SECRET_KEY, so another case's code does not."""
    from onewindow.cases.models import Case, CaseState
    from onewindow.cases.querycode import progress_query_code
    from onewindow.portal.selectors import progress_proof_matches

    case = services.application_start(actor=org_user, item=item)
    code, next_case_code = progress_query_code(case.case_no), progress_query_code(case.case_no[:-1] + "9")
    assert len(code) == 8 and code != next_case_code
    assert progress_proof_matches(case, f" {code[:4].lower()}-{code[4:]} ")
    assert not progress_proof_matches(case, next_case_code)
    Case.objects.filter(pk=case.pk).update(state=CaseState.SUBMITTED)
    wrong = client.post(reverse("portal:progress_query"), {"case_no": case.case_no, "last4": code[::-1]})
    assert wrong.status_code == 422
    right = client.post(reverse("portal:progress_query"), {"case_no": case.case_no, "last4": code})
    assert right["Location"] == reverse("portal:progress", args=[case.case_no])


def test_one_person_account_per_id_number_with_a_way_back(person, code_for):
    code = code_for("13300001111")
    with pytest.raises(ValidationFailed) as refused:
        services.applicant_signup_person(full_name="王芳", id_number=OTHER_ID.lower(), mobile="13300001111", code=code)
    message = refused.value.details["id_number"]
    assert "137****2222" in message and "窗口" in message  # where the first account is, and how to recover it
    # The code was not spent on a refused sign-up.
    services.applicant_signup_person(full_name="赵晓红", id_number=PERSON_ID, mobile="13300001111", code=code)
