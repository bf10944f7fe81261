"""Status callbacks: a platform client subscribes to a case; every state change is queued in the same
outbox as the reports and delivered, signed, to the client's callback URL."""

import hashlib
import secrets

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onewindow.audit.services import audit_log
from onewindow.core.errors import NotFound

from .destinations import destination_check, secret_check
from .models import CaseSubscription, PlatformClient, PlatformProfile


def _callback_profile(client: PlatformClient, url: str, secret: str) -> PlatformProfile:
    name = f"cb-{client.client_id}-{hashlib.sha256(url.encode()).hexdigest()[:10]}"[:50]
    profile, created = PlatformProfile.objects.get_or_create(name=name, defaults={
        "title": f"{client.name} 回调", "purpose": PlatformProfile.Purpose.CALLBACK, "endpoint_url": url,
        "secret": secret, "active": True, "batch_size": 20})
    if not created and secret and profile.secret != secret:
        profile.secret = secret
        profile.save(update_fields=["secret"])
    return profile


@transaction.atomic
def case_subscribe(*, client: PlatformClient, case_no: str, callback_url: str, secret: str = "") -> tuple[
        CaseSubscription, str]:
    """Subscribe `client` to the case; returns the subscription and the signing secret in use."""
    from onewindow.cases.models import Case

    destination_check(callback_url)
    secret_check(secret)
    if not Case.objects.filter(case_no=case_no, owner=client.user).exists():
        raise NotFound(_("No such case among this client's applications."), code="case_not_found")
    secret = secret or secrets.token_urlsafe(24)
    profile = _callback_profile(client, callback_url, secret)
    subscription, _created = CaseSubscription.objects.update_or_create(
        client=client, case_no=case_no, defaults={"profile": profile})
    audit_log(action="exchange.case_subscribed", actor=client.user, obj=subscription,
              changes={"callback_url": callback_url})
    return subscription, profile.secret


def callback_profiles(case_no: str) -> list[int]:
    return list(CaseSubscription.objects.filter(case_no=case_no, profile__active=True)
                .values_list("profile_id", flat=True))
