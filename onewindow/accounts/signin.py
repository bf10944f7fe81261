"""Staff sign-in throttling (workbench /accounts/login/ and the Django admin), on the one rate limiter.

Failures are counted per account and per address (policies `staff_signin.account` / `staff_signin.address`
of core/ratelimit.py) before the password is checked; once either is used up, sign-in is refused with a
message until the window passes or an administrator lifts it (`onewindow signin unlock USERNAME|ADDRESS`).
The moment an account or address becomes locked is audited, and so is each unlock."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onewindow.audit.services import audit_log
from onewindow.core import ratelimit
from onewindow.core.clients import client_ip_of

ACCOUNT, ADDRESS = "staff_signin.account", "staff_signin.address"


def _account_key(username: str) -> str:
    return (username or "").strip().lower()


class ThrottledSignInMixin:
    """For an AuthenticationForm: count the attempt first, refuse while locked, audit a new lockout."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed sign-in attempts for this account or address; sign-in is locked for "
                    "15 minutes. An administrator can unlock it sooner."),
    }

    def clean(self):
        account = _account_key(self.cleaned_data.get("username"))
        address = (client_ip_of(self.request) if self.request else None) or "unknown"
        limits = ((ACCOUNT, account), (ADDRESS, address))
        if any(ratelimit.over(name, who) for name, who in limits if who) or not ratelimit.attempt(*limits):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            _audit_new_lockouts(limits)
            raise
        ratelimit.clear(ACCOUNT, account)  # a success is no failure
        ratelimit.refund((ADDRESS, address))
        return cleaned


def _audit_new_lockouts(limits) -> None:
    """This failure used up a limit (the next attempt will be refused): record the lockout once."""
    for name, who in limits:
        if who and ratelimit.over(name, who):
            with transaction.atomic():
                audit_log(action="staff_signin.locked", object_type=name, object_id=who[:64],
                          object_repr=who[:200], changes={"limit": ratelimit.POLICIES[name].current_limit})


class StaffSignInForm(ThrottledSignInMixin, AuthenticationForm):
    pass


class AdminSignInForm(ThrottledSignInMixin, AdminAuthenticationForm):
    pass


def signin_unlock(*, target: str, actor=None) -> list[str]:
    """Lift the lockout of an account (username) or address; returns the policies that were locked. Audited
    whether or not anything was locked, so every unlock request is on record."""
    who = target.strip()
    with transaction.atomic():
        lifted = [name for name, key in ((ACCOUNT, _account_key(who)), (ADDRESS, who)) if ratelimit.over(name, key)]
        ratelimit.clear(ACCOUNT, _account_key(who))
        ratelimit.clear(ADDRESS, who)
        audit_log(action="staff_signin.unlocked", actor=actor, object_type="staff_signin", object_id=who[:64],
                  object_repr=who[:200], changes={"lifted": lifted})
    return lifted
