import pytest
from django.core.cache import cache

from onewindow.core import generations


def test_a_missing_generation_gets_a_fresh_value_not_an_old_one():
    cache.delete("test:generation")
    first = generations.current(["test:generation"])["test:generation"]
    assert first > 0 and generations.current(["test:generation"]) == {"test:generation": first}
    cache.delete("test:generation")  # evicted: what was filed under `first` must not be read again
    assert generations.current(["test:generation"])["test:generation"] != first


@pytest.mark.django_db
def test_a_change_replaces_the_generation_now_and_at_commit(django_capture_on_commit_callbacks):
    before = generations.current(["test:a", "test:b"])
    forgotten = []
    with django_capture_on_commit_callbacks() as callbacks:
        generations.replace(["test:a"], then=lambda: forgotten.append(True))
    during = generations.current(["test:a", "test:b"])
    assert during["test:a"] != before["test:a"] and during["test:b"] == before["test:b"]
    for callback in callbacks:
        callback()  # the commit: replaced again, so a value computed in between is filed under a dead generation
    assert generations.current(["test:a"])["test:a"] != during["test:a"] and forgotten == [True, True]
