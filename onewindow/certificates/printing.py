"""The certificate PDF: rendered on first download (never inside a decision) and cached under MEDIA_ROOT."""

import datetime
import os
import tempfile
from pathlib import Path

from django.conf import settings

from onewindow.core.pdf import qr_data_uri, render_pdf

from . import pdfrecord
from .models import Certificate
from .services import certificate_record


def cache_path(certificate: Certificate) -> Path:
    # One file per printed copy: the copy number is part of what is printed.
    return Path(settings.MEDIA_ROOT) / "certificates" / f"{certificate.token}-{certificate.print_count}.pdf"


def _chinese_date(iso: str) -> str:
    day = datetime.date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def render_certificate(certificate: Certificate) -> bytes:
    """Landscape A4: page 1 the original (正本), page 2 the duplicate (副本)."""
    printed = certificate.printed
    context = {
        "p": printed,
        "copies": ["正本", "副本"],
        "valid_from": _chinese_date(printed["valid_from"]),
        "valid_until": _chinese_date(printed["valid_until"]),
        "issued_on": _chinese_date(printed["issued_on"]),
        "qr": qr_data_uri(printed["verify_url"]),
        "signature": certificate.signature,
        "key_id": certificate.key_id,
        "copy_no": certificate.print_count,
    }
    # The signed record travels inside the PDF, so the file alone can be checked (pdfrecord.py).
    return pdfrecord.embed(render_pdf("certificates/certificate_pdf.html", context), certificate_record(certificate))


def certificate_pdf(certificate: Certificate) -> bytes:
    """The cached PDF of the current copy, rendering it the first time."""
    path = cache_path(certificate)
    if path.exists():
        return path.read_bytes()
    pdf = render_certificate(certificate)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(pdf)
    os.replace(tmp, path)  # atomic: a concurrent reader never sees half a file
    return pdf
