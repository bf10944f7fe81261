"""Portal test fixtures (the Playwright plumbing of the real-browser tests is in onewindow/conftest.py)."""

import pytest
from django.core.cache import cache, caches

from onewindow.portal import sms

from .factories import OTHER_ID, make_applicant, make_item, make_organisation


@pytest.fixture(autouse=True)
def portal_env(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PORTAL_SMS_BACKEND = "memory"
    sms.outbox.clear()
    cache.clear()
    caches["pages"].clear()  # kept pages and case ids of another test's database rows
    yield
    cache.clear()


@pytest.fixture
def item(db):
    return make_item()


@pytest.fixture
def organisation(db):
    return make_organisation()


@pytest.fixture
def org_user(organisation):
    """A handler signed up for the registered organisation."""
    return make_applicant("13900001111", organisation=organisation, name="李明")


@pytest.fixture
def person(db):
    return make_applicant("13700002222", id_number=OTHER_ID, name="王芳")


def last_code(mobile: str) -> str:
    """The one-time code in the last SMS sent to `mobile` (memory backend)."""
    text = next(m.text for m in reversed(sms.outbox) if m.mobile == mobile)
    return "".join(ch for ch in text if ch.isdigit())[:6]


@pytest.fixture
def code_for(django_capture_on_commit_callbacks):
    """`code_for(mobile, purpose)` sends a code (running the on-commit SMS) and returns it."""
    from onewindow.portal import services

    def send(mobile: str, purpose: str = "signup") -> str:
        with django_capture_on_commit_callbacks(execute=True):
            services.code_send(mobile=mobile, purpose=purpose)
        return last_code(mobile)

    return send
