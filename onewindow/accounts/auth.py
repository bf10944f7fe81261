"""Bearer-token authentication for the API (tokens stored hashed, revocable, optionally scoped,
expiring and rate-limited)."""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer

from onewindow.audit.services import audit_log
from onewindow.core import ratelimit
from onewindow.core.errors import PermissionDenied, RateLimited

from .models import ApiToken, User


def token_create(*, user: User, name: str = "", actor=None, scopes: list[str] | None = None,
                 expires_at=None, rate_limit: int | None = None) -> str:
    """Create a token and return its secret, which is shown once and never stored."""
    key = "ow_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, prefix=key[3:11], key_hash=ApiToken.hash_key(key),
                                        scopes=scopes or [], expires_at=expires_at, rate_limit=rate_limit)
        audit_log(action="accounts.token_created", actor=actor, obj=token,
                  changes={"user": user.username, "scopes": scopes or []})
    return key


def token_revoke(*, token: ApiToken, actor=None) -> None:
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at:
            return
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_log(action="accounts.token_revoked", actor=actor, obj=locked)


def token_lookup(key: str) -> ApiToken | None:
    """The live token for `key`: not revoked, not expired, its user active."""
    token = (ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key), revoked_at=None)
             .first())
    now = timezone.now()
    if token is None or not token.user.is_active or (token.expires_at and token.expires_at <= now):
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # throttled: not on every call
    return token


def user_for_token(key: str) -> User | None:
    token = token_lookup(key)
    return token.user if token else None


def _check_rate(token: ApiToken) -> None:
    """A fixed one-minute window per token (the "api.token" policy of core/ratelimit.py)."""
    if token.rate_limit and not ratelimit.hit("api.token", str(token.pk), limit=token.rate_limit):
        raise RateLimited(_("Too many requests; try again in a minute."),
                          details={"limit_per_minute": token.rate_limit})


class TokenAuth(HttpBearer):
    """Who may call: any active account holding a valid token. Sets request.user and request.api_token.

    `scopes` maps an HTTP method to the scope a scoped (platform) token needs for it, e.g.
    {"GET": "cases:read", "POST": "cases:create"}; a person's unscoped token is not limited by it.
    """

    def __init__(self, scopes: dict[str, str] | None = None):
        super().__init__()
        self.scopes = scopes or {}

    def authenticate(self, request, token):
        found = token_lookup(token)
        if found is None:
            return None
        request.user = found.user
        request.api_token = found  # set first, so that a refused request is still logged against it
        _check_rate(found)
        needed = self.scopes.get(request.method)
        if needed:
            require_scope(request, needed)
        return found.user


def require_scope(request, scope: str) -> None:
    """A scoped token (a platform client's) may only do what its scopes name."""
    token = getattr(request, "api_token", None)
    if token is not None and token.scopes and scope not in token.scopes:
        raise PermissionDenied(_("This token does not have the scope “%(scope)s”.") % {"scope": scope},
                               code="scope_missing")
