import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from onewindow.accounts.models import AuthorityGrant, Role
from onewindow.accounts.permissions import staff_required
from onewindow.accounts.services import authority_set, may_act
from onewindow.audit.models import AuditEvent
from onewindow.catalog.models import Item


@pytest.fixture
def item(db):
    return Item.objects.create(code="TEST-ITEM-1")


def test_may_act_follows_the_authority_list(item, chief, clerk, applicant):
    authority_set(item=item, action=AuthorityGrant.Action.DECIDE, roles=[Role.CHIEF_APPROVER])
    assert may_act(chief, item, "decide")
    assert not may_act(clerk, item, "decide")
    assert not may_act(applicant, item, "decide")  # applicants never hold authority
    authority_set(item=item, action=AuthorityGrant.Action.DECIDE, roles=[Role.CLERK])
    assert may_act(clerk, item, "decide")
    assert may_act(chief, item, "decide")  # the chief is also a clerk in the fixture
    authority_set(item=item, action=AuthorityGrant.Action.DECIDE, roles=[])
    assert not may_act(chief, item, "decide")


def test_authority_changes_are_audited_and_idempotent(item, administrator):
    authority_set(item=item, action="accept", roles=[Role.CLERK, Role.CHIEF_APPROVER], actor=administrator)
    authority_set(item=item, action="accept", roles=[Role.CLERK, Role.CHIEF_APPROVER], actor=administrator)
    events = AuditEvent.objects.filter(action="accounts.authority_changed")
    assert events.count() == 1
    assert events.get().changes["roles"] == [[], ["chief_approver", "clerk"]]


def test_inactive_staff_lose_authority(item, chief):
    authority_set(item=item, action="decide", roles=[Role.CHIEF_APPROVER])
    chief.is_active = False
    assert not may_act(chief, item, "decide")


@pytest.mark.parametrize("who, expected", [("anonymous", 302), ("applicant", 403), ("clerk", 403), ("chief", 200)])
def test_staff_required_states_who_may_use_a_view(who, expected, request, rf: RequestFactory):
    from django.contrib.auth.models import AnonymousUser

    @staff_required(Role.CHIEF_APPROVER)
    def view(req):
        return HttpResponse("ok")

    req = rf.get("/x")
    req.user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    if expected == 403:
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            view(req)
    else:
        assert view(req).status_code == expected
