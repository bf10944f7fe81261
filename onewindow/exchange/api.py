"""Platform-facing endpoints: the client-credentials token exchange."""

from ninja import Router, Schema, Status

from onewindow.accounts.auth import TokenAuth, require_scope
from onewindow.core.clients import client_ip_of
from onewindow.core.errors import NotFound, PermissionDenied

from .catalog_sync import platform_catalog, platform_catalog_import
from .clients import platform_token_issue, token_endpoint_throttle
from .models import PlatformClient, PlatformProfile
from .subscriptions import case_subscribe

router = Router(tags=["platform"])


class TokenRequest(Schema):
    client_id: str
    client_secret: str


class TokenResponse(Schema):
    access_token: str
    token_type: str
    expires_in: int
    scope: str


@router.post("/token", response=TokenResponse, auth=None, summary="Exchange client id and secret for a token")
def token(request, payload: TokenRequest):
    """Who may call: anyone; only a registered, active client with its secret gets a token."""
    token_endpoint_throttle(payload.client_id, client_ip_of(request))
    return platform_token_issue(client_id=payload.client_id, client_secret=payload.client_secret)


class SubscriptionIn(Schema):
    case_no: str
    callback_url: str
    secret: str = ""


class SubscriptionOut(Schema):
    case_no: str
    callback_url: str
    signing: str
    secret: str


def _client(request) -> PlatformClient:
    client = PlatformClient.objects.filter(user=request.auth, active=True).first()
    if client is None:
        raise PermissionDenied(code="not_a_platform_client")
    return client


@router.post("/subscriptions", response={201: SubscriptionOut}, auth=TokenAuth(),
             summary="Subscribe to a case's state changes (signed status callbacks)")
def subscribe(request, payload: SubscriptionIn):
    """Who may call: a platform client with the `webhooks` scope, for cases it submitted."""
    require_scope(request, PlatformClient.Scope.WEBHOOKS)
    subscription, secret = case_subscribe(client=_client(request), case_no=payload.case_no,
                                          callback_url=payload.callback_url, secret=payload.secret)
    return Status(201, {"case_no": subscription.case_no, "callback_url": subscription.profile.endpoint_url,
                        "signing": subscription.profile.signing, "secret": secret})


def _profile(name: str) -> PlatformProfile:
    profile = PlatformProfile.objects.filter(name=name).first()
    if profile is None:
        raise NotFound(code="profile_not_found")
    return profile


class CatalogUpdateIn(Schema):
    rows: list[dict]


@router.get("/catalog", auth=TokenAuth(), summary="The published catalog in the platform's item layout")
def catalog_export(request, profile: str = "gbt39046"):
    """Who may call: a token with the `catalog:read` scope (or a staff member's token)."""
    require_scope(request, PlatformClient.Scope.CATALOG_READ)
    return {"profile": profile, "items": platform_catalog(_profile(profile))}


@router.post("/catalog", auth=TokenAuth(), summary="Item updates from the platform, applied as drafts")
def catalog_update(request, payload: CatalogUpdateIn, profile: str = "gbt39046"):
    """Who may call: a platform client with the `catalog:write` scope; updates become drafts to review."""
    require_scope(request, PlatformClient.Scope.CATALOG_WRITE)
    _client(request)
    return platform_catalog_import(profile=_profile(profile), rows=payload.rows, actor=request.auth)
