"""Issue 17: the case page leads with the likely next action, folds the rare ones, asks for reasons only
where an action needs them (issue 13's substring test gave `submit` an opinion field: "submit" is in
"resubmit"), shows the shortcuts, shows the chief approver the register's values before → after, and the
higher authority's decision form names every missing field."""

import re

from django.urls import reverse

from onewindow.cases import services
from onewindow.cases.actions import ACTIONS
from onewindow.cases.models import Case, CaseState
from onewindow.catalog.models import RegistryAction

from .factories import ORG_CODE, make_case, make_item


def _forms(page: str) -> dict[str, str]:
    """action → the HTML of its form on the case page."""
    return dict(re.findall(r'<form method="post" action="[^"]*/act/([a-z_]+)/"[^>]*>(.*?)</form>', page, re.S))


def test_shortcuts_are_unique():
    keys = [action.key for action in ACTIONS.values() if action.key]
    assert len(keys) == len(set(keys)) and "q" not in keys  # one shortcut per action; Alt+Q is the queue


def test_fields_follow_the_declaration_not_a_substring(login, chief, today):
    draft = make_case(make_item(), chief, submit=False)
    page = login(chief).get(reverse("cases:case", args=[draft.case_no])).content.decode()
    forms = _forms(page)
    assert 'name="opinion"' not in forms["submit"]  # "submit" in "resubmit" used to add it
    assert 'name="reason"' in forms["withdraw"]


def test_likely_action_first_rare_ones_folded_and_shortcuts_shown(login, chief, today):
    case = services.case_accept(case=make_case(make_item(), chief), actor=chief)
    page = login(chief).get(reverse("cases:case", args=[case.case_no])).content.decode()
    actions = re.findall(r'/act/([a-z_]+)/', page)
    assert actions[0] == "decide"
    folded = page.split('<details class="rare-actions"')[1].split("</details>")[0]
    assert {"/act/terminate/", "/act/extend/", "/act/suspend/"} <= set(re.findall(r"/act/[a-z_]+/", folded))
    assert "/act/decide/" not in folded
    decide = _forms(page)["decide"]
    assert 'accesskey="g"' in decide and "<kbd>Alt+G</kbd>" in decide and 'name="opinion"' not in decide


def test_chief_sees_register_values_before_and_after(login, chief, today):
    from onewindow.registry.models import Organisation

    item = make_item(registry_action=RegistryAction.CHANGE)
    organisation = Organisation.objects.create(kind="private_non_enterprise", credit_code=ORG_CODE,
                                               name="湖南某某职业培训中心", registration_authority="湖南省民政厅")
    case = services.case_accept(case=make_case(item, chief), actor=chief)
    assert case.organisation_id == organisation.pk
    page = login(chief).get(reverse("cases:case", args=[case.case_no])).content.decode()
    preview = page.split('class="register-preview"')[1].split("</table>")[0]
    assert "湖南某某职业培训中心" in preview and "湖南康养职业培训学校" in preview
    assert preview.index("湖南某某职业培训中心") < preview.index("湖南康养职业培训学校")


def test_higher_authority_decision_refuses_an_empty_form_naming_the_fields(login, chief, reviewer, today):
    item = make_item(route="back_office")
    case = services.case_accept(case=make_case(item, chief), actor=chief)
    case = services.case_review(case=case, actor=reviewer, opinion="同意")
    case = services.case_sign_off(case=case, actor=chief, opinion="同意")
    case = services.case_forward(case=case, actor=reviewer, authority="民政部", opinion="")
    client = login(reviewer)
    url = reverse("cases:act", args=[case.case_no, "record_external_decision"])
    response = client.post(url, {"outcome": "", "document_no": "", "reason": ""})
    page = response.content.decode()
    assert response.status_code == 422 and "决定文号" in page and "准予或不予" in page
    assert Case.objects.get(pk=case.pk).state == CaseState.FORWARDED
    # Only the document number: still refused, now naming the decision.
    response = client.post(url, {"outcome": "", "document_no": "民函〔2026〕1号"})
    assert response.status_code == 422 and Case.objects.get(pk=case.pk).state == CaseState.FORWARDED
    assert client.post(url, {"outcome": "grant", "document_no": "民函〔2026〕1号"}).status_code == 302
    assert Case.objects.get(pk=case.pk).state == CaseState.DECIDED


def test_provisional_marker_stands_beside_the_provisional_date_only(login, chief, today):
    import datetime

    case = services.case_accept(case=make_case(make_item(), chief), actor=chief)
    Case.objects.filter(pk=case.pk).update(promised_due=datetime.date(2026, 12, 18),
                                           statutory_due=datetime.date(2027, 3, 12), due_provisional=True)
    page = login(chief).get(reverse("cases:case", args=[case.case_no])).content.decode()
    rows = {row.split("</th>")[0]: row for row in page.split("<tr><th>")[1:]}
    assert 'class="provisional"' not in rows["承诺办结日期"]
    assert "2027-03-12" in rows["法定办结日期"] and 'class="provisional"' in rows["法定办结日期"]
