from onewindow.demo.hall import demo_hall_setup
from onewindow.demo.staff import demo_people_setup
from onewindow.hall.models import AppointmentSlot, Business, Desk


def test_demo_hall_is_configured_once(db):
    demo_people_setup()
    hall = demo_hall_setup()
    counts = (Business.objects.count(), Desk.objects.count(), AppointmentSlot.objects.count())
    demo_hall_setup()
    assert (Business.objects.count(), Desk.objects.count(), AppointmentSlot.objects.count()) == counts
    assert counts[0] == 4 and counts[1] == 5 and counts[2] > 0  # windows 1-4 and the department's A12
    assert Desk.objects.get(window__hall=hall, window__number="4").standby
    assert AppointmentSlot.objects.filter(kind="extended", window__number="3").exists()
