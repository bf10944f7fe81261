"""The one rate limiter (issue 13 "one rate limiter with named policies"; issue 16 "throttles identify the
client by the trusted proxy's address, increments are atomic")."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

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
    ratelimit.refund(("progress.case", "C1"))
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


@pytest.mark.django_db
def test_an_attempt_counts_every_pair_in_one_statement_and_a_refund_gives_them_back_in_one():
    """The progress query counts a case and an address on every guess: two statements cost the public POST
    as much as the rest of it (issue 19, "progress query")."""
    limits = (("progress.case", "C9"), ("progress.address", "198.51.100.9"))
    ratelimit.attempt(*limits)  # the first may also sweep passed windows (at most once a minute)
    with CaptureQueriesContext(connection) as counting:
        assert ratelimit.attempt(*limits)
    with CaptureQueriesContext(connection) as refunding:
        ratelimit.refund(*limits)
    assert len(counting) == 1 and len(refunding) == 1
    assert sorted(RateCounter.objects.values_list("count", flat=True)) == [1, 1]
    assert all(ratelimit.attempt(*limits) for _ in range(3))  # 2, 3 and 4 of the case's 5
    assert ratelimit.attempt(("progress.case", "C9"), ("progress.address", "")) is True  # no address: not counted
    assert not ratelimit.attempt(*limits)  # the case's sixth, the address's fifth
    assert RateCounter.objects.get(key=ratelimit._row_key("progress.address", "198.51.100.9")).count == 5
    ratelimit.refund(("progress.address", ""))  # no client: nothing given back, and no empty IN ()
    assert RateCounter.objects.get(key=ratelimit._row_key("progress.address", "198.51.100.9")).count == 5


@pytest.mark.django_db
def test_passed_windows_are_dropped_at_most_once_a_minute_per_process(monkeypatch):
    """A followed case's right answers are refunded to 0, so "a new window" came on each of its queries and
    swept the table every time (three more statements per progress query)."""
    def passed(who):
        return RateCounter.objects.create(key=who, window=1, count=3, expires_at=timezone.now() - timedelta(seconds=1))

    monkeypatch.setattr(ratelimit, "_next_sweep", 0.0)  # due now
    first = passed("a")
    ratelimit.hit("public", "verify:192.0.2.1")
    second = passed("b")
    ratelimit.hit("public", "verify:192.0.2.2")
    assert not RateCounter.objects.filter(pk=first.pk).exists()
    assert RateCounter.objects.filter(pk=second.pk).exists()  # the next sweep is a minute away
