"""Adding a pause kind fails here until every place it needs is filled: the name printed on the 特别程序告知书,
the exchange code of every shipped platform profile (and its row in the database, or the outbox parks the
case's rows in production), the provision that lets it stop the clock, and the column that stores it."""

import pytest

from onewindow.cases.models import CasePause
from onewindow.cases.services import ART45_BASIS, PAUSE_NAMES, pause_basis
from onewindow.catalog.models import ItemVersion
from onewindow.catalog.rules import OTHER_PAUSES
from onewindow.exchange.codelists import PROFILES
from onewindow.exchange.models import CodeMapping, PlatformProfile

SPECIAL_KINDS = [kind for kind in CasePause.Kind if kind != CasePause.Kind.CORRECTION]


@pytest.mark.parametrize("kind", SPECIAL_KINDS)
def test_every_special_procedure_has_a_printed_name_and_a_shipped_exchange_code(kind):
    assert PAUSE_NAMES[kind]
    for name, (_title, lists) in PROFILES.items():
        assert kind.value in lists["special_type"], (name, kind)


@pytest.mark.django_db
def test_every_special_procedure_has_its_exchange_code_in_the_database():
    """The shipped profiles' code rows come from data migrations: a new kind needs one that adds its code."""
    for profile in PlatformProfile.objects.filter(name__in=PROFILES):
        stored = set(CodeMapping.objects.filter(profile=profile, field="special_type").values_list("meaning", flat=True))
        assert {kind.value for kind in SPECIAL_KINDS} <= stored, profile.name


@pytest.mark.parametrize("kind", list(CasePause.Kind))
def test_every_pause_kind_fits_its_column(kind):
    assert len(kind.value) <= CasePause._meta.get_field("kind").max_length


@pytest.mark.parametrize("kind", SPECIAL_KINDS)
def test_every_special_procedure_stops_the_clock_only_on_a_provision(kind):
    """行政许可法 Art. 45 names the grounds that stop the clock by themselves; any other kind needs the
    provision the item's configuration names, so a new kind is refused until an item names one."""
    version = ItemVersion(pause_provisions={})
    if kind in CasePause.ART45_KINDS:
        assert pause_basis(version, kind) == ART45_BASIS
    else:
        assert pause_basis(version, kind) is None
        assert pause_basis(ItemVersion(pause_provisions={kind.value: "《某条例》第十条"}), kind) == "《某条例》第十条"


def test_the_catalog_rules_know_which_kinds_need_a_provision():
    """The item configuration may name a provision only for the kinds Art. 45 does not list (catalog/rules.py
    cannot import cases, so it lists them by value)."""
    assert set(OTHER_PAUSES) == {kind.value for kind in SPECIAL_KINDS if kind not in CasePause.ART45_KINDS}
