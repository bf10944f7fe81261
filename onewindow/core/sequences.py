"""One service for every number series: case and document numbers, complaint tracking numbers,
certificate serials and organisation codes.

A series is a named row of `core.models.Sequence`, created on first use. `sequence_next(name)` advances it
with `UPDATE ... SET last = last + 1`, which takes the row lock: concurrent callers queue, and the lock is
held until the caller's transaction ends, so a number taken inside a transaction that rolls back is taken
again by the next caller (gap-free within committed work). A series is never reset or reused."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from .errors import Conflict
from .models import Sequence


def sequence_next(name: str) -> int:
    """Advance the series `name` and return its new value (1 for a series used the first time)."""
    # Inside the caller's transaction no savepoint is needed (two queries per number); alone, one transaction
    # keeps the row locked from the UPDATE to the read.
    with transaction.atomic(savepoint=False):
        for _attempt in range(2):
            if Sequence.objects.filter(name=name).update(last=F("last") + 1):
                return Sequence.objects.get(name=name).last
            try:
                with (
                    transaction.atomic()
                ):  # a lost creation race rolls back only this savepoint, then retries
                    Sequence.objects.create(name=name, last=1)
                return 1
            except IntegrityError:
                continue
    raise Conflict(_("Could not assign a number; please try again."), code="sequence_busy")
