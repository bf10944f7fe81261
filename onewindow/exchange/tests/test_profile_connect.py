"""`platform connect`: point a reporting profile at a platform from a script, audited."""

import pytest
from django.core.management import CommandError, call_command

from onewindow.audit.models import AuditEvent
from onewindow.exchange.models import PlatformProfile


@pytest.mark.django_db
def test_connect_switches_the_profile_on_and_records_it(capsys):
    call_command("platform", "connect", "gbt39046", "--endpoint", "http://127.0.0.1:8100/exchange/rows",
                 "--ack-url", "http://127.0.0.1:8100/acks", "--secret", "s3cret")
    profile = PlatformProfile.objects.get(name="gbt39046")
    assert profile.active and profile.endpoint_url.endswith("/exchange/rows") and profile.secret == "s3cret"
    event = AuditEvent.objects.filter(action="exchange.profile_connected").latest("pk")
    assert event.changes["after"]["active"] is True and "s3cret" not in str(event.changes)
    call_command("platform", "connect", "gbt39046", "--endpoint", profile.endpoint_url, "--off")
    profile.refresh_from_db()
    assert not profile.active and profile.secret == "s3cret"  # an empty --secret keeps the old one


@pytest.mark.django_db
def test_connect_names_what_is_wrong():
    with pytest.raises(CommandError, match="nosuch"):
        call_command("platform", "connect", "nosuch", "--endpoint", "http://127.0.0.1:1/")
    with pytest.raises(CommandError, match="URL"):
        call_command("platform", "connect", "gbt39046", "--endpoint", "not a url")
    assert not PlatformProfile.objects.get(name="gbt39046").active
