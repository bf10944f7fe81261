from onewindow.ratings import services
from onewindow.ratings.models import Rectification


def test_flow(complete, applicant, django_capture_on_commit_callbacks):
    case = complete(owner=applicant)
    assert case.state == "completed"
    assert hasattr(case, "rating_window")
    r = services.rating_submit(case=case, actor=applicant, channel="pc", level="dissatisfied", text="慢")
    assert Rectification.objects.filter(rating=r).exists()
    import datetime

    from onewindow.stats.selectors import figures
    f = figures(date_from=datetime.date(2020,1,1), date_to=datetime.date(2030,1,1))
    print(f.total)
    f = figures(date_from=datetime.date(2020,1,1), date_to=datetime.date(2030,1,1), by="month")
    print(f.rows)
    for by in ["item", "item_type", "route", "channel", "window", "person"]:
        f = figures(date_from=datetime.date(2020,1,1), date_to=datetime.date(2030,1,1), by=by)
        print(by, [(r.label, r.completed, r.bad_reviews) for r in f.rows])
