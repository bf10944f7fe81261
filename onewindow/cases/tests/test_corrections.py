"""Staff correct the form data of an accepted case before the decision, with a reason (issue 16, "No 500 for
bad input": "staff can correct form data of an accepted case with a reason (audited) before the decision")."""

import pytest
from django.urls import reverse

from onewindow.audit.models import AuditEvent
from onewindow.cases import corrections, services
from onewindow.cases.models import Case, CaseFormCorrection, CaseState
from onewindow.catalog.models import RegistryAction
from onewindow.core.errors import Conflict, PermissionDenied, ValidationFailed

from .factories import make_case, make_item
from .helpers import drive

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(chief, today):
    return services.case_accept(case=make_case(make_item(), chief), actor=chief)


def test_correction_with_reason_changes_the_form_keeps_history_and_is_audited(accepted, clerk):
    row = corrections.case_form_correct(
        case=accepted,
        actor=clerk,
        form_data={"name": "湖南康养职业技能培训学校"},
        reason="申请人笔误，经电话核实",
    )
    accepted.refresh_from_db()
    assert accepted.form_data["name"] == "湖南康养职业技能培训学校" and accepted.state == CaseState.ACCEPTED
    assert (row.before, row.after, row.actor, row.reason) == (
        {"name": "湖南康养职业培训学校"},
        {"name": "湖南康养职业技能培训学校"},
        clerk,
        "申请人笔误，经电话核实",
    )
    event = AuditEvent.objects.get(action="case.form_corrected")
    assert event.actor_id == clerk.pk and event.changes == {
        "reason": "申请人笔误，经电话核实",
        "fields": {"name": ["湖南康养职业培训学校", "湖南康养职业技能培训学校"]},
    }


def test_a_reason_is_required_and_only_the_forms_fields_and_a_real_change(accepted, clerk):
    for data, reason, code in (
        ({"name": "新名称"}, " ", "reason_required"),
        ({"nope": "x"}, "核实", "unknown_field"),
        ({"name": "湖南康养职业培训学校"}, "核实", "no_change"),
        ({"name": ""}, "核实", "registration_rules"),
    ):  # a required field stays required
        with pytest.raises(ValidationFailed) as refused:
            corrections.case_form_correct(case=accepted, actor=clerk, form_data=data, reason=reason)
        assert refused.value.code == code
    assert not CaseFormCorrection.objects.exists()


def test_a_correction_passes_the_intake_checks(chief, today):
    item = make_item(registry_action=RegistryAction.CHANGE)
    case = services.case_accept(case=make_case(item, chief), actor=chief)
    with pytest.raises(ValidationFailed) as refused:
        corrections.case_form_correct(case=case, actor=chief, form_data={"name": "湖" * 201}, reason="核实")
    assert "form.name" in refused.value.details


@pytest.mark.parametrize("state", [CaseState.SUBMITTED, CaseState.DECIDED])
def test_refused_before_acceptance_and_after_the_decision(chief, today, state):
    case = drive(make_item(), chief, state)
    with pytest.raises(Conflict) as refused:
        corrections.case_form_correct(case=case, actor=chief, form_data={"name": "新名称"}, reason="核实")
    assert refused.value.code == "not_correctable"
    assert Case.objects.get(pk=case.pk).form_data["name"] == "湖南康养职业培训学校"


def test_who_may_correct(accepted, chief, clerk, reviewer, leader, supervisor, administrator, applicant):
    # The decision maker holds decide authority but is not the window's: the clerk or chief corrects.
    for outsider in (reviewer, leader, supervisor, administrator, applicant):
        with pytest.raises(PermissionDenied):
            corrections.case_form_correct(
                case=accepted, actor=outsider, form_data={"name": "新名称"}, reason="核实"
            )
    for allowed, name in ((clerk, "新名称一"), (chief, "新名称二")):
        corrections.case_form_correct(case=accepted, actor=allowed, form_data={"name": name}, reason="核实")
    assert CaseFormCorrection.objects.count() == 2


