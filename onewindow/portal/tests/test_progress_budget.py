"""The progress query reads only what it compares: the whole case is read once, after the redirect."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onewindow.cases.tests.factories import make_case, make_item


def test_progress_query_reads_one_narrow_case_row(chief):
    case = make_case(make_item(), chief)
    with CaptureQueriesContext(connection) as queries:
        response = Client().post(reverse("portal:progress_query"),
                                 {"case_no": case.case_no, "last4": case.contact_mobile[-4:]})
    assert response.status_code == 302
    case_reads = [q["sql"] for q in queries.captured_queries if '"cases_' in q["sql"]]
    assert len(case_reads) == 1 and '"form_data"' not in case_reads[0], case_reads
