"""Hardening (issue 16): `check --deploy` is clean in the production configuration, and every page carries a
Content Security Policy that its own scripts satisfy (the inline script by nonce)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]


def test_check_deploy_is_clean_in_production(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}  # set by the browser tests
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="onewindow.example.gov.cn",
               ONEWINDOW_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="onewindow.settings")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_pages_carry_a_csp_and_the_inline_script_its_nonce(login, settings, tmp_path):
    from onewindow.portal import services
    from onewindow.portal.tests.factories import make_applicant, make_item

    policy = Client().get("/")["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    settings.MEDIA_ROOT = tmp_path
    user = make_applicant("13900002222")
    case = services.application_start(actor=user, item=make_item(name_required=False))
    response = login(user).get(f"/my/cases/{case.case_no}/edit/")
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.content.decode()
