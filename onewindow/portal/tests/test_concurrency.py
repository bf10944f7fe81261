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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_handlers_proving_the_representative_at_once_bind_one_account(monkeypatch):
    """The organisation's row is locked before the "no other bound account" check: of two handlers whose
    codes check out at the same moment, one is bound and the other is told to ask for approval."""
    from onewindow.core.errors import Conflict
    from onewindow.portal import binding
    from onewindow.portal.models import ApplicantProfile, Binding
    from onewindow.registry.models import Organisation

    from .factories import OTHER_ID, PERSON_ID

    organisation = make_organisation()
    Organisation.objects.filter(pk=organisation.pk).update(legal_representative_id_number=PERSON_ID,
                                                           legal_representative_mobile="13600001234")
    handlers = [make_applicant(f"1350000{n:04d}", organisation=organisation, id_number=OTHER_ID,
                               binding=Binding.PENDING) for n in range(2)]
    # One live code per number exists at a time; here both handlers' codes check out, to race the binding.
    monkeypatch.setattr(binding.services, "code_check", lambda **kwargs: None)
    barrier = threading.Barrier(2)
    results = []

    def bind(handler):
        try:
            barrier.wait()
            results.append(binding.binding_by_representative(profile=handler.portal_profile, actor=handler,
                                                             id_number=PERSON_ID, mobile="13600001234", code="1"))
        except Exception as exc:  # collected for the assertions
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=bind, args=(h,)) for h in handlers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 2, results
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(refused) == 1 and refused[0].code == "organisation_has_account", results
    assert ApplicantProfile.objects.filter(credit_code=organisation.credit_code, binding=Binding.BOUND).count() == 1
