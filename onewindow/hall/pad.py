"""Pairing a rating pad (评价器) with a window. The pad is a public kiosk, never signed in: the window's clerk
asks for a one-time code at the desk page and types it on the pad once; the pad then keeps a signed cookie
naming the window and the clerk who paired it, and offers what was just served at that window."""

import secrets

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onewindow.accounts.models import Window
from onewindow.audit.services import audit_log
from onewindow.core.errors import PermissionDenied, ValidationFailed

from .services import COUNTER_ROLES

COOKIE = "rating_pad"
CODE_SECONDS = 600
COOKIE_SECONDS = 365 * 24 * 3600
SALT = "onewindow.hall.pad"


def pad_code_issue(*, actor) -> str:
    """A 6-digit code, valid ten minutes, that pairs a pad with the actor's window."""
    if not (getattr(actor, "is_staff_member", False) and actor.has_role(*COUNTER_ROLES) and actor.window_id):
        raise PermissionDenied(_("Only a window's clerk can pair its rating pad."), code="no_window")
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(f"hall:padcode:{code}", (actor.window_id, actor.pk), CODE_SECONDS)
    return code


def pad_pair(*, code: str) -> str:
    """Exchange a code for the pad's signed cookie value (the code works once)."""
    code = (code or "").strip()
    pair = cache.get(f"hall:padcode:{code}") if code.isdigit() and len(code) == 6 else None
    if pair is None:
        raise ValidationFailed(_("The pairing code is wrong or has expired; ask the clerk for a new one."),
                               code="bad_pad_code")
    cache.delete(f"hall:padcode:{code}")

    with transaction.atomic():
        window = Window.objects.get(pk=pair[0])
        audit_log(action="hall.pad_paired", actor=get_user_model().objects.filter(pk=pair[1]).first(), obj=window)
    return signing.dumps({"window": pair[0], "clerk": pair[1]}, salt=SALT)


def pad_from_cookie(value: str | None):
    """(window, clerk) of a paired pad, or (None, None). A clerk who left the window unpairs the pad."""
    try:
        data = signing.loads(value or "", salt=SALT, max_age=COOKIE_SECONDS)
    except signing.BadSignature:
        return None, None
    clerk = (get_user_model().objects.select_related("window").filter(pk=data.get("clerk"), is_active=True,
                                                                       window_id=data.get("window")).first())
    return (clerk.window, clerk) if clerk else (None, None)
