"""The certificate PDF: rendered on first download (never inside a decision) and cached under MEDIA_ROOT."""

import os
import tempfile
from pathlib import Path

from django.conf import settings

from onewindow.core.pdf import chinese_date, links_key, qr_data_uri, render_pdf

from . import pdfrecord
from .models import Certificate
from .services import certificate_record, verify_url

# Which sheet(s) to print: the original (正本), the duplicate (副本), or both (one page each).
COPIES = {"original": "正本", "duplicate": "副本"}


def cache_path(certificate: Certificate, copy: str = "") -> Path:
    # One file per printed copy: the copy number is part of what is printed.
    suffix = f"-{copy}" if copy else ""
    name = f"{certificate.token}-{certificate.print_count}{suffix}-{links_key()}.pdf"
    return Path(settings.MEDIA_ROOT) / "certificates" / name


def render_certificate(certificate: Certificate, copy: str = "") -> bytes:
    """Landscape A4: page 1 the original (正本), page 2 the duplicate (副本); or the one sheet `copy` names."""
    printed = certificate.printed
    context = {
        "p": printed,
        "copies": [COPIES[copy]] if copy else list(COPIES.values()),
        "valid_from": chinese_date(printed["valid_from"]),
        "valid_until": chinese_date(printed["valid_until"]),
        "issued_on": chinese_date(printed["issued_on"]),
        # The QR opens the verification page where the site is served now (ONEWINDOW_PUBLIC_URL); the
        # address inside the signed payload stays as issued.
        "qr": qr_data_uri(verify_url(certificate.token)),
        "signature": certificate.signature,
        "key_id": certificate.key_id,
        "copy_no": certificate.print_count,
    }
    # The signed record travels inside the PDF, so the file alone can be checked (pdfrecord.py).
    return pdfrecord.embed(render_pdf("certificates/certificate_pdf.html", context), certificate_record(certificate))


def certificate_pdf(certificate: Certificate, copy: str = "") -> bytes:
    """The cached PDF of the current copy (both sheets, or the one `copy` names), rendering it the first time."""
    path = cache_path(certificate, copy)
    if path.exists():
        return path.read_bytes()
    pdf = render_certificate(certificate, copy)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(pdf)
    os.replace(tmp, path)  # atomic: a concurrent reader never sees half a file
    return pdf
