"""Rules of the registration regulations at intake and at decision: statutory minimum funds (基金会管理条例
Art. 8; 社会团体登记管理条例 Art. 10) and a name already in the register (社会团体登记管理条例 Art. 10(1)/
民办非企业单位登记管理暂行条例: the name may not repeat a registered one)."""

import pytest
from django.utils import translation

from onewindow.cases import services
from onewindow.cases.models import Case, CaseState
from onewindow.catalog.models import ItemVersion, RegistryAction
from onewindow.core.errors import ValidationFailed
from onewindow.registry.models import Organisation

from .factories import applicant, make_item
from .test_law import ESTABLISH_FORM


def establishing(kind, **fields):
    item = make_item(registry_action=RegistryAction.ESTABLISH)
    ItemVersion.objects.filter(pk=item.current_version_id).update(org_kinds=[kind], **fields)
    item.refresh_from_db()
    return item


FOUNDATION = ESTABLISH_FORM | {"foundation_type": "地方性公募基金会", "name": "湖南省康养基金会"}
GROUP = ESTABLISH_FORM | {"activity_area": "湖南省", "name": "湖南省康养协会"}


@pytest.mark.parametrize(("kind", "data", "capital", "ok", "article"), [
    ("foundation", FOUNDATION, "3999999.99", False, "基金会管理条例》第八条"),  # 地方性公募 ≥ 400万
    ("foundation", FOUNDATION, "4000000", True, ""),
    ("foundation", FOUNDATION | {"foundation_type": "非公募基金会"}, "1999999", False, "第八条"),  # ≥ 200万
    ("foundation", FOUNDATION | {"foundation_type": "全国性公募基金会"}, "7999999", False, "第八条"),  # ≥ 800万
    ("social_group", GROUP, "29999", False, "社会团体登记管理条例》第十条"),  # 地方性 ≥ 3万
    ("social_group", GROUP, "30000", True, ""),
    ("social_group", GROUP | {"activity_area": "全国"}, "99999", False, "第十条"),  # 全国性 ≥ 10万
])
def test_statutory_minimum_funds_at_intake(chief, today, kind, data, capital, ok, article):
    item = establishing(kind)
    form = dict(data)
    form["registered_capital"] = capital
    with translation.override("zh-hans"):
        if ok:
            assert services.case_create(actor=chief, item=item, applicant=applicant(), form_data=form).state == "submitted"
            return
        with pytest.raises(ValidationFailed) as refused:
            services.case_create(actor=chief, item=item, applicant=applicant(), form_data=form)
    assert refused.value.code == "registration_rules"
    assert article in refused.value.details["form.registered_capital"]
    assert not Case.objects.exists()


def test_configured_minimum_for_other_kinds(chief, today):
    item = establishing("private_non_enterprise", minimum_funds=50000, minimum_funds_basis="《湖南省民办非企业单位登记办法》")
    with pytest.raises(ValidationFailed) as refused:
        services.case_create(actor=chief, item=item, applicant=applicant(),
                             form_data=ESTABLISH_FORM | {"registered_capital": "49999"})
    assert "湖南省民办非企业单位登记办法" in refused.value.details["form.registered_capital"]
    assert services.case_create(actor=chief, item=make_item(registry_action=RegistryAction.ESTABLISH),
                                applicant=applicant(), form_data=ESTABLISH_FORM | {"registered_capital": "1"})


def test_name_in_the_register_refused_at_intake_and_at_decision(chief, today):
    item = make_item(registry_action=RegistryAction.ESTABLISH)
    case = services.case_create(actor=chief, item=item, applicant=applicant(), form_data=ESTABLISH_FORM)
    for row in case.materials.select_related("material"):
        services.case_material_record(case=case, actor=chief, material=row.material,
                                      mode="reused" if row.material.reusable_as else "paper")
    case = services.case_accept(case=case, actor=chief)
    Organisation.objects.create(kind="private_non_enterprise", credit_code="52430000MJJ000004B",
                                name=ESTABLISH_FORM["name"], registration_authority="湖南省民政厅")
    with pytest.raises(ValidationFailed) as refused:  # registered meanwhile: refused at decision too
        services.case_decide(case=case, actor=chief, outcome="grant")
    assert refused.value.code == "registration_rules" and "form.name" in refused.value.details
    assert Case.objects.get(pk=case.pk).state == CaseState.ACCEPTED
    with pytest.raises(ValidationFailed) as refused:
        services.case_create(actor=chief, item=item, applicant=applicant(), form_data=ESTABLISH_FORM)
    assert refused.value.details["form.name"].startswith("“湖南省康养职业培训学校”")


# --- what the register's columns cannot hold is refused at intake (issue 16, "No 500 for bad input") --------

@pytest.mark.parametrize(("field", "value", "words"), [
    ("legal_representative", "王" * 51, "至多 50 个字符"),  # Organisation.legal_representative max_length 50
    ("name", "湖" * 201, "至多 200 个字符"),
    ("registered_capital", "1" + "0" * 14, "14 位"),  # max_digits 16, decimal_places 2
    ("legal_representative_mobile", "1390000", "手机号码"),
])
def test_form_data_the_register_cannot_hold_is_refused_at_intake(chief, today, field, value, words):
    item = make_item(registry_action=RegistryAction.ESTABLISH)
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as refused:
        services.case_create(actor=chief, item=item, applicant=applicant(), form_data=ESTABLISH_FORM | {field: value})
    assert refused.value.code == "registration_rules" and refused.value.status == 422
    assert words in refused.value.details[f"form.{field}"]
    assert not Case.objects.exists()


def test_limits_are_the_register_models(chief, today):
    from onewindow.registry.validation import MAX_LENGTHS

    assert MAX_LENGTHS["legal_representative"] == Organisation._meta.get_field("legal_representative").max_length
    item = make_item(registry_action=RegistryAction.ESTABLISH)
    at_limit = ESTABLISH_FORM | {"legal_representative": "王" * 50, "registered_capital": "9" * 14 + ".99"}
    assert services.case_create(actor=chief, item=item, applicant=applicant(), form_data=at_limit).state == "submitted"


def test_api_refuses_an_over_long_legal_representative_with_the_field_named(api, chief, today):
    item = make_item(registry_action=RegistryAction.ESTABLISH)
    body = {"item": item.code, "applicant": {"kind": "person", "name": "王芳", "id_type": "resident_id",
                                             "id_number": "430102199003076545", "contact_name": "王芳",
                                             "contact_mobile": "13900001111"},
            "form_data": ESTABLISH_FORM | {"legal_representative": "王" * 51}}
    response = api(chief).post("/api/v1/cases", body)
    assert response.status_code == 422
    assert response.json()["code"] == "registration_rules"
    assert "form.legal_representative" in response.json()["details"]


def test_window_intake_names_the_field_the_register_cannot_hold(login, chief, today):
    from django.urls import reverse

    from .test_views import intake_post

    item = make_item(registry_action=RegistryAction.CHANGE)  # form field "name" (变更后名称)
    response = login(chief).post(reverse("cases:intake"), intake_post(item, form_name="湖" * 201))
    page = response.content.decode()
    assert response.status_code == 422 and "“变更后名称”超出登记库可记载的长度（至多 200 个字符）" in page
    assert not Case.objects.exists()
