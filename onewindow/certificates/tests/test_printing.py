"""The certificate PDF as the window prints it: 正本 and 副本, the QR code to the verification page of the
site as served now, reprints counted on the certificate and audited."""

import urllib.request

import pytest

from onewindow.audit.models import AuditEvent
from onewindow.certificates.printing import cache_path, certificate_pdf
from onewindow.core.tests.pdfread import flat, read_pdf


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_original_and_duplicate_print_as_their_own_sheets(establish, settings):
    settings.ONEWINDOW_PUBLIC_URL = "http://127.0.0.1:8765"
    organisation, certificate = establish()
    pages, codes = read_pdf(certificate_pdf(certificate))
    pages = [flat(page) for page in pages]
    assert [page.count("正本") for page in pages] == [1, 0] and "副本" in pages[1]
    assert codes == [f"http://127.0.0.1:8765/verify/{certificate.token}"]
    text = pages[0]
    assert certificate.number in text and organisation.credit_code in text and "名称湖南康养职业技能培训中心" in text
    assert "有效期限：自" in text and "发证机关：湖南省民政厅" in text
    original = [flat(page) for page in read_pdf(certificate_pdf(certificate, "original"))[0]]
    duplicate = [flat(page) for page in read_pdf(certificate_pdf(certificate, "duplicate"))[0]]
    assert len(original) == len(duplicate) == 1
    assert "正本" in original[0] and "副本" in duplicate[0] and "副本" not in original[0]


def test_cached_pdf_is_made_again_when_the_public_address_changes(establish, settings):
    _, certificate = establish()
    certificate_pdf(certificate)
    first = cache_path(certificate)
    settings.ONEWINDOW_PUBLIC_URL = "https://zwfw.example.gov.cn"
    _pages, codes = read_pdf(certificate_pdf(certificate))
    assert codes == [f"https://zwfw.example.gov.cn/verify/{certificate.token}"]
    assert cache_path(certificate) != first and first.exists()


def test_reprint_of_one_sheet_is_counted_audited_and_printed_with_its_number(establish, login, clerk):
    _, certificate = establish()
    client = login(clerk)
    response = client.post(f"/verify/staff/{certificate.token}/reprint", {"copy": "duplicate"})
    assert response.status_code == 302 and response.url.endswith("/pdf?copy=duplicate")
    certificate.refresh_from_db()
    assert certificate.print_count == 1
    event = AuditEvent.objects.get(action="certificate.printed")
    assert event.changes == {"copy": 1, "sheet": "duplicate"}
    pdf = client.get(response.url)
    pages, _codes = read_pdf(pdf.content)
    assert len(pages) == 1 and "副本" in flat(pages[0]) and "打印序号：1" in flat(pages[0])
    assert "duplicate" in pdf["Content-Disposition"]
    # An unknown sheet prints both, counted as one copy.
    client.post(f"/verify/staff/{certificate.token}/reprint", {"copy": "x"})
    assert AuditEvent.objects.filter(action="certificate.printed").last().changes == {"copy": 2, "sheet": "both"}


@pytest.mark.django_db(transaction=True)
def test_certificate_qr_opens_its_verification_page(live_server, settings, establish):
    settings.ONEWINDOW_PUBLIC_URL = live_server.url
    _, certificate = establish()
    _pages, codes = read_pdf(certificate_pdf(certificate, "original"))
    with urllib.request.urlopen(codes[0], timeout=30) as response:
        assert response.status == 200
        assert certificate.number in response.read().decode()
