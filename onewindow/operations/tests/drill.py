"""What the backup drill does inside an installation (run with `onewindow shell -c`), through the services:
an establishment granted on the spot with its certificate, every notice rendered, and one case opened today
with an uploaded material."""

import json

from onewindow.accounts.models import Role, User
from onewindow.audit.context import audit_context
from onewindow.cases import services as cases
from onewindow.cases.documents import document_pdf
from onewindow.cases.models import ApplicantKind, CaseDocument, IdType
from onewindow.catalog.models import Item, ItemVersion, RegistryAction, Route
from onewindow.certificates.models import Certificate
from onewindow.demo.history import sample_form_value

APPLICANT = cases.Applicant(kind=ApplicantKind.PERSON, name="王强", id_type=IdType.RESIDENT_ID,
                            id_number="430102199003076545", contact_name="王强", contact_mobile="13900001111")


def _establishment_item() -> Item:
    return (Item.objects.filter(is_active=True, current_version__status=ItemVersion.Status.PUBLISHED,
                                current_version__route=Route.ON_SITE,
                                current_version__registry_action=RegistryAction.ESTABLISH)
            .order_by("code").first())


def _new_case(chief: User, item: Item, name: str):
    version = item.current_version
    return cases.case_create(actor=chief, item=item, applicant=APPLICANT, form_data={
        f.key: sample_form_value(f, name) for f in version.form_fields.all()})


def open_case_with_upload(n: int) -> None:
    """Print {"case_no", "certificates": [tokens]} after a certificate, the notices and case `n`."""
    chief = User.objects.filter(role_memberships__role=Role.CHIEF_APPROVER).order_by("pk").first()
    item = _establishment_item()
    with audit_context(source="cli"):
        granted = _new_case(chief, item, f"湖南演练职业培训学校{n}")
        for row in granted.materials.select_related("material").filter(material__required=True):
            cases.case_material_record(case=granted, actor=chief, material=row.material, mode="paper",
                                       original_seen=True, copies=1)
        granted = cases.case_accept(case=granted, actor=chief)
        granted = cases.case_decide(case=granted, actor=chief, outcome="grant")
        cases.case_issue(case=granted, actor=chief, delivery="window", collector_name="王强",
                         collector_id_number=APPLICANT.id_number)
        pdf = b""
        for document in CaseDocument.objects.order_by("pk"):
            pdf = document_pdf(document)
        case = _new_case(chief, item, f"湖南演练职业培训学校{n}-2")
        material = item.current_version.materials.filter(required=True).order_by("pk").first()
        cases.case_material_upload(case=case, actor=chief, material=material, name="申请书.pdf", content=pdf)
    print(json.dumps({"case_no": case.case_no,
                      "certificates": list(Certificate.objects.order_by("pk").values_list("token", flat=True))}))
