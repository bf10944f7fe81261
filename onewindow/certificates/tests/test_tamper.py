"""Verification that cannot be fooled (issue 16): the stored record is checked on every verification, the
signed record names its token, and a certificate PDF is checked by the record it carries."""

import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader, PdfWriter

from onewindow.certificates import pdfrecord
from onewindow.certificates.models import Certificate
from onewindow.certificates.printing import render_certificate

pytestmark = pytest.mark.django_db


def _tamper(certificate, **changes):
    Certificate.objects.filter(pk=certificate.pk).update(**changes)  # what an attacker with the database does
    return Certificate.objects.get(pk=certificate.pk)


def test_rewritten_record_is_invalid_on_page_and_api(establish, client, api):
    _, certificate = establish()
    printed = dict(certificate.printed, fields=[["名称", "伪造的名称"], *certificate.printed["fields"][1:]])
    _tamper(certificate, printed=printed)
    page = client.get(f"/verify/{certificate.token}")
    html = page.content.decode()
    assert page.status_code == 200 and "无效" in html and "伪造的名称" not in html
    body = api(None).get(f"/api/v1/verify/{certificate.token}").json()
    assert body["status"] == "invalid" and body["printed"] is None


def test_a_record_moved_to_another_token_is_invalid(establish, client, api):
    _, certificate = establish()
    _tamper(certificate, token="forged-token-0000000000")
    assert api(None).get("/api/v1/verify/forged-token-0000000000").json()["status"] == "invalid"


def test_genuine_record_still_valid(establish, api):
    _, certificate = establish()
    assert api(None).get(f"/api/v1/verify/{certificate.token}").json()["status"] == "valid"


def test_cli_verifies_the_pdf_and_refuses_an_altered_one(establish, tmp_path, capsys):
    organisation, certificate = establish()
    genuine = tmp_path / "genuine.pdf"
    genuine.write_bytes(render_certificate(certificate))
    call_command("certificate", "verify", str(genuine))
    assert "VALID: signature valid" in capsys.readouterr().out

    # A forged PDF showing another name, carrying the genuine signed record.
    forged_certificate = Certificate.objects.get(pk=certificate.pk)
    forged_certificate.printed = dict(certificate.printed,
                                      fields=[["名称", "伪造培训中心"], *certificate.printed["fields"][1:]])
    forged_pdf = render_certificate(forged_certificate)  # its attachment holds the forged, unsigned data
    reader = PdfReader(io.BytesIO(forged_pdf))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.add_attachment(pdfrecord.ATTACHMENT, PdfReader(genuine).attachments[pdfrecord.ATTACHMENT][0])
    forged = tmp_path / "forged.pdf"
    with forged.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(SystemExit):
        call_command("certificate", "verify", str(forged))
    assert "does not show" in capsys.readouterr().out

    # The forged PDF with its own (edited) record: the signature fails.
    edited = tmp_path / "edited.pdf"
    edited.write_bytes(forged_pdf)
    with pytest.raises(SystemExit):
        call_command("certificate", "verify", str(edited))
    assert "INVALID: signature does not match" in capsys.readouterr().out
