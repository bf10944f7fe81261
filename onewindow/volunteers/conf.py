"""Rules that a province or a team may set, each with a lawful default and its legal basis as text."""

from django.conf import settings

# Hours are recorded (confirmed) within this many working days after the activity ends. Later
# confirmation is still possible (the volunteer must not lose hours) but needs a stated reason.
RECORD_DEADLINE_BASIS = ("《志愿服务记录与证明出具办法（试行）》（民政部令第67号）：志愿服务信息应当在志愿服务活动结束后"
                         "及时记录；默认期限 20 个工作日，可由 VOLUNTEER_RECORD_DEADLINE_WORKDAYS 设置。")


def record_deadline_workdays() -> int:
    return settings.VOLUNTEER_RECORD_DEADLINE_WORKDAYS


# Age of majority: a younger volunteer needs the guardian's recorded consent.
MINOR_BASIS = ("《民法典》第十七条、第十九条（不满十八周岁为未成年人，实施民事法律行为经法定代理人同意）；"
               "《志愿服务条例》第十五条（安排的活动与志愿者的年龄相适应）。")
ADULT_AGE = 18

def checkin_early_minutes() -> int:
    """Check-in opens this many minutes before the activity starts (volunteers gather early); time before
    the start is not counted as service."""
    return settings.VOLUNTEER_CHECKIN_EARLY_MINUTES


def checkout_grace_hours() -> int:
    """Check-out is accepted until this many hours after the activity ends (a late check-out counts only up
    to the end of the activity)."""
    return settings.VOLUNTEER_CHECKOUT_GRACE_HOURS


def certificate_words() -> str:
    """The number word of the 志愿服务记录证明 in the department's document number series, e.g.
    湘民志证字〔2026〕0001号 (the prefix is the one on case notices, `ONEWINDOW_DOCUMENT_PREFIX`)."""
    return settings.VOLUNTEER_CERTIFICATE_WORD
