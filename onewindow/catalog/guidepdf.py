"""The public guide PDF, rendered once per published item version and kept as a file.

WeasyPrint takes about a second per guide, and anyone may ask for the PDF: without a cache each anonymous
request would cost that second. A published version never changes (models refuse it), so its PDF is kept
under MEDIA_ROOT/guides, shared by every process and surviving restarts. The file name carries what else
the PDF shows: the version's publication time (so a version id reused after a restore cannot serve an old
file), the public URL key of core.pdf.links_key, the language and the catalog's label."""

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language

from onewindow.core.pdf import links_key, render_pdf

from .selectors import catalog_label


def _path(version, label: str) -> Path:
    identity = f"{version.published_at.isoformat() if version.published_at else ''}|{get_language()}|{label}"
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return Path(settings.MEDIA_ROOT) / "guides" / f"{version.pk}-{digest}-{links_key()}.pdf"


def guide_pdf_bytes(version) -> bytes:
    """The guide PDF of a published version: read from its file, rendered and stored the first time."""
    label = catalog_label()
    path = _path(version, label)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    pdf = render_pdf("catalog/guide_pdf.html", {"v": version, "catalog_label": label})
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")  # written whole, then renamed: readers never
    with os.fdopen(fd, "wb") as f:                                # see half a file, concurrent writers agree
        f.write(pdf)
    os.replace(tmp, path)
    return pdf
