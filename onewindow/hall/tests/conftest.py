import datetime

import pytest

from onewindow.accounts.models import Department, Hall, Role, Window
from onewindow.accounts.services import staff_upsert
from onewindow.hall import selectors
from onewindow.hall.models import Business, Desk

ALL_DAY = {"opens_at": datetime.time(0, 0), "closes_at": datetime.time(23, 59, 59)}
ELDERLY_ID = "110101195001010017"  # born 1950: over 65
YOUNG_ID = "430102199003076545"


@pytest.fixture
def hall(db):
    hall = Hall.objects.create(name="测试大厅")
    dept = Department.objects.create(name="测试厅")
    reg = Business.objects.create(hall=hall, code="shzz", name="社会组织登记", prefix="A", **ALL_DAY)
    Business.objects.create(hall=hall, code="zixun", name="咨询", prefix="D", **ALL_DAY)
    for number in ("1", "2", "3"):
        window = Window.objects.create(hall=hall, number=number, name=f"{number}号窗口", department=dept)
        Desk.objects.create(window=window).businesses.set([reg])
    return hall


@pytest.fixture
def business(hall):
    return hall.businesses.get(code="shzz")


def window(hall, number):
    return Window.objects.get(hall=hall, number=number)


@pytest.fixture
def clerks(hall, make_staff):
    """Clerks at windows 1, 2 and 3."""
    return [
        staff_upsert(
            username=f"c{n}",
            full_name=f"窗口{n}",
            roles=[Role.CLERK],
            window=window(hall, n),
            password="test-pass-123",
        )
        for n in ("1", "2", "3")
    ]


@pytest.fixture(autouse=True)
def _fresh_pace():
    """Each test estimates waits from its own tickets, not a pace an earlier test's process kept."""
    selectors._pace.clear()
