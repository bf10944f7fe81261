"""Uploads refused by size before they are read (issue 16, "Bounded public endpoints")."""

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_an_oversized_body_is_refused_by_its_declared_length(settings):
    settings.ONEWINDOW_UPLOAD_MAX_BYTES = 1024
    client = Client()
    # The declared length alone decides: nothing of the body is read.
    response = client.post(reverse("portal:signup_organisation"), data=b"x", content_type="application/octet-stream",
                           CONTENT_LENGTH=str(10 * 1024 * 1024))
    assert response.status_code == 413
    response = client.post("/api/v1/portal/progress", data=b"{}", content_type="application/json",
                           CONTENT_LENGTH=str(10 * 1024 * 1024))
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    response = client.post("/api/v1/portal/progress", data=b"{}", content_type="application/json",
                           CONTENT_LENGTH="-5")
    assert response.status_code == 400


@pytest.mark.django_db
def test_anonymous_letter_uploads_are_limited_per_address(settings):
    from onewindow.core.ratelimit import POLICIES

    limit = POLICIES["upload.address"].limit
    client = Client(REMOTE_ADDR="198.51.100.30")
    for _ in range(limit):
        client.post(reverse("portal:signup_organisation"), {"organisation_name": "x"})
    response = client.post(reverse("portal:signup_organisation"), {"organisation_name": "x"})
    assert "一小时" in response.content.decode()
