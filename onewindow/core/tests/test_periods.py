"""Bounded date ranges (issue 16, "Bounded public endpoints"): dates 2000..next year, at most five years,
a clear 400 otherwise, on the public results page and the statistics API."""

import datetime

import pytest
from django.test import Client

from onewindow.core.periods import period_errors

pytestmark = pytest.mark.django_db


def test_period_rules():
    day = datetime.date
    assert period_errors(day(2020, 1, 1), day(2024, 12, 31)) == {}
    assert "from" in period_errors(day(1999, 12, 31), day(2001, 1, 1))
    assert "to" in period_errors(day(2020, 1, 1), day(9999, 12, 31))
    assert "to" in period_errors(day(2000, 1, 1), day(2010, 1, 1))  # longer than five years
    assert "from" in period_errors(day(2021, 1, 1), day(2020, 1, 1))


@pytest.mark.parametrize("query", [{"from": "0001-01-01", "to": "9999-12-31"}, {"from": "2000-01-01", "to": "2020-01-01"},
                                   {"from": "2024-13-01"}, {"from": "2030-01-01", "to": "2020-01-01"}])
def test_public_results_refuse_unbounded_periods(query):
    response = Client().get("/stats/results/", query)
    assert response.status_code == 400


def test_public_results_default_period_is_fine():
    assert Client().get("/stats/results/").status_code == 200


def test_stats_api_refuses_a_period_longer_than_five_years(api, supervisor):
    response = api(supervisor).get("/api/v1/stats/summary", **{"from": "2001-01-01", "to": "2020-01-01"})
    assert response.status_code == 422 and response.json()["details"] == {"to": "时段最长为五年。"}
