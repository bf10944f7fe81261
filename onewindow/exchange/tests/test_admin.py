"""Admin edits of the platform configuration reach the audit chain, not only Django's LogEntry."""

import pytest
from django.urls import reverse

from onewindow.audit.models import AuditEvent
from onewindow.exchange.clients import platform_client_create
from onewindow.exchange.models import CodeMapping, PlatformClient, PlatformProfile

pytestmark = pytest.mark.django_db

PROFILE = {"name": "xsc", "purpose": "report", "title": "新湘事成", "endpoint_url": "https://platform.example/rows",
           "ack_url": "", "secret": "first-secret", "signing": "hmac-sha256", "data_source_code": "onewindow",
           "batch_size": 100, "max_attempts": 8, "timeout_seconds": 10}


def mappings(*rows, initial=0):
    data = {"mappings-TOTAL_FORMS": len(rows), "mappings-INITIAL_FORMS": initial, "mappings-MIN_NUM_FORMS": 0,
            "mappings-MAX_NUM_FORMS": 1000}
    for i, row in enumerate(rows):
        data.update({f"mappings-{i}-{k}": v for k, v in row.items()})
    return data


def events(*types):
    return [(e.action, e.changes) for e in AuditEvent.objects.filter(object_type__in=types).order_by("id")]


def test_profile_and_mapping_edits_are_audited_without_the_secret(administrator, login):
    client = login(administrator)
    response = client.post(reverse("admin:exchange_platformprofile_add"),
                           {**PROFILE, **mappings({"field": "satisfaction", "meaning": "satisfied", "code": "2"})})
    assert response.status_code == 302
    profile = PlatformProfile.objects.get(name="xsc")
    mapping = profile.mappings.get()
    change = reverse("admin:exchange_platformprofile_change", args=[profile.pk])
    response = client.post(change, {**PROFILE, "secret": "second-secret", "active": "on", **mappings(
        {"id": mapping.pk, "profile": profile.pk, "field": "satisfaction", "meaning": "satisfied", "code": "02"},
        initial=1)})
    assert response.status_code == 302
    client.post(change, {**PROFILE, **mappings({"id": mapping.pk, "profile": profile.pk, "field": "satisfaction",
                                                "meaning": "satisfied", "code": "02", "DELETE": "on"}, initial=1)})
    assert not CodeMapping.objects.filter(pk=mapping.pk).exists()
    client.post(reverse("admin:exchange_platformprofile_delete", args=[profile.pk]), {"post": "yes"})
    assert not PlatformProfile.objects.filter(pk=profile.pk).exists()

    logged = events("exchange.platformprofile", "exchange.codemapping")
    assert [action for action, _changes in logged] == [
        "exchange.profile_created", "exchange.code_mapping_created", "exchange.profile_changed",
        "exchange.code_mapping_changed", "exchange.profile_changed", "exchange.code_mapping_deleted",
        "exchange.profile_deleted"]
    assert logged[2][1] == {"secret": "(changed)", "active": [False, True]}
    assert logged[3][1] == {"code": ["2", "02"]}
    assert "first-secret" not in str(logged) and "second-secret" not in str(logged)
    assert all(e.actor_id == administrator.pk for e in AuditEvent.objects.filter(action__startswith="exchange."))


def test_client_change_and_delete_are_audited(administrator, login):
    platform, _secret = platform_client_create(client_id="xsc", name="新湘事成", scopes=["cases:read"])
    client = login(administrator)
    response = client.post(reverse("admin:exchange_platformclient_change", args=[platform.pk]), {
        "name": "新湘事成", "scopes": '["cases:read", "cases:create"]', "rate_limit": 60,
        "token_ttl_seconds": 7200, "active": "on"})
    assert response.status_code == 302
    response = client.post(reverse("admin:exchange_platformclient_changelist"),
                           {"action": "delete_selected", "_selected_action": [platform.pk], "post": "yes"})
    assert response.status_code == 302 and not PlatformClient.objects.exists()
    assert events("exchange.platformclient") == [
        ("exchange.client_created", {"scopes": ["cases:read"]}),
        ("exchange.client_changed", {"scopes": [["cases:read"], ["cases:read", "cases:create"]],
                                     "rate_limit": [600, 60]}),
        ("exchange.client_deleted", {})]
