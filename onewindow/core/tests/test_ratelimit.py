"""The one rate limiter (issue 13 "one rate limiter with named policies"; issue 16 "throttles identify the
client by the trusted proxy's address, increments are atomic")."""

import threading

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse

from onewindow.core import ratelimit
from onewindow.core.clients import client_ip_of
from onewindow.core.models import RateCounter


@pytest.mark.django_db
def test_policy_counts_within_a_window_and_clear_and_refund():
    assert all(ratelimit.hit("progress.case", "C1") for _ in range(5))
    assert not ratelimit.hit("progress.case", "C1") and ratelimit.over("progress.case", "C1")
    assert ratelimit.hit("progress.case", "C2")  # another client has its own count
    ratelimit.clear("progress.case", "C1")
    assert ratelimit.hit("progress.case", "C1")
    ratelimit.refund("progress.case", "C1")
    assert RateCounter.objects.get(count=0)


@pytest.mark.django_db
def test_a_setting_names_a_policys_limit(settings):
    settings.ONEWINDOW_PUBLIC_RATE_LIMIT = 1
    assert ratelimit.hit("public", "verify:1.2.3.4") and not ratelimit.hit("public", "verify:1.2.3.4")


def test_client_address_ignores_a_forwarded_header_unless_from_a_trusted_proxy(settings):
    factory = RequestFactory()
    forged = factory.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert client_ip_of(forged) == "203.0.113.9"  # default: nobody is trusted
    settings.ONEWINDOW_TRUSTED_PROXIES = ["127.0.0.1"]
    proxied = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.7")
    assert client_ip_of(proxied) == "198.51.100.7"  # the rightmost entry the proxy added
    assert client_ip_of(forged) == "203.0.113.9"
    garbage = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_ip_of(garbage) == "127.0.0.1"


@pytest.mark.django_db
def test_signup_codes_are_limited_per_address(settings):
    settings.ONEWINDOW_SMS_ADDRESS_LIMIT = 2
    settings.PORTAL_SMS_BACKEND = "memory"
    client = Client(REMOTE_ADDR="198.51.100.20")
    answers = [client.post(reverse("portal:signup_person"), {"action": "send_code", "mobile": f"1390000{n:04d}"})
               for n in range(3)]
    assert "一小时" in answers[-1].content.decode() and "一小时" not in answers[0].content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_progress_guesses_cannot_pass_the_limit():
    """Before: 8–19 of 20 concurrent guesses were checked against a limit of 5."""
    barrier, allowed = threading.Barrier(20), []

    def guess():
        try:
            barrier.wait()
            allowed.append(ratelimit.attempt(("progress.case", "X-1"), ("progress.address", "203.0.113.1")))
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(allowed) == 20 and allowed.count(True) == 5
