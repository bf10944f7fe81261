"""Issue 17: an organisation's online application uses its current register record, not the name it
signed up with (a case was filed under the name it had before its change of name)."""

from onewindow.audit.models import AuditEvent
from onewindow.portal import services
from onewindow.registry.models import Organisation

from .test_services import _fill


def _rename(organisation, name):
    Organisation.objects.filter(pk=organisation.pk).update(name=name)


def test_a_new_application_takes_the_registered_name(item, org_user, organisation):
    _rename(organisation, "湖南康养职业培训学校")
    case = services.application_start(actor=org_user, item=item)
    assert case.applicant_name == "湖南康养职业培训学校"
    assert case.address == organisation.address and case.organisation_id == organisation.pk


def test_a_draft_from_before_the_change_is_filed_under_the_current_name(item, org_user, organisation):
    case = services.application_start(actor=org_user, item=item)
    old = case.applicant_name
    _rename(organisation, "湖南康养职业培训学校")
    _fill(case, org_user)
    case = services.application_submit(case=case, actor=org_user)
    assert case.applicant_name == "湖南康养职业培训学校"
    event = AuditEvent.objects.get(action="case.applicant_renamed")
    assert event.changes["applicant_name"] == [old, "湖南康养职业培训学校"]
