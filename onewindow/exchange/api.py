"""Platform-facing endpoints: the client-credentials token exchange."""

from ninja import Router, Schema

from onewindow.audit.context import client_ip_of

from .clients import platform_token_issue, token_endpoint_throttle

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
