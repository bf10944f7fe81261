"""What every part of the ratings app shares: the local date, the rating link printed as a QR code,
and the event that tells statistics a day's ratings changed."""

import datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from onewindow.cases.models import Case
from onewindow.core import clock

from ..models import Rating
from ..signals import ratings_changed

QR_SALT = "onewindow.ratings.qr"


def today() -> datetime.date:
    return clock.today()


def ratings_changed_on_commit(days: set[datetime.date]) -> None:
    """Tell statistics, once the transaction commits, which days' rating figures changed."""
    if days:
        transaction.on_commit(lambda: ratings_changed.send(sender=Rating, days=frozenset(days)))


def rating_token(case: Case) -> str:
    """A signed token naming the case: whoever holds the result notice may rate it."""
    return signing.Signer(salt=QR_SALT).sign(case.case_no).rsplit(":", 1)[1]


def rating_token_valid(case: Case, token: str) -> bool:
    try:
        return signing.Signer(salt=QR_SALT).unsign(f"{case.case_no}:{token}") == case.case_no
    except signing.BadSignature:
        return False


def rating_url(case: Case) -> str:
    """The absolute address printed as a QR code on the result notice (送达回证 / decision)."""

    path = reverse("ratings:rate", args=[case.case_no])
    return f"{settings.ONEWINDOW_PUBLIC_URL.rstrip('/')}{path}?t={rating_token(case)}"
