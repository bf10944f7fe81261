import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from onewindow.accounts.models import AuthorityGrant, Role, User
from onewindow.accounts.services import may_act
from onewindow.audit.models import AuditEvent
from onewindow.catalog.models import Item, Route


@pytest.mark.django_db
def test_demo_setup_is_idempotent_and_gives_the_chief_the_31_on_site_items(settings):
    settings.DEBUG = True
    call_command("demo", "setup")
    counts = (User.objects.count(), AuthorityGrant.objects.count(), AuditEvent.objects.count())
    call_command("demo", "setup")
    assert (User.objects.count(), AuthorityGrant.objects.count(), AuditEvent.objects.count()) == counts

    chief = User.objects.get(username="chief")
    assert chief.has_role(Role.CHIEF_APPROVER)
    decided_on_site = [i for i in Item.objects.select_related("current_version") if may_act(chief, i, "decide")]
    assert len(decided_on_site) == 31
    assert all(i.current_version.route == Route.ON_SITE for i in decided_on_site)
    applicant = User.objects.get(username="13800000000")
    assert applicant.kind == User.Kind.APPLICANT and applicant.check_password("onewindow-demo")
    assert applicant.portal_profile.credit_code  # acting for an organisation in the register


@pytest.mark.django_db
def test_demo_accounts_are_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo", "setup")
    assert not User.objects.filter(username="clerk").exists()
