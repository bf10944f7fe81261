"""The row counter (SQLite's way of numbering, core/sequences.py) gives up with `sequence_busy` instead of
looping when it can neither bump nor create the row (two lost creation races in a row). Called directly, so
that it runs on PostgreSQL too, where `sequence_next` takes native sequences instead."""

import pytest
from django.db import IntegrityError

from onewindow.core.errors import Conflict
from onewindow.core.models import Sequence
from onewindow.core.sequences import _next_row


@pytest.mark.django_db
def test_a_series_that_cannot_be_bumped_or_created_is_refused(monkeypatch):
    attempts = []

    def lost_race(**fields):  # another transaction creates the row first, every time
        attempts.append(fields)
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(Sequence.objects, "create", lost_race)
    with pytest.raises(Conflict) as err:
        _next_row("doc:busy:2026")
    assert err.value.code == "sequence_busy" and len(attempts) == 2
    assert not Sequence.objects.filter(name="doc:busy:2026").exists()
