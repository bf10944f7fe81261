"""Platform-facing endpoints: the client-credentials token exchange."""

from ninja import Router, Schema

from onewindow.accounts.auth import TokenAuth, require_scope
from onewindow.audit.context import client_ip_of
from onewindow.core.errors import PermissionDenied

from .clients import platform_token_issue, token_endpoint_throttle
from .models import PlatformClient
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
    return 201, {"case_no": subscription.case_no, "callback_url": subscription.profile.endpoint_url,
                 "signing": subscription.profile.signing, "secret": secret}
