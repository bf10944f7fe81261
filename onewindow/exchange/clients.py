"""Platform clients: registration, token exchange and the request log."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.accounts.auth import token_create
from onewindow.accounts.models import User
from onewindow.audit.services import audit_log
from onewindow.core import ratelimit
from onewindow.core.errors import Conflict, PermissionDenied, RateLimited, ValidationFailed

from .models import PlatformClient


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def platform_client_create(*, client_id: str, name: str, scopes: list[str], actor=None,
                           rate_limit: int = 600) -> tuple[PlatformClient, str]:
    """Register a client; returns it and its secret (shown once, stored hashed)."""
    unknown = sorted(set(scopes) - set(PlatformClient.Scope.values))
    if unknown:
        raise ValidationFailed(_("Unknown scopes: %(scopes)s") % {"scopes": ", ".join(unknown)})
    if PlatformClient.objects.filter(client_id=client_id).exists():
        raise Conflict(_("A client with this id exists already."), code="client_exists")
    secret = secrets.token_urlsafe(32)
    user = User.objects.create(username=f"platform:{client_id}", kind=User.Kind.PLATFORM, full_name=name)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    client = PlatformClient.objects.create(client_id=client_id, name=name, secret_hash=_hash(secret), user=user,
                                           scopes=sorted(scopes), rate_limit=rate_limit)
    audit_log(action="exchange.client_created", actor=actor, obj=client, changes={"scopes": sorted(scopes)})
    return client, secret


def platform_token_issue(*, client_id: str, client_secret: str) -> dict:
    """OAuth2-style client-credentials exchange: a bearer token with the client's scopes and rate limit."""
    client = PlatformClient.objects.select_related("user").filter(client_id=client_id, active=True).first()
    if client is None or not hmac.compare_digest(client.secret_hash, _hash(client_secret or "")):
        raise PermissionDenied(_("Unknown client or wrong secret."), code="invalid_client")
    expires_at = timezone.now() + timedelta(seconds=client.token_ttl_seconds)  # wall time, as accounts.auth checks it
    token = token_create(user=client.user, name=f"client {client_id}", scopes=client.scopes,
                         expires_at=expires_at, rate_limit=client.rate_limit)
    return {"access_token": token, "token_type": "Bearer", "expires_in": client.token_ttl_seconds,
            "scope": " ".join(client.scopes)}


def token_endpoint_throttle(client_id: str, address: str | None, *, limit: int = 20) -> None:
    """Slow down secret guessing: at most `limit` token requests a minute per client id and address."""
    if not ratelimit.hit("exchange.token", f"{client_id}|{address}", limit=limit):
        raise RateLimited(_("Too many token requests; try again in a minute."))
