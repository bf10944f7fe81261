import datetime
import io
import json
import shutil
import subprocess
import time

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from pypdf import PdfReader

from onewindow.audit.models import AuditEvent
from onewindow.catalog.models import OrgKind, RegistryAction
from onewindow.certificates.models import Certificate, CertificateKind
from onewindow.certificates.printing import cache_path, certificate_pdf
from onewindow.certificates.services import (
    certificate_issue,
    certificate_print,
    certificate_record,
    certificate_void,
    valid_until_for,
)
from onewindow.core import signing
from onewindow.core.errors import Conflict, PermissionDenied
from onewindow.registry.effects import case_grant_apply

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def grant(case, actor):
    with transaction.atomic():
        return case_grant_apply(case=case, actor=actor)


def test_printed_fields_and_fixed_items(establish, settings):
    organisation, certificate = establish(OrgKind.FOUNDATION)
    p = certificate.printed
    assert p["title"] == "基金会法人登记证书"
    assert [row[0] for row in p["fields"]] == ["名称", "住所", "类型", "宗旨", "公益活动的业务范围", "原始基金数额",
                                               "法定代表人", "业务主管单位"]
    assert ["原始基金数额", "200万元"] in p["fields"]
    assert p["issuer"] == settings.ONEWINDOW_DEPARTMENT_NAME
    assert p["supervised_by"] == "中华人民共和国民政部监制"
    assert p["credit_code"] == organisation.credit_code
    assert p["verify_url"].endswith(f"/verify/{certificate.token}")
    assert certificate.valid_until == valid_until_for(certificate.issued_on)
    assert valid_until_for(datetime.date(2026, 3, 25)) == datetime.date(2031, 3, 24)
    assert valid_until_for(datetime.date(2028, 2, 29)) == datetime.date(2033, 2, 27)


def test_numbers_are_per_kind_and_never_given_twice_even_after_rollback(establish, chief):
    _, first = establish(OrgKind.PRIVATE_NON_ENTERPRISE, name="甲培训中心")
    organisation, second = establish(OrgKind.PRIVATE_NON_ENTERPRISE, name="乙培训中心")
    _, foundation = establish(OrgKind.FOUNDATION)
    assert (first.serial, second.serial, foundation.serial) == (1, 2, 1)
    assert first.number == "湘民证字第000001号"
    with pytest.raises(RuntimeError), transaction.atomic():
        certificate_issue(organisation=organisation, kind=CertificateKind.PRIVATE_NON_ENTERPRISE, case_no="X",
                          actor=chief)
        raise RuntimeError("decision rolled back")
    with transaction.atomic():
        third = certificate_issue(organisation=organisation, kind=CertificateKind.PRIVATE_NON_ENTERPRISE,
                                  case_no="Y", actor=chief)
    # PostgreSQL loses the rolled-back number (core/sequences.py: no queue behind open decisions); SQLite's
    # row lock gives it back.
    assert third.serial == (4 if connection.vendor == "postgresql" else 3)


def test_signature_verifies_and_tampering_is_detected(establish):
    _, certificate = establish()
    record = certificate_record(certificate)
    key = signing.load_public_key(signing.public_key_pem())
    assert signing.record_valid(record, key) == (True, "signature valid")
    tampered = json.loads(json.dumps(record))
    tampered["payload"]["fields"][0][1] = "伪造的名称"
    assert signing.record_valid(tampered, key)[0] is False
    tampered = json.loads(json.dumps(record))
    tampered["payload"]["valid_until"] = "2099-12-31"
    assert signing.record_valid(tampered, key)[0] is False
    other = signing.Ed25519PrivateKey.generate().public_key()
    assert signing.record_valid(record, other) == (False, "signed with a different key")


def test_cli_export_and_offline_verify(establish, tmp_path, capsys):
    _, certificate = establish()
    out = tmp_path / "record.json"
    call_command("certificate", "export", certificate.token, "-o", str(out))
    pem = tmp_path / "public.pem"
    pem.write_bytes(signing.public_key_pem())
    call_command("certificate", "verify", str(out), "--public-key", str(pem))
    assert "VALID: signature valid" in capsys.readouterr().out

    record = json.loads(out.read_text(encoding="utf-8"))
    record["payload"]["credit_code"] = "52430000MJ0000999X"
    out.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("certificate", "verify", str(out), "--public-key", str(pem))
    assert exit_info.value.code == 1
    assert "INVALID" in capsys.readouterr().out

    call_command("certificate", "verify", certificate.token)
    assert "status in the register: valid" in capsys.readouterr().out


