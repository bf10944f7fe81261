"""签发 on the back-office route: the division's 初审 opinion is signed by a holder of the leader's authority
(审批决定人) before the case is forwarded to the higher authority. Basis: 《党政机关公文处理工作条例》
(中办发〔2012〕14号) Art. 22 (公文应当经本机关负责人审批签发；上行文由机关主要负责人签发), which the item
records in `sign_off_basis`; an item whose chain has no sign-off step forwards straight after 初审."""

import pytest
from django.urls import reverse

from onewindow.audit.models import AuditEvent
from onewindow.cases import selectors, services
from onewindow.cases.models import CaseState
from onewindow.core.errors import Conflict, PermissionDenied, ValidationFailed

from .factories import make_case, make_item


@pytest.fixture
def reviewed(chief, reviewer, today):
    case = services.case_accept(case=make_case(make_item(route="back_office", name="地名更名审批"), chief),
                                actor=chief)
    return services.case_review(case=case, actor=reviewer, opinion="初审同意")


def test_forward_without_sign_off_is_refused_gongwen_art22(reviewed, reviewer):
    """党政机关公文处理工作条例 Art. 22: the report to the higher authority goes up only once signed."""
    with pytest.raises(Conflict) as refused:
        services.case_forward(case=reviewed, actor=reviewer, authority="湖南省人民政府")
    assert refused.value.code == "sign_off_required"
    reviewed.refresh_from_db()
    assert reviewed.state == CaseState.REVIEWED


def test_leader_signs_off_then_the_reviewer_forwards_gongwen_art22(reviewed, leader, reviewer):
    signed = services.case_sign_off(case=reviewed, actor=leader, opinion="同意初审意见，报省政府")
    assert signed.state == CaseState.SIGNED_OFF
    step = signed.steps.last()
    assert (step.name, step.opinion, step.handler) == ("签发", "同意初审意见，报省政府", leader)
    entry = AuditEvent.objects.filter(action="case.signed_off").get()
    assert "党政机关公文处理工作条例" in entry.changes["basis"]
    forwarded = services.case_forward(case=signed, actor=reviewer, authority="湖南省人民政府")
    assert forwarded.state == CaseState.FORWARDED
    assert [s.name for s in forwarded.steps.order_by("pk")] == ["受理", "初审", "签发", "转报"]


def test_a_clerk_or_reviewer_cannot_sign_off(reviewed, clerk, reviewer):
    """Only the leader's line of the authority list (审批决定人, 决定) signs."""
    for actor in (clerk, reviewer):
        with pytest.raises(PermissionDenied) as refused:
            services.case_sign_off(case=reviewed, actor=actor, opinion="同意")
        assert refused.value.code == "no_authority"
    offered = selectors.allowed_actions(reviewed, reviewer, selectors.user_grants(reviewer, reviewed.item_id))
    assert "sign_off" not in offered and "forward" not in offered  # 签发 comes first


def test_sign_off_needs_an_opinion_and_a_reviewed_case(reviewed, leader, chief, today):
    with pytest.raises(ValidationFailed) as empty:
        services.case_sign_off(case=reviewed, actor=leader, opinion="  ")
    assert empty.value.code == "reason_required"
    accepted = services.case_accept(case=make_case(make_item(route="back_office"), chief), actor=chief)
    with pytest.raises(Conflict) as early:
        services.case_sign_off(case=accepted, actor=leader, opinion="同意")
    assert early.value.code == "invalid_state"


def test_item_without_the_sign_off_step_forwards_after_review(chief, reviewer, leader, today):
    item = make_item(route="back_office")
    item.current_version.__class__.objects.filter(pk=item.current_version_id).update(sign_off_required=False)
    case = services.case_accept(case=make_case(item, chief), actor=chief)
    case = services.case_review(case=case, actor=reviewer, opinion="初审同意")
    with pytest.raises(Conflict) as refused:
        services.case_sign_off(case=case, actor=leader, opinion="同意")
    assert refused.value.code == "no_sign_off_step"
    assert services.case_forward(case=case, actor=reviewer, authority="湖南省人民政府").state == CaseState.FORWARDED


def test_leaders_queue_lists_the_case_with_the_sign_off_action(reviewed, login, leader, reviewer):
    """The leader's 待办 lists the reviewed case and its page offers 签发; the reviewer's page offers no
    转报 until it is signed."""
    assert reviewed.case_no in login(leader).get(reverse("cases:queue")).content.decode()
    page = login(leader).get(reverse("cases:case", args=[reviewed.case_no])).content.decode()
    assert "/act/sign_off/" in page and "签发初审意见" in page
    assert "/act/forward/" not in login(reviewer).get(reverse("cases:case", args=[reviewed.case_no])).content.decode()
    done = login(leader).post(reverse("cases:act", args=[reviewed.case_no, "sign_off"]), {"opinion": "同意"})
    assert done.status_code == 302
    assert "/act/forward/" in login(reviewer).get(reverse("cases:case", args=[reviewed.case_no])).content.decode()


def test_sign_off_through_the_api(reviewed, api, leader, reviewer):
    url = f"/api/v1/cases/{reviewed.case_no}/actions/"
    early = api(reviewer).post(url + "forward", {"authority": "湖南省人民政府"})
    assert early.status_code == 409 and early.json()["code"] == "sign_off_required"
    assert api(reviewer).post(url + "sign_off", {"opinion": "同意"}).status_code == 403
    assert api(leader).post(url + "sign_off", {"opinion": "同意"}).json()["state"] == "signed_off"
    assert api(reviewer).post(url + "forward", {"authority": "湖南省人民政府"}).json()["state"] == "forwarded"
