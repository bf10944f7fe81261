import threading
import time

import pytest
from django.db import connection, transaction

from onewindow.bench.writers import LockSampler, lock_target, table
from onewindow.core.models import Sequence


def test_a_wait_is_named_by_its_target():
    assert lock_target("transactionid", "core_sequence", "0,3") == "row of core_sequence"
    assert lock_target("tuple", "core_sequence", "0,3") == "row of core_sequence"
    assert lock_target("transactionid", "", None) == "transaction (no row named)"
    assert lock_target("relation", "cases_case", None) == "relation cases_case"
    assert lock_target("advisory", "", None) == "advisory"


def test_the_table_shows_the_top_targets_beside_the_share_of_waits():
    locks = {
        "samples_with_a_wait_pct": 40.0,
        "mean_waiting_backends": 1.2,
        "max_waiting_backends": 4,
        "by_target": {"row of core_sequence": 300, "row of cases_case": 20, "advisory": 2, "relation x": 1},
    }
    run = {
        "users": 20,
        "cases": 10,
        "cases_per_second": 1.0,
        "seconds_per_case_p50": 9,
        "seconds_per_case_p95": 12,
        "steps": {},
        "errors": 0,
        "locks": locks,
        "load_average": 3.1,
    }
    assert "row of core_sequence 300; row of cases_case 20; advisory 2 |" in table([run])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_sampler_finds_the_row_that_writers_wait_for():
    """One transaction holds a row; two more wait for it (the first on the holder's transaction, the second
    on the row's tuple lock): both are counted as waits on that row."""
    Sequence.objects.create(name="bench:held", last=0)
    settings = connection.settings_dict
    sampler = LockSampler(
        f"host={settings['HOST'] or '127.0.0.1'} port={settings['PORT'] or 5432} "
        f"user={settings['USER']} dbname={settings['NAME']}",
        interval=0.02,
    )
    held, release, errors = threading.Event(), threading.Event(), []

    def hold():
        try:
            with transaction.atomic():
                Sequence.objects.filter(name="bench:held").update(last=1)
                held.set()
                release.wait(10)
        finally:
            connection.close()

    def wait():
        try:
            held.wait(10)
            with transaction.atomic():
                Sequence.objects.filter(name="bench:held").update(last=2)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=hold), threading.Thread(target=wait), threading.Thread(target=wait)]
    for thread in threads:
        thread.start()
    held.wait(10)
    sampler.start()
    time.sleep(0.5)
    release.set()
    for thread in threads:
        thread.join()
    result = sampler.stop()
    assert not errors
    # (a waiter re-reading the row after the holder's commit may wait a moment on a transaction, no row named)
    assert list(result["by_target"])[0] == "row of core_sequence"
    assert {target for target in result["by_target"] if target.startswith("row")} == {"row of core_sequence"}
    assert result["max_waiting_backends"] == 2
    assert len(result["hottest_rows"]) == 1 and result["hottest_rows"][0].startswith("core_sequence (")
