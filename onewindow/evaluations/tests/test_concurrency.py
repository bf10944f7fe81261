"""PostgreSQL row locks: a survey answer waits for a conclusion in progress and is then refused."""

import threading
import time

import pytest
from django.db import connection, transaction

from onewindow.core.errors import Conflict
from onewindow.evaluations import services
from onewindow.evaluations.models import Evaluation, SurveyAnswer
from onewindow.portal.tests.conftest import last_code

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _wait_for_a_lock_wait(outcome: list, seconds: float = 10) -> None:
    """Until a session waits for a row lock (pg_locks is live; pg_stat_activity is a snapshot per transaction)."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline and not outcome:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError(f"the answer did not wait for the evaluation's lock: {outcome}")


def test_an_answer_during_the_conclusion_waits_and_is_refused(world):
    services.survey_code_send(evaluation=world.evaluation, mobile="13900008888")
    code = last_code("13900008888")
    outcome = []

    def answer():
        try:
            services.survey_answer(
                evaluation=world.evaluation, mobile="13900008888", code=code, satisfaction="5"
            )
            outcome.append("recorded")
        except Conflict as exc:
            outcome.append(exc.code)
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            outcome.append(exc)
        finally:
            connection.close()

    resident = threading.Thread(target=answer)
    with transaction.atomic():  # the conclusion in progress holds the evaluation's row
        Evaluation.objects.select_for_update().filter(pk=world.evaluation.pk).update(
            state=Evaluation.State.CONCLUDED
        )
        resident.start()
        _wait_for_a_lock_wait(outcome)
    resident.join()
    assert outcome == ["survey_closed"] and not SurveyAnswer.objects.exists()