def test_key_file_is_created_once_and_read_from_its_setting(tmp_path, settings):
    path = tmp_path / "k" / "key.pem"
    settings.ONEWINDOW_SIGNING_KEY_FILE = str(path)
    first = signing.public_key_pem()
    assert path.exists() and oct(path.stat().st_mode & 0o777) == "0o600"
    assert signing.public_key_pem() == first


def test_verification_states(establish, make_case, chief, client, api):
    """Valid, superseded (by which), void (replacement), revoked, expired — in HTML and JSON."""
    organisation, old = establish(OrgKind.PRIVATE_NON_ENTERPRISE)
    new = grant(make_case(RegistryAction.CHANGE, {"name": "湖南康养职业培训学校", "business_scope": "职业技能培训"},
                          organisation=organisation), chief).certificates[0]
    anonymous = api(None)

    body = anonymous.get(f"/api/v1/verify/{new.token}").json()
    assert body["status"] == "valid" and body["printed"]["fields"][0] == ["名称", "湖南康养职业培训学校"]
    assert set(body["printed"]) == {"title", "number", "credit_code", "fields", "valid_from", "valid_until",
                                    "issuer", "issued_on", "supervised_by"}
    body = anonymous.get(f"/api/v1/verify/{old.token}").json()
    assert body["status"] == "superseded" and body["superseded_by"] == {"number": new.number, "token": new.token}
    page = client.get(f"/verify/{old.token}")
    assert page.status_code == 200 and "已被取代" in page.content.decode() and new.number in page.content.decode()
    assert "湖南康养职业技能培训中心" in page.content.decode()
    assert organisation.credit_code in client.get(f"/verify/{new.token}").content.decode()

    replacement = grant(make_case(RegistryAction.REPLACE_CERTIFICATE, {"reason": "damaged"},
                                  organisation=organisation), chief).certificates[0]
    assert anonymous.get(f"/api/v1/verify/{new.token}").json()["status"] == "void"
    assert "已作废" in client.get(f"/verify/{new.token}").content.decode()

    Certificate.objects.filter(pk=replacement.pk).update(valid_until=datetime.date(2020, 1, 1))
    assert anonymous.get(f"/api/v1/verify/{replacement.token}").json()["status"] == "expired"
    Certificate.objects.filter(pk=replacement.pk).update(valid_until=datetime.date(2099, 1, 1))

    grant(make_case(RegistryAction.DEREGISTER, {"reason": "解散"}, organisation=organisation), chief)
    assert anonymous.get(f"/api/v1/verify/{replacement.token}").json()["status"] == "revoked"
    assert "已撤销" in client.get(f"/verify/{replacement.token}").content.decode()

    assert anonymous.get("/api/v1/verify/nope").status_code == 404
    assert anonymous.get("/api/v1/verify/nope").json()["code"] == "certificate_not_found"
    assert client.get("/verify/nope").status_code == 404
    record = anonymous.get(f"/api/v1/verify/{new.token}/record").json()
    assert signing.record_valid(record, signing.load_public_key(signing.public_key_pem()))[0]


def test_public_key_is_published(client):
    response = client.get("/verify/public-key.pem")
    assert response.status_code == 200 and response.content.startswith(b"-----BEGIN PUBLIC KEY-----")


