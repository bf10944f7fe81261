from unittest import mock

import pytest
from django.db.utils import OperationalError


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_healthz_503_when_database_fails(client):
    with mock.patch("onewindow.core.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_livez_answers_without_the_database(client):
    with mock.patch("onewindow.core.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/livez")
    assert response.status_code == 200 and response.content == b"ok"
    assert response["Cache-Control"].startswith("max-age=0")
