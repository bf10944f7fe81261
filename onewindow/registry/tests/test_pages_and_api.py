import pytest
from django.core.cache import cache
from django.db import transaction

from onewindow.catalog.models import OrgKind, RegistryAction
from onewindow.registry.effects import case_grant_apply

pytestmark = pytest.mark.django_db

PUBLIC_KEYS = {"name", "credit_code", "kind", "kind_label", "status", "status_label", "registration_authority",
               "established_on"}


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def three(establish):
    return [establish(kind)[0] for kind in (OrgKind.PRIVATE_NON_ENTERPRISE, OrgKind.FOUNDATION,
                                            OrgKind.SOCIAL_GROUP)]


def test_public_search_page_shows_public_fields_only(client, three, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # + the rate counter (upsert, and on a new window its clean-up)
        response = client.get("/organisations/", {"q": "湖南"})
    html = response.content.decode()
    assert response.status_code == 200
    for organisation in three:
        assert organisation.name in html and organisation.credit_code in html
    assert "基金会" in html and "正常" in html and "湖南省民政厅" in html
    assert "李明" not in html and "麓山南路" not in html  # legal representative and address are not shown
    by_code = client.get("/organisations/", {"q": three[1].credit_code.lower()}).content.decode()
    assert three[1].name in by_code and three[0].name not in by_code
    assert "没有符合条件" in client.get("/organisations/", {"q": "不存在的组织"}).content.decode()


def test_public_search_api(api, three, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # + the rate counter (upsert, and on a new window its clean-up)
        response = api(None).get("/api/v1/organisations", q="教育基金会")
    assert response.status_code == 200
    [row] = response.json()
    assert set(row) == PUBLIC_KEYS and row["credit_code"] == three[1].credit_code
    assert row["kind_label"] == "基金会" and row["status_label"] == "正常"
    assert api(None).get("/api/v1/organisations").json() == []


def test_search_is_rate_limited(client, api, settings):
    settings.ONEWINDOW_PUBLIC_RATE_LIMIT = 2
    assert client.get("/organisations/", {"q": "a"}).status_code == 200
    assert api(None).get("/api/v1/organisations", q="a").status_code == 200
    assert client.get("/organisations/", {"q": "a"}).status_code == 429
    response = api(None).get("/api/v1/organisations", q="a")
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"


def test_detail_page_permissions_and_query_budget(client, login, clerk, supervisor, applicant, establish,
                                                  make_case, chief, django_assert_max_num_queries):
    organisation, _ = establish(OrgKind.PRIVATE_NON_ENTERPRISE)
    for n in range(3):
        with transaction.atomic():
            case_grant_apply(case=make_case(RegistryAction.CHANGE, {"address": f"长沙市{n}号"},
                                            organisation=organisation), actor=chief)
    url = f"/organisations/{organisation.credit_code}/"
    assert client.get(url).status_code == 302
    assert login(applicant).get(url).status_code == 403
    assert login(supervisor).get(url).status_code == 200  # any staff member may read the record
    staff = login(clerk)
    with django_assert_max_num_queries(8):
        response = staff.get(url)
    html = response.content.decode()
    assert response.status_code == 200 and "长沙市2号" in html and "已被取代" in html
    assert login(clerk).get("/organisations/52430000MJ9999999X/").status_code == 404


def test_full_record_api_is_for_staff(api, establish, applicant, supervisor):
    organisation, _ = establish()
    url = f"/api/v1/organisations/{organisation.credit_code}"
    assert api(applicant).get(url).status_code == 403
    assert api(supervisor).get(url).status_code == 200


def test_article_example_through_the_api(api, establish, make_case, chief, clerk):
    """民非 renamed to 湖南康养职业培训学校: the API shows the new version, the old one in history, and a
    new valid certificate while the old one verifies as superseded."""
    organisation, old = establish(OrgKind.PRIVATE_NON_ENTERPRISE)
    with transaction.atomic():
        case_grant_apply(case=make_case(RegistryAction.CHANGE, {"name": "湖南康养职业培训学校",
                                                                "business_scope": "职业技能培训"},
                                        organisation=organisation), actor=chief)
    assert api(None).get(f"/api/v1/organisations/{organisation.credit_code}").status_code == 401
    body = api(clerk).get(f"/api/v1/organisations/{organisation.credit_code}").json()
    assert body["name"] == "湖南康养职业培训学校" and body["items"]["business_scope"] == "职业技能培训"
    assert [v["data"]["name"] for v in body["history"]] == ["湖南康养职业培训学校", "湖南康养职业技能培训中心"]
    statuses = {c["number"]: c["status"] for c in body["certificates"]}
    assert statuses[old.number] == "superseded" and list(statuses.values()).count("valid") == 1
    new_token = next(c["token"] for c in body["certificates"] if c["status"] == "valid")
    assert api(None).get(f"/api/v1/verify/{new_token}").json()["status"] == "valid"
    assert api(None).get(f"/api/v1/verify/{old.token}").json()["status"] == "superseded"
    assert api(clerk).get("/api/v1/organisations/52430000MJ9999999X").status_code == 404
