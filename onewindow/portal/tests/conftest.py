"""Portal test fixtures, and the Playwright plumbing for the real-browser tests (marked `browser`)."""

import os
import shutil
from pathlib import Path

import pytest
from django.core.cache import cache

from onewindow.portal import sms

from .factories import OTHER_ID, make_applicant, make_item, make_organisation

# Playwright's sync API runs an event loop in this thread; Django's ORM must still be allowed here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture(autouse=True)
def portal_env(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PORTAL_SMS_BACKEND = "memory"
    sms.outbox.clear()
    cache.clear()
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


# --- browser ---------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def new_context(browser, live_server, migration_data, request):
    """`new_context(**options)` opens a browser context on the live server; every page of every context
    is screenshotted into test-artifacts/ when the test fails."""
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for i, context in enumerate(contexts):
            for j, page in enumerate(context.pages):
                try:
                    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{i}-{j}.png"), full_page=True)
                except Exception:  # a crashed page must not hide the test's own failure
                    pass
    for context in contexts:
        context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def code_for(django_capture_on_commit_callbacks):
    """`code_for(mobile, purpose)` sends a code (running the on-commit SMS) and returns it."""
    from onewindow.portal import services

    def send(mobile: str, purpose: str = "signup") -> str:
        with django_capture_on_commit_callbacks(execute=True):
            services.code_send(mobile=mobile, purpose=purpose)
        return last_code(mobile)

    return send
