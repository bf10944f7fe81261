"""An API caller that repeats a request under the same Idempotency-Key gets the first answer (the cases API's
create, for platform clients and applicants alike)."""

import pytest
from django.db import transaction

from onewindow.accounts.idempotency import idempotent
from onewindow.accounts.models import IdempotencyRecord
from onewindow.core.errors import Conflict


def test_idempotent_runs_once_and_replays_the_first_answer(applicant):
    user = applicant
    calls = []

    def run():
        calls.append(1)
        return 201, {"case_no": f"N{len(calls)}"}

    first = idempotent(user=user, key="ref:A1", payload={"x": 1}, run=run)
    second = idempotent(user=user, key="ref:A1", payload={"x": 1}, run=run)
    assert first == (201, {"case_no": "N1"}, False) and second == (201, {"case_no": "N1"}, True)
    assert len(calls) == 1
    with pytest.raises(Conflict):
        idempotent(user=user, key="ref:A1", payload={"x": 2}, run=run)


def test_a_failed_run_records_nothing(applicant):
    user = applicant

    def run():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError), transaction.atomic():
        idempotent(user=user, key="k", payload={}, run=run)
    assert not IdempotencyRecord.objects.exists()
