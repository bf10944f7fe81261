"""Issue 19: the progress query writes no session, and a visitor's progress page is kept until the case changes."""

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.test import Client
from django.urls import reverse

from onewindow.cases.signals import case_transitioned
from onewindow.portal import progresscache

from .test_views import decided  # noqa: F401  (fixture)


@pytest.fixture
def visitor(decided):  # noqa: F811
    """A browser that gave the case number and the last four digits of the contact mobile."""
    client = Client()
    response = client.post(reverse("portal:progress_query"), {"case_no": decided.case_no, "last4": "1111"})
    assert response.status_code == 302
    return client


def _page(client, case):
    return client.get(reverse("portal:progress", args=[case.case_no]))


def test_the_query_proves_with_a_signed_cookie_and_writes_no_session(decided, visitor):  # noqa: F811
    assert progresscache.PROOF_COOKIE in visitor.cookies and "sessionid" not in visitor.cookies
    assert not Session.objects.exists()
    assert _page(visitor, decided).status_code == 200
    assert not Session.objects.exists()  # reading the page does not make one either


def test_an_altered_proof_cookie_proves_nothing(decided, visitor):  # noqa: F811
    value = visitor.cookies[progresscache.PROOF_COOKIE].value
    visitor.cookies[progresscache.PROOF_COOKIE] = value.replace(value[5], "A" if value[5] != "A" else "B", 1)
    assert _page(visitor, decided).status_code == 302
    forged = Client()
    forged.cookies[progresscache.PROOF_COOKIE] = "a" + progresscache.proof_cookie([decided.case_no])
    assert _page(forged, decided).status_code == 302


def test_a_kept_page_is_served_without_a_database_query(decided, visitor, django_assert_num_queries):  # noqa: F811
    first = _page(visitor, decided)
    with django_assert_num_queries(0):  # the generation as this process read it, the page in its memory
        second = _page(visitor, decided)
    assert second.status_code == 200 and second.content == first.content


def _changes(case):
    """One write of each kind the page is kept across, as the services and signals make them."""
    material = case.materials.first()
    step = case.steps.order_by("id").last()

    def save_step():
        step.opinion = "已复核，材料齐全"
        step.save()

    def save_case():
        case.decision_reason = "符合登记条件"
        case.save()

    def signal(app_label, model_name, **fields):
        model = apps.get_model(app_label, model_name)
        return lambda: post_save.send(sender=model, instance=model(**fields), created=True)

    return {
        "case": save_case,
        "step": save_step,
        "document": lambda: case.documents.first().save(),
        "material": lambda: material.save(),
        "material file": signal("cases", "MaterialFile", case_material=material),
        "pause": signal("cases", "CasePause", case=case),
        "delivery choice": signal("portal", "DeliveryChoice", case=case),
        "rating": signal("ratings", "Rating", case=case),
        "deleted row": lambda: post_delete.send(sender=type(step), instance=step),
        "case action": lambda: case_transitioned.send(sender=None, case=case, action="issued",
                                                      from_state=case.state, to_state=case.state),
    }


@pytest.mark.parametrize("kind", ["case", "step", "document", "material", "material file", "pause",
                                  "delivery choice", "rating", "deleted row", "case action"])
def test_each_kind_of_write_to_the_case_renders_the_page_again(decided, visitor, kind,  # noqa: F811
                                                               django_assert_max_num_queries,
                                                               django_capture_on_commit_callbacks):
    _page(visitor, decided)
    with django_capture_on_commit_callbacks(execute=True):  # the generation is replaced on commit
        _changes(decided)[kind]()
    with django_assert_max_num_queries(20) as queries:
        page = _page(visitor, decided)
    assert page.status_code == 200 and len(queries) > 0  # rendered from the database again
    if kind == "step":
        assert "已复核，材料齐全" in page.content.decode()
    if kind == "case":
        assert "符合登记条件" in page.content.decode()


def test_one_generation_change_per_case_and_transaction(decided, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for step in decided.steps.all():
            step.save()
        decided.save()
    assert len(callbacks) == 1


def test_every_case_row_model_is_watched():
    for app_label, model_name, _case_of in progresscache.CASE_ROWS:
        model = apps.get_model(app_label, model_name)
        assert post_save.has_listeners(model) and post_delete.has_listeners(model)


def test_the_owner_gets_the_page_rendered_for_them(decided, visitor, org_user, login):  # noqa: F811
    _page(visitor, decided)  # kept for visitors
    my_cases = reverse("portal:my_cases")
    assert my_cases in _page(login(org_user), decided).content.decode()  # the owner's menu
    assert my_cases not in _page(visitor, decided).content.decode()


def test_another_process_sees_a_change_within_the_local_interval(decided, visitor):  # noqa: F811
    """Each process reads the shared generation at most every LOCAL_SECONDS (a read per request, from the
    database cache, cost as much as serving the kept page)."""
    from django.core.cache import cache, caches

    before = _page(visitor, decided).content
    key = f"progress:generation:{decided.pk}"
    cache.set(key, 12345, timeout=None)  # as another process's write would
    assert _page(visitor, decided).content == before  # this process's copy still holds
    caches["pages"].delete(key)  # the interval has passed
    assert progresscache.generation(decided.pk) == 12345


def test_following_a_case_often_is_not_throttled_but_guessing_still_is(decided, api):  # noqa: F811
    """Only failed attempts count (the refusal says "too many failed attempts"): each right answer gives back
    the attempt counted for the case and the address before the check, in the page and the API."""
    for _ in range(8):  # more than the 5 attempts per case and 15 minutes
        response = Client().post(reverse("portal:progress_query"), {"case_no": decided.case_no, "last4": "1111"})
        assert response.status_code == 302
        response = Client().post("/api/v1/portal/progress", {"case_no": decided.case_no, "last4": "1111"},
                                 content_type="application/json")
        assert response.status_code == 200
    for _ in range(5):
        Client().post(reverse("portal:progress_query"), {"case_no": decided.case_no, "last4": "0000"})
    response = Client().post(reverse("portal:progress_query"), {"case_no": decided.case_no, "last4": "1111"})
    assert response.status_code == 422  # five failed guesses still close the case for 15 minutes
