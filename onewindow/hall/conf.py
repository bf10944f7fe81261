"""Settings of the hall queue, read from Django settings (settings.py reads the environment) at call time."""

from django.conf import settings


def elderly_age() -> int:
    """Age from which a ticket taken with an ID number goes to the green channel (绿色通道).

    Basis: 《中华人民共和国老年人权益保障法》 art. 2 defines older people as citizens of sixty and over; from
    what age a hall gives them precedence is local practice (local regulations use 60 and 65 for different
    favours), so it is a setting. Default 65, the hall's rule in issue 18; a hall may lower it to 60."""
    return settings.ONEWINDOW_HALL_ELDERLY_AGE


def pad_minutes() -> int:
    """How long after a ticket's service ends its window's rating pad still offers it."""
    return settings.ONEWINDOW_HALL_PAD_MINUTES

def auto_standby() -> bool:
    """Hall-wide: when a business names no standby window of its own, its waiting warning opens any closed
    standby window serving it (and closes it again when the wait falls back). Off by default (0)."""
    return bool(_int("ONEWINDOW_HALL_AUTO_STANDBY", 0))


def takes_per_minute() -> int:
    """Tickets and bookings one address may ask for per minute through the public API and kiosk page. A hall's
    kiosks may share one address behind its router, so it is a setting (0: the public pages' limit)."""
    return settings.ONEWINDOW_HALL_TAKES_PER_MINUTE