def test_verification_is_rate_limited_per_client(establish, client, api, settings):
    settings.ONEWINDOW_PUBLIC_RATE_LIMIT = 3
    _, certificate = establish()
    for _ in range(3):
        assert client.get(f"/verify/{certificate.token}").status_code == 200
    assert client.get(f"/verify/{certificate.token}").status_code == 429
    assert api(None).get(f"/api/v1/verify/{certificate.token}").json()["code"] == "rate_limited"
    other = client.get(f"/verify/{certificate.token}", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200  # another address has its own budget


def test_verification_page_query_budget(establish, client, django_assert_max_num_queries):
    _, certificate = establish()
    with django_assert_max_num_queries(5):  # + the rate counter (upsert, and on a new window its clean-up)
        assert client.get(f"/verify/{certificate.token}").status_code == 200


def test_pdf_text_render_time_and_cache(establish, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    organisation, certificate = establish(OrgKind.PRIVATE_NON_ENTERPRISE)
    started = time.perf_counter()
    pdf = certificate_pdf(certificate)
    elapsed = time.perf_counter() - started
    print(f"certificate PDF render: {elapsed:.2f}s")
    assert elapsed < 10
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2  # 正本 and 副本
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    text = page.extract_text().replace(" ", "")  # the title is letter-spaced
    for expected in (organisation.name, organisation.credit_code, "民办非企业单位(法人)登记证书", "正本",
                     "中华人民共和国民政部监制", "湖南省民政厅"):
        assert expected in text
    assert "副本" in reader.pages[1].extract_text().replace(" ", "")
    assert cache_path(certificate).read_bytes() == pdf
    assert certificate_pdf(certificate) == pdf
    if shutil.which("pdftoppm"):
        png = tmp_path / "page"
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(cache_path(certificate)),
                        str(png)], check=True)
        assert list(tmp_path.glob("page*.png"))


def test_reprint_counts_copies_and_is_audited(establish, chief):
    _, certificate = establish()
    assert certificate_print(certificate=certificate, actor=chief).print_count == 1
    assert certificate_print(certificate=certificate, actor=chief).print_count == 2
    assert AuditEvent.objects.filter(action="certificate.printed").count() == 2


def test_void_needs_administrator_and_reason(establish, chief, administrator):
    _, certificate = establish()
    with pytest.raises(PermissionDenied):
        certificate_void(certificate=certificate, reason="错发", actor=chief)
    certificate_void(certificate=certificate, reason="错发", actor=administrator)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VOID
    with pytest.raises(Conflict):
        certificate_print(certificate=certificate, actor=administrator)
    assert AuditEvent.objects.filter(action="certificate.voided").count() == 1


def test_staff_download_and_reprint_permissions(establish, login, client, clerk, supervisor, applicant,
                                                settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _, certificate = establish()
    cached = cache_path(certificate)  # a cached copy is served as is (rendering is tested above)
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"%PDF-1.7 cached")
    download = f"/verify/staff/{certificate.token}/pdf"
    reprint = f"/verify/staff/{certificate.token}/reprint"
    assert client.get(download).status_code == 302  # anonymous → login
    assert login(applicant).get(download).status_code == 403
    assert login(supervisor).get(download).status_code == 403
    assert login(supervisor).post(reprint).status_code == 403
    response = login(clerk).get(download)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == b"%PDF-1.7 cached"
    response = login(clerk).post(reprint)
    assert response.status_code == 302 and response.url == download
    certificate.refresh_from_db()
    assert certificate.print_count == 1 and cache_path(certificate).name.startswith(f"{certificate.token}-1-")
    assert login(clerk).get(reprint).status_code == 405


def test_certificates_for_cases(establish):
    from onewindow.certificates.selectors import certificates_for_cases

    _, certificate = establish()
    assert list(certificates_for_cases([certificate.case_no])) == [certificate]
    assert not certificates_for_cases(["nope"]).exists()


def test_void_view_is_for_administrators(establish, login, client, clerk, administrator):
    organisation, certificate = establish()
    url = f"/verify/staff/{certificate.token}/void"
    assert client.post(url, {"reason": "错发"}).status_code == 302
    assert login(clerk).post(url, {"reason": "错发"}).status_code == 403
    admin_client = login(administrator)
    assert admin_client.post(url, {"reason": " "}).status_code == 422  # reason required, nothing changes
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID
    page = f"/organisations/{organisation.credit_code}/"
    assert url in admin_client.get(page).content.decode()
    assert url not in login(clerk).get(page).content.decode()
    response = admin_client.post(url, {"reason": "错发"})
    assert response.status_code == 302 and response.url == f"/organisations/{organisation.credit_code}/"
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VOID and certificate.ended_reason == "错发"


def test_pdf_api_is_for_window_staff(establish, api, clerk, supervisor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _, certificate = establish()
    cache_path(certificate).parent.mkdir(parents=True)
    cache_path(certificate).write_bytes(b"%PDF-1.7 cached")
    url = f"/api/v1/verify/{certificate.token}/pdf"
    assert api(None).get(url).status_code == 401
    assert api(supervisor).get(url).status_code == 403
    assert api(clerk).get("/api/v1/verify/nope/pdf").status_code == 404
    response = api(clerk).get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
