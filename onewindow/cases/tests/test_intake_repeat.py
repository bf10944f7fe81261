"""Issue 17: Back and submit again files nothing twice (one-time token); a near-duplicate (same applicant
and item, still open, filed today) asks for a confirmation before a second case is created."""

from django.urls import reverse

from onewindow.cases.models import Case

from .factories import make_item
from .test_views import intake_post


def test_resubmitting_the_same_form_shows_the_case_already_created(login, clerk, today):
    item = make_item()
    client = login(clerk)
    form = intake_post(item, intake_token="tok-1")
    first = client.post(reverse("cases:intake"), form)
    case = Case.objects.get()
    again = client.post(reverse("cases:intake"), form)
    assert again.status_code == 302 and again.url == first.url == reverse("cases:case", args=[case.case_no])
    assert Case.objects.count() == 1
    assert case.case_no in client.get(again.url).content.decode()


def test_the_form_carries_a_fresh_token(login, clerk, today):
    item = make_item()
    client = login(clerk)
    pages = [client.get(reverse("cases:intake"), {"item": item.pk}).content.decode() for _ in range(2)]
    tokens = [page.split('name="intake_token" value="')[1].split('"')[0] for page in pages]
    assert all(tokens) and tokens[0] != tokens[1]


def test_near_duplicate_asks_for_confirmation(login, clerk, today):
    item = make_item()
    client = login(clerk)
    client.post(reverse("cases:intake"), intake_post(item, intake_token="a"))
    first = Case.objects.get()
    response = client.post(reverse("cases:intake"), intake_post(item, intake_token="b"))
    page = response.content.decode()
    assert response.status_code == 409 and Case.objects.count() == 1
    assert first.case_no in page and 'name="confirm_duplicate"' in page and 'value="b"' in page
    response = client.post(reverse("cases:intake"), intake_post(item, intake_token="b", confirm_duplicate="on"))
    assert response.status_code == 302 and Case.objects.count() == 2


def test_another_item_or_applicant_is_no_duplicate(login, clerk, today):
    item, other = make_item(), make_item(name="民办非企业单位注销登记")
    client = login(clerk)
    client.post(reverse("cases:intake"), intake_post(item, intake_token="a"))
    assert client.post(reverse("cases:intake"), intake_post(other, intake_token="b")).status_code == 302
    assert Case.objects.count() == 2
