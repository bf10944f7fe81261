import importlib
from types import SimpleNamespace

import pytest
from django.db import transaction

from onewindow.core.models import Sequence
from onewindow.core.sequences import sequence_next


@pytest.mark.django_db
def test_a_series_is_created_on_first_use_and_continues():
    assert sequence_next("doc:test:2026") == 1
    assert sequence_next("doc:test:2026") == 2
    assert sequence_next("doc:other:2026") == 1
    assert Sequence.objects.get(name="doc:test:2026").last == 2


@pytest.mark.django_db
def test_a_number_taken_in_a_rolled_back_transaction_is_given_again():
    sequence_next("certificate:foundation")
    with pytest.raises(RuntimeError), transaction.atomic():
        assert sequence_next("certificate:foundation") == 2
        raise RuntimeError("the issuing transaction fails")
    assert sequence_next("certificate:foundation") == 2  # gap-free within committed work


class _Old:
    def __init__(self, rows):
        self.objects = SimpleNamespace(all=lambda: rows)


def _carry_over(migration: str, rows) -> dict[str, int]:
    module = importlib.import_module(migration)
    apps = SimpleNamespace(get_model=lambda app, model: Sequence if app == "core" else _Old(rows))
    module.carry_over(apps, None)
    return dict(Sequence.objects.values_list("name", "last"))


@pytest.mark.django_db
def test_the_old_counters_carry_over_so_numbering_continues():
    """Each app's counter table moves into core.Sequence: the next number after the migration is the one
    the old table would have given."""
    cases = _carry_over(
        "onewindow.cases.migrations.0006_sequences_move_to_core",
        [SimpleNamespace(key="case:11430000MB1234567X202603250000", last=7)],
    )
    assert cases["case:11430000MB1234567X202603250000"] == 7
    certificates = _carry_over(
        "onewindow.certificates.migrations.0003_sequences_move_to_core",
        [SimpleNamespace(kind="foundation", next_value=12)],
    )
    assert certificates["certificate:foundation"] == 11
    registry = _carry_over(
        "onewindow.registry.migrations.0005_sequences_move_to_core",
        [SimpleNamespace(name="organisation_code", next_value=189)],
    )
    assert registry["organisation_code"] == 188
    assert sequence_next("certificate:foundation") == 12 and sequence_next("organisation_code") == 189
