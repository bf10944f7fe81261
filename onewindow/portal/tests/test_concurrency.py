"""Many applicants book the last places of one window slot at once (PostgreSQL row locks)."""

import datetime
import threading

import pytest
from django.db import connection

from onewindow.cases import services as cases
from onewindow.core.errors import ValidationFailed
from onewindow.portal import services
from onewindow.portal.models import DeliveryChoice

from .factories import make_applicant, make_item, make_organisation


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_never_exceed_the_slot_capacity(settings):
    settings.PORTAL_SLOT_CAPACITY = 2
    item, organisation = make_item(), make_organisation()
    day = cases.today() + datetime.timedelta(days=1)
    while not services.workdays.is_working_day(day):
        day += datetime.timedelta(days=1)
    applicants = [make_applicant(f"1360000{n:04d}", organisation=organisation) for n in range(5)]
    bookings = [(services.application_start(actor=a, item=item), a) for a in applicants]
    barrier = threading.Barrier(len(bookings))
    results = []

    def book(case, actor):
        try:
            barrier.wait()
            results.append(services.delivery_choose(case=case, actor=actor, method="window", slot_date=day,
                                                    slot_period="am"))
        except Exception as exc:  # collected for the assertions
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=pair) for pair in bookings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    refused = [r for r in results if isinstance(r, ValidationFailed)]
    assert len(results) == 5 and len(refused) == 3, results
    assert all("slot_period" in r.details for r in refused)
    assert DeliveryChoice.objects.filter(slot_date=day, slot_period="am").count() == 2