def test_no_authority_on_the_item_no_correction(accepted, clerk):
    from onewindow.accounts.models import AuthorityGrant

    AuthorityGrant.objects.filter(item=accepted.item).delete()
    with pytest.raises(PermissionDenied):
        corrections.case_form_correct(case=accepted, actor=clerk, form_data={"name": "新名称"}, reason="核实")


# --- the workbench form ----------------------------------------------------------------------------------


def test_case_page_form_permissions_and_history(login, client, accepted, clerk, reviewer, applicant):
    url = reverse("cases:correct", args=[accepted.case_no])
    data = {"form_name": "湖南康养职业技能培训学校", "reason": "申请人笔误"}
    assert client.post(url, data).status_code == 302 and not CaseFormCorrection.objects.exists()  # to sign in
    assert login(applicant).post(url, data).status_code in (403, 404)
    assert login(reviewer).post(url, data).status_code in (403, 404)  # not offered, and refused if posted
    page = login(reviewer).get(reverse("cases:case", args=[accepted.case_no])).content.decode()
    assert url not in page
    assert not CaseFormCorrection.objects.exists()

    staff = login(clerk)
    page = staff.get(reverse("cases:case", args=[accepted.case_no])).content.decode()
    assert url in page and 'name="form_name"' in page
    response = staff.post(url, {"form_name": "新名称", "reason": ""})
    assert response.status_code == 422 and "更正" in response.content.decode()
    assert staff.post(url, data).status_code == 302
    page = staff.get(reverse("cases:case", args=[accepted.case_no])).content.decode()
    assert "申请人笔误" in page and "湖南康养职业技能培训学校" in page


# --- the API ---------------------------------------------------------------------------------------------------


def test_api_correction_and_permissions(api, accepted, clerk, reviewer, applicant):
    url = f"/api/v1/cases/{accepted.case_no}/form-corrections"
    body = {"form_data": {"name": "湖南康养职业技能培训学校"}, "reason": "申请人笔误"}
    assert api(None).post(url, body).status_code == 401
    assert api(reviewer).post(url, body).status_code in (403, 404)
    assert api(applicant).post(url, body).status_code in (403, 404)
    response = api(clerk).post(url, body | {"reason": ""})
    assert response.status_code == 422 and response.json()["code"] == "reason_required"
    response = api(clerk).post(url, body)
    assert response.status_code == 200, response.json()
    assert Case.objects.get(pk=accepted.pk).form_data["name"] == "湖南康养职业技能培训学校"


def test_api_refuses_after_the_decision(api, chief, today):
    case = drive(make_item(), chief, CaseState.DECIDED)
    response = api(chief).post(
        f"/api/v1/cases/{case.case_no}/form-corrections", {"form_data": {"name": "新名称"}, "reason": "核实"}
    )
    assert response.status_code == 409 and response.json()["code"] == "not_correctable"


def test_personal_fields_are_masked_and_not_prefilled(login, chief, clerk, today):
    from onewindow.catalog.models import FormField

    item = make_item()
    FormField.objects.bulk_create(
        [
            FormField(
                version=item.current_version,
                order=3,
                key="legal_representative_mobile",
                label="法定代表人手机号码",
                required=False,
            )
        ]
    )  # published: no save()
    case = services.case_accept(case=make_case(item, chief), actor=chief)
    Case.objects.filter(pk=case.pk).update(
        form_data=case.form_data | {"legal_representative_mobile": "13912345678"}
    )
    staff = login(clerk)
    page = staff.get(reverse("cases:case", args=[case.case_no])).content.decode()
    assert "13912345678" not in page and "5678" in page
    # Left blank, the personal field is kept; retyped, it is corrected and audited masked.
    assert (
        staff.post(
            reverse("cases:correct", args=[case.case_no]),
            {"form_name": "新名称", "form_legal_representative_mobile": "", "reason": "核实"},
        ).status_code
        == 302
    )
    assert Case.objects.get(pk=case.pk).form_data["legal_representative_mobile"] == "13912345678"
    corrections.case_form_correct(
        case=case, actor=clerk, form_data={"legal_representative_mobile": "13987654321"}, reason="核实"
    )
    event = AuditEvent.objects.filter(action="case.form_corrected").latest("id")
    assert "13987654321" not in str(event.changes) and "13912345678" not in str(event.changes)
