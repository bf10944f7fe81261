"""The demo hall: four businesses, the department's window A12 and windows 1-3 calling, window 4 on standby,
and two weeks of appointment slots (half-days, and late and Saturday slots at window 3: 延时/错时服务)."""

import datetime

from django.db import transaction

from onewindow.accounts.models import Department, Hall, Window
from onewindow.hall.models import AppointmentSlot, Business, Desk, TimeBand

# Round the clock so the demo can be tried at any hour; a real hall sets its hours in the admin.
ALL_DAY = (datetime.time(0, 0), datetime.time(23, 59, 59))
BUSINESSES = [  # code, name, prefix, daily cap
    ("shzz", "社会组织登记", "A", 300),
    ("cishan", "慈善", "B", 200),
    ("diming", "地名", "C", 200),
    ("zixun", "咨询", "D", 0),
]
WINDOWS = [  # number, name, businesses, standby
    ("1", "社会组织登记窗口", ["shzz"], False),
    ("2", "慈善事业窗口", ["cishan", "zixun"], False),
    ("3", "综合受理窗口", ["shzz", "cishan", "diming", "zixun"], False),
    ("4", "备用窗口", ["shzz", "cishan", "diming", "zixun"], True),
]


@transaction.atomic
def demo_hall_setup(hall: Hall | None = None) -> Hall:
    """Configure the queue of the demo hall (idempotent); return the hall."""
    hall = hall or Hall.objects.get_or_create(name="湖南省政府政务服务大厅", defaults={"address": "长沙市"})[0]
    dept = Department.objects.filter(parent=None).order_by("id").first() or Department.objects.create(name="湖南省民政厅")
    businesses = {}
    for position, (code, name, prefix, cap) in enumerate(BUSINESSES):
        businesses[code], _ = Business.objects.get_or_create(hall=hall, code=code, defaults={
            "name": name, "prefix": prefix, "opens_at": ALL_DAY[0], "closes_at": ALL_DAY[1], "daily_cap": cap,
            "position": position})
    TimeBand.objects.get_or_create(business=businesses["zixun"], starts_at=datetime.time(11, 30),
                                   ends_at=datetime.time(13, 30), defaults={"cap": 20})
    for number, name, codes, standby in WINDOWS:
        window, _ = Window.objects.get_or_create(hall=hall, number=number, defaults={"name": name, "department": dept})
        desk, created = Desk.objects.get_or_create(window=window, defaults={
            "standby": standby, "state": Desk.State.CLOSED if standby else Desk.State.OPEN})
        if created:
            desk.businesses.set([businesses[c] for c in codes])
    # 社会组织登记's waiting warning opens window 4 by itself (`hall standby`).
    Business.objects.filter(hall=hall, code="shzz", standby_window=None).update(
        standby_window=Window.objects.get(hall=hall, number="4"))
    for window in Window.objects.filter(hall=hall, desk__isnull=True):  # the department's own windows (A12)
        Desk.objects.create(window=window).businesses.set(businesses.values())
    _slots(businesses, Window.objects.get(hall=hall, number="3"))
    return hall


def _slots(businesses: dict, late_window: Window, days: int = 14) -> None:
    from onewindow.workdays.services import is_working_day

    today = datetime.date.today()
    for offset in range(days):
        day = today + datetime.timedelta(days=offset)
        for code in ("shzz", "cishan", "diming"):
            if is_working_day(day):
                for start, end in ((datetime.time(9), datetime.time(12)), (datetime.time(13), datetime.time(17))):
                    AppointmentSlot.objects.get_or_create(business=businesses[code], window=None, date=day,
                                                          starts_at=start, defaults={"ends_at": end, "capacity": 10})
        start, end = ((datetime.time(17, 30), datetime.time(19)) if is_working_day(day) else
                      (datetime.time(9), datetime.time(12)) if day.weekday() == 5 else (None, None))
        if start:
            AppointmentSlot.objects.get_or_create(business=businesses["shzz"], window=late_window, date=day,
                                                  starts_at=start, defaults={"ends_at": end, "capacity": 5,
                                                                             "kind": AppointmentSlot.Kind.EXTENDED})
