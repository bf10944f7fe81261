"""No 500 for bad input (issue 16): NUL characters anywhere, malformed multipart bodies, values the database
refuses — 400/422 naming the field where it can, on SQLite and PostgreSQL alike."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_nul_in_a_query_or_form_field_is_refused_naming_it():
    response = Client().get("/guide/", {"q": "a\x00b"})
    assert response.status_code == 400 and "(q)" in response.content.decode()
    response = Client().post(reverse("portal:progress_query"), {"case_no": "X\x00", "last4": "1234"})
    assert response.status_code == 400 and "(case_no)" in response.content.decode()


def test_nul_in_a_json_field_is_refused_naming_it(api):
    response = api(None).post("/api/v1/portal/progress", {"case_no": "X", "last4": "12\x0034"})
    assert response.status_code == 422 and response.json()["details"] == {"last4": "nul_character"}


def test_a_malformed_multipart_body_is_a_400():
    response = Client().generic("POST", reverse("portal:signup_organisation"), b"--x\r\nnot a part",
                                content_type="multipart/form-data; boundary=x")
    assert response.status_code in (400, 403, 422)  # refused or read as an empty form; never 500


def test_a_page_number_beyond_any_queue_is_a_422_naming_it(api, clerk):
    """Found by the schemathesis run: page=2432902008176640001 overflowed SQLite's OFFSET (a 500)."""
    response = api(clerk).get("/api/v1/cases", page="2432902008176640001")
    assert response.status_code == 422 and "page" in response.content.decode()
    beyond = api(clerk).get("/api/v1/cases", page="100000")  # within bounds, but after the last page
    assert beyond.status_code == 422 and beyond.json()["code"] == "beyond_last_page"
    assert beyond.json()["details"] == {"page": "beyond_last_page"}
    assert api(clerk).get("/api/v1/cases", page="1").status_code == 200  # an empty list's first page


def test_an_id_beyond_any_column_is_a_422_not_a_500(api, administrator):
    """Found by the schemathesis run: /evaluations/evidence/{huge id}/versions/{n} was a 500 on SQLite
    (OverflowError binding the id); PostgreSQL compares it as a numeric and finds nothing."""
    response = api(administrator).get(f"/api/v1/evaluations/evidence/{2**70}/versions/1")
    if connection.vendor == "sqlite":
        assert response.status_code == 422 and response.json()["code"] == "value_out_of_range"
    else:
        assert response.status_code == 404 and response.json()["code"] == "not_found"
