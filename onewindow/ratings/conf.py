"""Settings of the ratings app, read from Django settings (settings.py reads the environment) at call time.

Local practice differs (5 working days, 7 days, 15 working days are all in use), so every period is
configuration.
"""

from django.conf import settings


def rating_period_days() -> int:
    """Calendar days after completion in which the applicant may still rate (then a default rating)."""
    return settings.ONEWINDOW_RATING_PERIOD_DAYS


def pad_minutes() -> int:
    """How long after the last step at a window its rating pad still offers that case."""
    return settings.ONEWINDOW_RATING_PAD_MINUTES


def default_level() -> str:
    """The level recorded when no rating is given in time (默认好评 in most provinces)."""
    return settings.ONEWINDOW_RATING_DEFAULT_LEVEL


def visit_days() -> int:
    """Working days for the return visit (回访) after a bad review."""
    return settings.ONEWINDOW_RECTIFICATION_VISIT_DAYS


def rectify_days() -> int:
    """Working days for the rectification (整改) of a bad review."""
    return settings.ONEWINDOW_RECTIFICATION_DAYS


def complaint_days() -> int:
    """Working days to reply to a complaint or report."""
    return settings.ONEWINDOW_COMPLAINT_REPLY_DAYS
