"""The PDF of a 志愿服务记录证明: rendered on first download and cached under MEDIA_ROOT (it never changes)."""

import os
import tempfile
from pathlib import Path

from django.conf import settings

from onewindow.core.pdf import qr_data_uri, render_pdf

from .models import RecordCertificate


def _chinese_date(iso: str) -> str:
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{year}年{month}月{day}日"


def certificate_pdf(certificate: RecordCertificate) -> bytes:
    path = Path(settings.MEDIA_ROOT) / "volunteers" / "certificates" / f"{certificate.token}.pdf"
    if path.exists():
        return path.read_bytes()
    printed = certificate.printed
    pdf = render_pdf("volunteers/certificate_pdf.html", {
        "p": printed, "issued_on": _chinese_date(printed["issued_on"]), "qr": qr_data_uri(printed["verify_url"]),
        "signature": certificate.signature, "key_id": certificate.key_id})
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(pdf)
    os.replace(tmp, path)  # atomic: a concurrent reader never sees half a file
    return pdf
