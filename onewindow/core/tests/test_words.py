"""Issue 17 (words): the labels people reported, checked on the pages where they appeared."""

from django.urls import reverse

from onewindow.portal.tests.factories import make_organisation
from onewindow.ratings import services as ratings


def test_complaint_number_column_is_not_a_courier_number(login, supervisor):
    ratings.complaint_create(kind="complaint", source="portal", subject="等候太久", content="排队两小时",
                             person_name="赵晓红", person_mobile="13800004321")
    page = login(supervisor).get(reverse("ratings:complaints")).content.decode()
    assert "<th>受理编号</th>" in page and "快递单号" not in page and "<th>提出人</th>" in page


def test_period_filters_read_from_to_and_group_by(login, supervisor):
    page = login(supervisor).get(reverse("stats:dashboard")).content.decode()
    assert '<label>从 <input type="date" name="from"' in page and '<label>至 <input type="date" name="to"' in page
    assert "提出人" not in page and "经办人" not in page and "<label>分组" in page


def test_private_non_enterprise_unit_registers_start_up_funds(login, supervisor):
    organisation = make_organisation()  # 民办非企业单位
    page = login(supervisor).get(reverse("registry:detail", args=[organisation.credit_code])).content.decode()
    assert "开办资金（元）" in page and "注册资金" not in page and "办理地点" not in page and "住所" in page


def test_queue_filter_button_and_required_fields(login, clerk):
    page = login(clerk).get(reverse("cases:queue")).content.decode()
    assert ">筛选</button>" in page and "过滤器" not in page
