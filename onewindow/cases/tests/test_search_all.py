"""Issue 17: supervisors and leaders search every case they can see, open or closed, by number, applicant
or credit code (已办 is not the only way back to a closed case), within a fixed query budget."""

from django.urls import reverse

from onewindow.cases import services
from onewindow.cases.models import CaseState

from .factories import ORG_CODE, make_case, make_item


def _closed_case(chief):
    case = services.case_reject(case=make_case(make_item(), chief), actor=chief, reason="不属于本机关职权范围")
    assert case.state == CaseState.COMPLETED
    return case


def test_supervisor_finds_a_closed_case_by_number_name_or_credit_code(login, chief, supervisor, today,
                                                                     django_assert_max_num_queries):
    case = _closed_case(chief)
    client = login(supervisor)
    assert "?tab=all" in client.get(reverse("cases:queue")).content.decode()
    for term in (case.case_no, "某某职业", ORG_CODE.lower()):
        with django_assert_max_num_queries(12):
            page = client.get(reverse("cases:queue"), {"tab": "all", "q": term}).content.decode()
        assert reverse("cases:case", args=[case.case_no]) in page, term
    assert case.case_no not in client.get(reverse("cases:queue"), {"tab": "all", "q": "另一个名称"}).content.decode()
    assert client.get(reverse("cases:case", args=[case.case_no])).status_code == 200


def test_leader_searches_the_cases_of_their_items(login, chief, leader, today):
    case = _closed_case(chief)
    page = login(leader).get(reverse("cases:queue"), {"tab": "all", "q": case.case_no}).content.decode()
    assert reverse("cases:case", args=[case.case_no]) in page


def test_clerk_has_no_all_cases_tab(login, chief, clerk, today):
    case = _closed_case(chief)
    page = login(clerk).get(reverse("cases:queue"), {"tab": "all", "q": case.case_no}).content.decode()
    assert "?tab=all" not in page and reverse("cases:case", args=[case.case_no]) not in page  # 待办 instead


def test_a_huge_page_number_is_an_empty_page_not_a_server_error(login, api, supervisor, today):
    """Found by the API fuzz test: page=27119067195148146311168 overflowed SQLite's OFFSET (500)."""
    huge = "27119067195148146311168"
    assert login(supervisor).get(reverse("cases:queue"), {"tab": "all", "page": huge}).status_code == 200
    assert api(supervisor).get("/api/v1/cases", page=huge, done="true").status_code in (200, 422)
