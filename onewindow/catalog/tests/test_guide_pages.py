import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from onewindow.catalog.services import catalog_label_set, item_update, version_publish

from .factories import published_item

pytestmark = pytest.mark.django_db

FOUNDATION = {"name": "基金会设立登记", "short_name": "", "keywords": "基金会", "org_kinds": ["foundation"],
              "service_objects": ["natural_person"]}
CEMETERY = {"name": "公墓建设审批", "short_name": "", "keywords": "", "item_type": "public_service", "faqs": [],
            "org_kinds": [], "service_objects": ["government"], "result_name": "批复", "result_type": "approval"}


@pytest.fixture
def catalog():
    catalog_label_set(label="参考配置（非官方清单）", actor=None)
    return [published_item("C001"), published_item("C002", **FOUNDATION), published_item("C003", **CEMETERY)]


def names(response):
    return [item.current_version.name for _label, items in response.context["groups"] for item in items]


def test_list_is_public_grouped_by_type_and_labelled(catalog):
    response = Client().get(reverse("catalog:guide_list"))
    assert response.status_code == 200
    groups = [label for label, _items in response.context["groups"]]
    assert [str(g) for g in groups] == ["行政许可", "公共服务"]
    body = response.content.decode()
    assert "参考配置（非官方清单）" in body and "社会团体成立登记" in body
    assert reverse("catalog:guide_detail", args=["C001"]) in body


@pytest.mark.parametrize(("query", "expected"), [
    ({"q": "shtt"}, ["社会团体成立登记"]),
    ({"q": "SHTT"}, ["社会团体成立登记"]),
    ({"q": "团体"}, ["社会团体成立登记"]),
    ({"q": "jjh"}, ["基金会设立登记"]),
    ({"q": "gmjs"}, ["公墓建设审批"]),
    ({"q": "dj"}, ["社会团体成立登记", "基金会设立登记"]),
    ({"q": "nothing"}, []),
    ({"org_kind": "foundation"}, ["基金会设立登记"]),
    ({"service_object": "government"}, ["公墓建设审批"]),
    ({"service_object": "natural_person", "org_kind": "social_group"}, ["社会团体成立登记"]),
    ({"item_type": "public_service"}, ["公墓建设审批"]),
    ({"org_kind": "bogus"}, ["社会团体成立登记", "基金会设立登记", "公墓建设审批"]),
])
def test_search_and_filters(catalog, query, expected):
    assert names(Client().get(reverse("catalog:guide_list"), query)) == expected


def test_inactive_items_are_hidden(catalog):
    item_update(item=catalog[0], actor=None, is_active=False)
    assert "社会团体成立登记" not in names(Client().get(reverse("catalog:guide_list")))
    assert Client().get(reverse("catalog:guide_detail", args=["C001"])).status_code == 404


def test_list_query_count_does_not_grow_with_items(django_assert_max_num_queries):
    published_item("C001")
    with CaptureQueriesContext(connection) as few:
        Client().get(reverse("catalog:guide_list"))
    for n in range(2, 8):
        published_item(f"C00{n}")
    with django_assert_max_num_queries(len(few)), CaptureQueriesContext(connection) as many:
        response = Client().get(reverse("catalog:guide_list"))
    assert len(names(response)) == 7
    assert len(many) == len(few) <= 3


def test_detail_shows_every_guide_element(catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        response = Client().get(reverse("catalog:guide_detail", args=["C001"]))
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("有50个以上的个人会员", "成立登记申请书", "章程草案", "受理", "决定", "法定办结时限", "60 个工作日",
                 "承诺办结时限", "即办", "不收费", "民政窗口12号", "工作日 上午9:00", "0731-84000001", "0731-12345",
                 "需要多少会员？", "《社会团体登记管理条例》第九条", "社会团体法人登记证书", "可容缺",
                 "参考配置（非官方清单）", "@media print", "size: A4"):
        assert text in body, text


def test_detail_and_pdf_404_for_unknown_or_unpublished():
    from onewindow.catalog.services import item_create

    from .factories import item_data

    item_create(code="DRAFTONLY", actor=None, data=item_data())
    for code in ("NOPE", "DRAFTONLY"):
        assert Client().get(reverse("catalog:guide_detail", args=[code])).status_code == 404
        assert Client().get(reverse("catalog:guide_pdf", args=[code])).status_code == 404


def test_pdf_has_the_guide_in_chinese(catalog):
    response = Client().get(reverse("catalog:guide_pdf", args=["C001"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")
    for expected in ("社会团体成立登记", "成立登记申请书", "法定办结时限", "监督投诉电话", "需要多少会员", "参考配置"):
        assert expected in text, expected
    fonts = {str(font) for page in reader.pages for font in page["/Resources"]["/Font"].values()
             for font in [font.get_object().get("/BaseFont")]}
    assert any("CJK" in f for f in fonts), fonts


def test_pages_accept_only_get(catalog):
    assert Client().post(reverse("catalog:guide_list")).status_code == 405
    assert Client().post(reverse("catalog:guide_detail", args=["C001"])).status_code == 405


def test_guide_pdf_is_rendered_once_per_published_version(catalog, settings, tmp_path):
    """Issue 16: an anonymous request for the guide PDF costs a file read, not a WeasyPrint render."""
    from unittest import mock

    from onewindow.catalog.services import version_draft_create
    from onewindow.catalog.tests.factories import item_data
    from onewindow.core import pdf

    settings.MEDIA_ROOT = tmp_path
    url = reverse("catalog:guide_pdf", args=["C001"])
    with mock.patch.object(pdf, "render_to_string", wraps=pdf.render_to_string) as renders:
        first = Client().get(url).content
        second = Client().get(url).content
        assert renders.call_count == 1 and first == second
        item = catalog[0]
        version_publish(version=version_draft_create(item=item, actor=None, data=item_data(name="社会团体成立登记（新版）")),
                        actor=None)
        newer = Client().get(url).content
        assert renders.call_count == 2 and newer != first
        assert "新版" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(newer)).pages).replace(" ", "")


def test_detail_links_booking_and_online_ticket_of_the_hall(catalog):
    """Issue 18: the guide of an item shows how to come to the hall - 预约 and online 取号."""
    body = Client().get(reverse("catalog:guide_detail", args=["C001"])).content.decode()
    assert reverse("hall:book") in body and reverse("hall:take") in body
    assert "预约到大厅办理" in body and "已在大厅？在线取号" in body
