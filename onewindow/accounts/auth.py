"""Bearer-token authentication for the API (tokens stored hashed, revocable)."""

import secrets

from django.db import transaction
from django.utils import timezone
from ninja.security import HttpBearer

from onewindow.audit.services import audit_log

from .models import ApiToken, User


def token_create(*, user: User, name: str = "", actor=None) -> str:
    """Create a token and return its secret, which is shown once and never stored."""
    key = "ow_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, prefix=key[3:11], key_hash=ApiToken.hash_key(key))
        audit_log(action="accounts.token_created", actor=actor, obj=token, changes={"user": user.username})
    return key


def token_revoke(*, token: ApiToken, actor=None) -> None:
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at:
            return
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_log(action="accounts.token_revoked", actor=actor, obj=locked)


def user_for_token(key: str) -> User | None:
    token = (ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key), revoked_at=None)
             .first())
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # throttled: not on every call
    return token.user


class TokenAuth(HttpBearer):
    """Who may call: any active account holding a valid, unrevoked token."""

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user
