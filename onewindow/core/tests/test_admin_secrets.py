"""Secrets are write-only in the admin (issue 16, "Hardening"): the stored value or its hash is never shown,
the page says whether one is set, and a blank input keeps the old value."""

import pytest
from django.urls import reverse

from onewindow.accounts.auth import token_create
from onewindow.exchange.clients import platform_client_create
from onewindow.exchange.models import PlatformProfile

pytestmark = pytest.mark.django_db

PROFILE = {
    "name": "xsc",
    "purpose": "report",
    "title": "新湘事成",
    "endpoint_url": "https://platform.example/rows",
    "ack_url": "",
    "signing": "hmac-sha256",
    "data_source_code": "onewindow",
    "batch_size": 100,
    "max_attempts": 8,
    "timeout_seconds": 10,
    "mappings-TOTAL_FORMS": 0,
    "mappings-INITIAL_FORMS": 0,
    "mappings-MIN_NUM_FORMS": 0,
    "mappings-MAX_NUM_FORMS": 1000,
}


def test_the_platform_secret_is_never_shown_and_a_blank_input_keeps_it(administrator, login):
    client = login(administrator)
    add = client.get(reverse("admin:exchange_platformprofile_add")).content.decode()
    assert "未设置" in add
    client.post(
        reverse("admin:exchange_platformprofile_add"), {**PROFILE, "secret": "s3cret-of-the-platform"}
    )
    profile = PlatformProfile.objects.get(name="xsc")
    assert profile.secret == "s3cret-of-the-platform"
    change = reverse("admin:exchange_platformprofile_change", args=[profile.pk])
    page = client.get(change).content.decode()
    assert "s3cret-of-the-platform" not in page and "已设置" in page and 'type="password"' in page

    response = client.post(change, {**PROFILE, "secret": "", "title": "新湘事成 2"})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.secret == "s3cret-of-the-platform" and profile.title == "新湘事成 2"
    from onewindow.audit.models import AuditEvent

    last = AuditEvent.objects.filter(action="exchange.profile_changed").latest("id")
    assert last.changes == {"title": ["新湘事成", "新湘事成 2"]}  # a blank secret is no change

    client.post(change, {**PROFILE, "secret": "a-new-secret", "title": "新湘事成 2"})
    profile.refresh_from_db()
    assert profile.secret == "a-new-secret"


def test_client_secret_hash_and_token_hash_show_only_whether_set(administrator, login):
    platform, _secret = platform_client_create(client_id="xsc", name="新湘事成", scopes=["cases:read"])
    from onewindow.accounts.models import ApiToken

    token = ApiToken.objects.get(key_hash=ApiToken.hash_key(token_create(user=administrator, name="cli")))
    client = login(administrator)
    page = client.get(reverse("admin:exchange_platformclient_change", args=[platform.pk])).content.decode()
    assert platform.secret_hash not in page and "已设置" in page
    page = client.get(reverse("admin:accounts_apitoken_change", args=[token.pk])).content.decode()
    assert token.key_hash not in page and "已设置" in page
    assert client.get(reverse("admin:accounts_apitoken_add")).status_code == 403


def test_no_admin_shows_a_secret_column(rf, administrator):
    """A guard for new admins: a column named like a secret (secret, password, key hash, private key) is never
    a plain input, a read-only value or a list column. Public verification tokens (certificates, the survey's
    QR link) are printed for anyone and are not secrets."""
    import re

    from django.contrib import admin
    from django.contrib.auth.forms import ReadOnlyPasswordHashField

    from onewindow.core.admin import WriteOnlySecretsForm

    secret = re.compile(r"secret|password|key_hash|private")
    request = rf.get("/admin/")
    request.user = administrator
    checked = 0
    for model, model_admin in admin.site._registry.items():
        for name in [f.name for f in model._meta.fields if secret.search(f.name)]:
            checked += 1
            form = model_admin.get_form(request, None)
            field = form.base_fields.get(name)
            assert (
                field is None
                or isinstance(field, ReadOnlyPasswordHashField)
                or (issubclass(form, WriteOnlySecretsForm) and name in form.secret_fields)
            ), (model, name)
            assert name not in model_admin.get_readonly_fields(request, None), (model, name)
            assert name not in model_admin.get_list_display(request), (model, name)
    assert checked >= 4  # user password, token key hash, profile secret, client secret hash
