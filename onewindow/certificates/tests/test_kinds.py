"""Adding a certificate kind fails here until every place it needs is filled: the printed title, the number
word, the printed-field layout, the number series and the column that stores it."""

import pytest
from django.db import transaction

from onewindow.catalog.models import OrgKind
from onewindow.certificates.models import CERTIFICATE_TITLES, Certificate, CertificateKind
from onewindow.certificates.services import NUMBER_WORDS, REGISTRATION_KIND, certificate_issue, printed_fields
from onewindow.core.models import Sequence
from onewindow.registry.models import Organisation

KINDS = list(CertificateKind)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_a_title_a_number_word_and_a_column_wide_enough(kind):
    assert CERTIFICATE_TITLES[kind] and NUMBER_WORDS[kind]
    assert len(kind.value) <= Certificate._meta.get_field("kind").max_length


def test_every_kind_prints_its_own_layout():
    """A kind without a layout raises instead of printing another kind's fields."""
    organisation = Organisation(name="某某基金会", address="长沙市", legal_representative="王芳")
    layouts = {kind: tuple(label for label, _value in printed_fields(organisation, kind)) for kind in KINDS}
    assert all(layouts.values())
    assert len(set(layouts.values())) == len(KINDS)  # no two kinds share one layout by accident
    with pytest.raises(ValueError):
        printed_fields(organisation, "a_new_kind")


def test_registration_kinds_are_certificate_kinds():
    assert set(REGISTRATION_KIND.values()) <= set(CertificateKind)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_gets_its_number_series_on_first_use(kind, chief, establish):
    """Number series rows are created on first use: a new kind needs no data migration to be issued."""
    Sequence.objects.filter(name__startswith="certificate:").delete()  # as on a new installation
    organisation, _certificate = establish(OrgKind.FOUNDATION, name=f"首张{kind.value}基金会")
    with transaction.atomic():
        first = certificate_issue(organisation=organisation, kind=kind, case_no="", actor=chief)
        second = certificate_issue(organisation=organisation, kind=kind, case_no="", actor=chief)
    assert first.serial == (2 if kind == CertificateKind.FOUNDATION else 1) and second.serial == first.serial + 1
    assert first.number.endswith(f"{NUMBER_WORDS[kind]}第{first.serial:06d}号")
