"""The demo applicant for `onewindow demo setup`: a handler acting for a registered 民办非企业单位 (the
article's training centre before its change of name). Idempotent."""

from django.db import transaction
from django.utils import timezone

from onewindow.accounts.models import User
from onewindow.catalog.models import OrgKind
from onewindow.portal.models import ApplicantProfile, Binding, BindingMethod
from onewindow.registry.models import Organisation
from onewindow.registry.services import organisation_establish

DEMO_MOBILE = "13800000000"
DEMO_ORGANISATION = {
    "name": "湖南康养职业技能培训中心", "address": "长沙市岳麓区麓山南路1号", "purpose": "服务社会，培养康养人才",
    "business_scope": "养老护理员职业技能培训", "legal_representative": "赵晓红", "registered_capital": "300000",
    "supervisor_unit": "湖南省人力资源和社会保障厅",
    # Recorded in the register (not public): the representative can bind an account by an SMS code.
    "legal_representative_id_number": "430102199003076545", "legal_representative_mobile": "13800000000",
}


@transaction.atomic
def demo_applicant_setup(*, password: str) -> User:
    organisation = Organisation.objects.filter(name=DEMO_ORGANISATION["name"]).first() or organisation_establish(
        kind=OrgKind.PRIVATE_NON_ENTERPRISE, data=DEMO_ORGANISATION, case_no="", actor=None)
    user = User.objects.filter(username=DEMO_MOBILE).first()
    if user is None:
        user = User(username=DEMO_MOBILE, kind=User.Kind.APPLICANT, full_name="赵晓红", mobile=DEMO_MOBILE,
                    id_number="430102199003076545")
        user.set_password(password)
        user.save()
        ApplicantProfile.objects.create(user=user, kind=ApplicantProfile.Kind.ORGANISATION,
                                        organisation_name=organisation.name, credit_code=organisation.credit_code,
                                        mobile_verified_at=timezone.now(), binding=Binding.BOUND,
                                        binding_method=BindingMethod.STAFF, bound_at=timezone.now(),
                                        binding_reason="演示账号")
    return user
