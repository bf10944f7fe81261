"""Shared fixtures: one staff user per role, an applicant, and an API client with a bearer token."""

import os
import shutil
import time
from pathlib import Path

import pytest
from django.test import Client

from onewindow.accounts.auth import token_create
from onewindow.accounts.models import Role, User
from onewindow.accounts.services import staff_upsert

PASSWORD = "test-pass-123"


@pytest.fixture(autouse=True)
def fresh_caches():
    """Every test starts with empty caches: a cached guide page or month of figures must not outlive the
    rolled-back rows of the test that made it."""
    from django.conf import settings
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def make_staff(db):
    def make(username: str, *roles: str) -> User:
        return staff_upsert(username=username, full_name=username.title(), roles=list(roles), password=PASSWORD)

    return make


@pytest.fixture
def clerk(make_staff):
    return make_staff("clerk", Role.CLERK)


@pytest.fixture
def chief(make_staff):
    return make_staff("chief", Role.CHIEF_APPROVER, Role.CLERK)


@pytest.fixture
def reviewer(make_staff):
    return make_staff("reviewer", Role.REVIEWER)


@pytest.fixture
def leader(make_staff):
    return make_staff("leader", Role.DECISION_MAKER)


@pytest.fixture
def supervisor(make_staff):
    return make_staff("supervisor", Role.SUPERVISOR)


@pytest.fixture
def administrator(make_staff):
    return make_staff("admin", Role.ADMINISTRATOR)


@pytest.fixture
def applicant(db):
    user = User(username="applicant", kind=User.Kind.APPLICANT, full_name="赵晓红", mobile="13800000000")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def login():
    """A Django test client signed in as `user`."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def refused(monkeypatch):
    """The codes of the service errors raised during the test, in order: a page shows a refusal's message
    but not its code, so a test of the page asserts the code here."""
    from onewindow.core.errors import ServiceError

    codes = []
    init = ServiceError.__init__

    def recording(self, *args, **kwargs):
        init(self, *args, **kwargs)
        codes.append(self.code)

    monkeypatch.setattr(ServiceError, "__init__", recording)
    return codes


class ApiClient:
    """A test client that sends `Authorization: Bearer <token>` and JSON bodies."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, **params):
        return self.client.get(path, params, headers=self.headers)

    def post(self, path, data=None, **extra):
        return self.client.post(path, data or {}, content_type="application/json", headers=self.headers, **extra)

    def post_multipart(self, path, data):
        return self.client.post(path, data, headers=self.headers)


@pytest.fixture
def api():
    """`api(user)` gives an ApiClient with a fresh token for `user`; `api(None)` is anonymous."""

    def make(user: User | None) -> ApiClient:
        return ApiClient(token_create(user=user) if user else None)

    return make


def pytest_collection_modifyitems(config, items):
    """Skip tests marked `postgres` when the suite runs on SQLite."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


# Rows that data migrations create. A transactional test flushes the database when it ends, so the next
# transactional test (a live server, several processes, PostgreSQL row locks) puts them back first.
DATA_MIGRATIONS = [("onewindow.exchange.migrations.0002_load_profiles", "forwards")]


@pytest.fixture
def migration_data(transactional_db):
    import importlib
    import uuid

    from django.apps import apps

    from onewindow.workdays.models import CalendarState, WarningPolicy

    # workdays 0002: the warning policies and the calendar state row (its historical loader also filled the
    # ordinal table, which is gone).
    policies = importlib.import_module("onewindow.workdays.migrations.0002_initial_data").POLICIES
    for kind, (share, days) in policies.items():
        WarningPolicy.objects.get_or_create(kind=kind, defaults={"yellow_share": share, "yellow_days": days})
    CalendarState.objects.get_or_create(pk=1, defaults={"version": uuid.uuid4().hex})
    for module, function in DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(autouse=True)
def _transactional_tests_get_migration_data(request):
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("migration_data")


# Every connection this run opens, in threads and in child processes too, carries this name (libpq reads
# PGAPPNAME), so the check below sees our own sessions only, never another run's on the same server.
APP_NAME = os.environ.setdefault("PGAPPNAME", f"onewindow-tests-{os.getpid()}")
STRAY_WAIT_SECONDS = 10


@pytest.fixture(autouse=True)
def _no_connection_left_open(request, django_db_blocker):
    """On PostgreSQL, fail a test that leaves a connection open in a thread or process it started: such a
    session makes the final DROP DATABASE fail with "database is being accessed by other users". Threads
    must close theirs (`finally: connection.close()`); killed processes' sessions get a moment to end."""
    yield
    if not ({"db", "transactional_db", "live_server"} & set(request.fixturenames)
            or request.node.get_closest_marker("django_db")):
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    query = ("SELECT pid, state, left(query, 80) FROM pg_stat_activity WHERE datname = current_database() "
             "AND application_name = %s AND pid <> pg_backend_pid()")
    deadline = time.monotonic() + STRAY_WAIT_SECONDS
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        while True:
            cursor.execute(query, [APP_NAME])
            strays = cursor.fetchall()
            if not strays or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        for pid, _state, _query in strays:  # ours: end them so the rest of the run is not affected
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    if strays and "live_server" in request.fixturenames and all(state == "idle" for _pid, state, _q in strays):
        # The session-wide live server's request threads are Django's, not the test's: an idle session of
        # theirs is ended above (so DROP DATABASE works) without failing the browser test that saw it.
        return
    if strays:
        pytest.fail(f"connections left open by this test: {strays}", pytrace=False)


# --- real-browser tests (marked `browser`): Playwright drives Debian's Chromium against the live server ---
# One browser for the whole run, shared by every app's browser tests (a second sync Playwright in the same
# process would fail). Playwright's sync API runs an event loop in this thread; Django's ORM must still be
# allowed here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

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
