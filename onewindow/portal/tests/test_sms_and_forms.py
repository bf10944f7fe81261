import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from onewindow.accounts.models import User
from onewindow.portal import services, sms
from onewindow.portal.models import Notification

from .factories import PDF, PERSON_ID, PNG

pytestmark = pytest.mark.django_db


def test_file_backend_appends_json_lines(settings, tmp_path):
    settings.PORTAL_SMS_BACKEND, settings.PORTAL_SMS_FILE = "file", str(tmp_path / "sms.jsonl")
    assert sms.sms_send(mobile="13800001234", text="验证码 123456")
    assert sms.sms_send(mobile="13800001235", text="第二条")
    lines = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert [(d["mobile"], d["text"]) for d in lines] == [("13800001234", "验证码 123456"), ("13800001235", "第二条")]


def test_http_backend_posts_with_token_and_survives_outage(settings):
    received = []

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.headers["Authorization"], json.loads(body)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.PORTAL_SMS_BACKEND = "http"
        settings.PORTAL_SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/send"
        settings.PORTAL_SMS_HTTP_TOKEN = "gw-secret"
        assert sms.sms_send(mobile="13800001234", text="你好")
        assert received == [("Bearer gw-secret", {"mobile": "13800001234", "text": "你好"})]
    finally:
        server.shutdown()
        server.server_close()
    assert not sms.sms_send(mobile="13800001234", text="网关已停")  # logged, never raised
    settings.PORTAL_SMS_BACKEND = "pigeon"
    assert not sms.sms_send(mobile="13800001234", text="x")


def test_sign_in_blocked_per_address_across_accounts():
    client = Client(REMOTE_ADDR="10.1.1.1")
    for n in range(20):
        client.post(reverse("portal:signin"), {"mobile": f"1380000{n:04d}", "method": "password", "password": "x"})
    User.objects.create_user(username="13911112222", password="right-pass-1", kind=User.Kind.APPLICANT)
    response = client.post(reverse("portal:signin"), {"mobile": "13911112222", "method": "password",
                                                      "password": "right-pass-1"})
    assert response.status_code == 422
    other = Client(REMOTE_ADDR="10.1.1.2").post(reverse("portal:signin"), {
        "mobile": "13911112222", "method": "password", "password": "right-pass-1"})
    assert other.status_code == 302


@pytest.mark.parametrize("name, content, expected", [
    ("letter.exe", b"MZ\x90\x00", "PDF"),
    ("letter.pdf", b"", "空"),
    ("letter.pdf", PNG, "image/png"),
    ("letter.pdf", b"%PDF-" + b"1" * 4096, "MB"),
])
def test_organisation_signup_refuses_bad_letter_and_keeps_typed_values(organisation, settings, name, content,
                                                                       expected):
    settings.ONEWINDOW_UPLOAD_MAX_BYTES = 2048
    response = Client().post(reverse("portal:signup_organisation"), {
        "organisation_name": organisation.name, "credit_code": organisation.credit_code, "handler_name": "李明",
        "handler_id_number": PERSON_ID, "mobile": "13900009999", "code": "123456", "action": "signup",
        "authorisation": SimpleUploadedFile(name, content)})
    page = response.content.decode()
    assert response.status_code == 422 and expected in page
    for typed in (organisation.name, organisation.credit_code, "李明", PERSON_ID, "13900009999"):
        assert f'value="{typed}"' in page
    assert not User.objects.filter(username="13900009999").exists()


def test_inbox_lists_and_marks_read(item, org_user, person, login):
    case = services.application_start(actor=org_user, item=item)
    services.notification_send(case=case, event="accepted", text="您的申请已受理。")
    client = login(org_user)
    assert "您的申请已受理。" in client.get(reverse("portal:inbox")).content.decode()
    assert "您的申请已受理。" not in login(person).get(reverse("portal:inbox")).content.decode()
    assert client.post(reverse("portal:inbox")).status_code == 302
    assert not Notification.objects.filter(read_at=None).exists()


def test_optional_url_hides_missing_names():
    template = Template('{% load portal %}{% optional_url "portal:progress" "X1" as a %}'
                        '{% optional_url "nowhere:none" as b %}[{{ a }}][{{ b }}]')
    assert template.render(Context()) == "[/progress/X1][]"


def test_upload_of_a_good_pdf_then_reuse_via_plain_form(draft_case, org_user, login):
    client = login(org_user)
    application = draft_case.item_version.materials.get(key="application")
    response = client.post(reverse("portal:material_upload", args=[draft_case.case_no, application.pk]),
                           {"file": SimpleUploadedFile("申请表.pdf", PDF)}, headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.json()["name"] == "申请表.pdf"
    assert client.get(response.json()["url"])["Content-Type"] == "application/pdf"


@pytest.fixture
def draft_case(item, org_user):
    return services.application_start(actor=org_user, item=item)
