"""Outbound callbacks (issue 16): only http(s) to public addresses unless an administrator allows the host;
a callback secret has a minimum length; checked again at delivery and redirects are not followed."""

import pytest

from onewindow.cases.tests.factories import make_item
from onewindow.core.errors import ValidationFailed
from onewindow.exchange.destinations import destination_check, secret_check

from .test_case_events import application, platform_api  # noqa: F401  (fixture)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/x", "http://localhost/x", "http://169.254.169.254/latest",
                                 "http://10.1.2.3/", "http://192.168.0.1/", "http://[::1]/", "ftp://example.org/",
                                 "file:///etc/passwd", "http://0.0.0.0/", "https://", "http://[::ffff:127.0.0.1]/"])
def test_internal_or_odd_destinations_are_refused(url):
    with pytest.raises(ValidationFailed) as refused:
        destination_check(url)
    assert refused.value.code == "bad_callback_url"


def test_public_address_and_allowed_host_pass(settings):
    destination_check("https://93.184.215.14/hook")  # a literal public address (no DNS needed)
    settings.ONEWINDOW_CALLBACK_ALLOWED_HOSTS = ["receiver.internal"]
    destination_check("http://receiver.internal/hook")


def test_short_secret_is_refused():
    with pytest.raises(ValidationFailed):
        secret_check("short")
    secret_check("x" * 32)


def test_api_subscription_to_the_metadata_address_is_refused(platform_api):  # noqa: F811
    case_no = platform_api.post("/api/v1/cases", application(make_item()),
                                content_type="application/json").json()["case_no"]
    response = platform_api.post("/api/v1/platform/subscriptions",
                                 {"case_no": case_no, "callback_url": "http://169.254.169.254/latest/meta-data"},
                                 content_type="application/json")
    assert response.status_code == 422 and response.json()["details"] == {"callback_url": "refused"}
    response = platform_api.post("/api/v1/platform/subscriptions",
                                 {"case_no": case_no, "callback_url": "https://93.184.215.14/hook", "secret": "abc"},
                                 content_type="application/json")
    assert response.status_code == 422 and response.json()["code"] == "weak_callback_secret"
