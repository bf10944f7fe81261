"""Public guide pages come from memory for visitors and change as soon as the catalog does."""

import pytest
from django.core.cache import caches

from .factories import published_item

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_page_cache():
    caches["pages"].clear()


def test_visitor_pages_are_served_from_memory_until_the_catalog_changes(client, django_assert_num_queries):
    item = published_item()
    first = client.get("/guide/")
    assert first.status_code == 200 and item.code in first.content.decode()
    with django_assert_num_queries(0):  # the generation is in the (test) cache, the page in memory
        again = client.get("/guide/")
    assert again.content == first.content

    other = published_item(code="11430000006122340X2000000000002", name="养老机构备案测试事项")
    assert other.code in client.get("/guide/").content.decode()  # published: the next visitor sees it


def test_search_and_filters_are_pages_of_their_own(client):
    published_item()
    everything = client.get("/guide/").content
    assert client.get("/guide/?q=zzzz-no-such-item").content != everything


def test_signed_in_people_get_their_own_page(client, clerk):
    published_item()
    client.get("/guide/")
    client.force_login(clerk)
    assert clerk.full_name in client.get("/guide/").content.decode()


def test_elder_mode_is_cached_apart(client):
    published_item()
    client.get("/guide/")
    client.cookies["elder"] = "1"
    assert 'class="elder"' in client.get("/guide/").content.decode()


def test_other_processes_see_a_change_within_the_local_interval(client, monkeypatch):
    """Another process's publish reaches this one when its short-lived copy of the generation expires."""
    from django.core.cache import cache

    from onewindow.catalog import pagecache

    published_item()
    before = client.get("/guide/").content
    cache.set(pagecache.GENERATION_KEY, 12345, timeout=None)  # as another process's commit would
    assert client.get("/guide/").content == before  # still this process's copy of the generation
    monkeypatch.setitem(pagecache._seen, "until", 0.0)  # the interval has passed
    assert pagecache.generation() == 12345


def test_a_new_worker_has_the_guide_pages_before_its_first_visitor(client, settings, django_assert_num_queries):
    """Issue 19: gunicorn's post_worker_init renders them (a cold worker served them at 27% of hello)."""
    from unittest import mock

    from onewindow import gunicorn_conf

    settings.ALLOWED_HOSTS = ["window.example.gov.cn"]
    item = published_item()
    worker = mock.Mock()
    with mock.patch("onewindow.core.pdf.warm_up"):
        gunicorn_conf.post_worker_init(worker)
    worker.log.exception.assert_not_called()
    with django_assert_num_queries(0):
        list_page = client.get("/guide/", HTTP_HOST="window.example.gov.cn")
        guide_page = client.get(f"/guide/{item.code}/", HTTP_HOST="window.example.gov.cn")
    assert list_page.status_code == guide_page.status_code == 200 and item.code in guide_page.content.decode()
