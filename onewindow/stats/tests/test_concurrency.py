"""Two ratings of the same day committed at once: the daily table counts each once (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from onewindow.accounts.models import User
from onewindow.ratings import services
from onewindow.stats.models import DailyFigure


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_ratings_of_one_day_are_counted_once(complete, applicant):
    second = User.objects.create(username="second", kind=User.Kind.APPLICANT, full_name="孙某")
    cases = [(complete(owner=applicant), applicant), (complete(owner=second), second)]
    barrier = threading.Barrier(2)
    errors = []

    def rate(case, owner):
        try:
            barrier.wait()
            services.rating_submit(case=case, actor=owner, channel="pc", level="very_satisfied")
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=rate, args=pair) for pair in cases]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    counted = sum(DailyFigure.objects.filter(measure="rating").values_list("n", flat=True))
    assert counted == 2
