"""Settings of the ratings app: Django settings win, then the environment, then the defaults.

Local practice differs (5 working days, 7 days, 15 working days are all in use), so every period is
configuration.
"""

import os

from django.conf import settings


def _int(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    return int(value if value is not None else os.environ.get(name, default))


def rating_period_days() -> int:
    """Calendar days after completion in which the applicant may still rate (then a default rating)."""
    return _int("ONEWINDOW_RATING_PERIOD_DAYS", 15)


def pad_minutes() -> int:
    """How long after the last step at a window its rating pad still offers that case."""
    return _int("ONEWINDOW_RATING_PAD_MINUTES", 30)


def default_level() -> str:
    """The level recorded when no rating is given in time (默认好评 in most provinces)."""
    return getattr(settings, "ONEWINDOW_RATING_DEFAULT_LEVEL", None) or os.environ.get(
        "ONEWINDOW_RATING_DEFAULT_LEVEL", "satisfied")


def visit_days() -> int:
    """Working days for the return visit (回访) after a bad review."""
    return _int("ONEWINDOW_RECTIFICATION_VISIT_DAYS", 2)


def rectify_days() -> int:
    """Working days for the rectification (整改) of a bad review."""
    return _int("ONEWINDOW_RECTIFICATION_DAYS", 5)


def complaint_days() -> int:
    """Working days to reply to a complaint or report."""
    return _int("ONEWINDOW_COMPLAINT_REPLY_DAYS", 15)
