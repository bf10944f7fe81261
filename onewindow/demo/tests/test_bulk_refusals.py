"""`bulk_load` refuses, by code, what it cannot load: a bad count or span, a period without working days, and
an installation without the reference catalog and demo accounts. Nothing is written then."""

import datetime
import itertools

import pytest
from django.utils import timezone

from onewindow.cases.models import Case
from onewindow.demo.bulk import BulkError, bulk_load
from onewindow.workdays import services as workdays

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime.datetime(2026, 6, 10, 12, 0))


@pytest.mark.parametrize(
    "arguments, code", [({"cases": 0}, "bulk_bad_count"), ({"years": 0}, "bulk_bad_years")]
)
def test_a_bad_count_or_span_is_refused(arguments, code):
    with pytest.raises(BulkError) as err:
        bulk_load(**{"cases": 10, "years": 1, "now": NOW, **arguments})
    assert err.value.code == code
    assert not Case.objects.exists()


def test_an_installation_without_catalog_or_accounts_is_refused():
    with pytest.raises(BulkError) as err:
        bulk_load(cases=10, years=1, now=NOW)
    assert err.value.code == "bulk_missing_reference"
    assert "reference catalog" in str(err.value.message) and "window clerk" in str(err.value.message)


def test_a_period_without_working_days_is_refused(administrator):
    months = [datetime.date(2027, month, 1) for month in range(1, 13)] + [datetime.date(2028, 1, 1)]
    lines = [
        f"{first}..{nxt - datetime.timedelta(days=1)} holiday 全年停业"
        for first, nxt in itertools.pairwise(months)
    ]
    closed = workdays.notice_parse("\n".join(["year 2027", *lines]))
    workdays.notice_import(notice=closed, actor=administrator)
    with pytest.raises(BulkError) as err:
        bulk_load(cases=10, years=1, now=timezone.make_aware(datetime.datetime(2027, 12, 31, 12, 0)))
    assert err.value.code == "bulk_no_days"
    assert not Case.objects.exists()
