import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from onewindow.core.pdf import qr_data_uri, render_pdf


def test_pdf_embeds_chinese_text(tmp_path, settings):
    template = tmp_path / "t.html"
    template.write_text('{% extends "pdf/base.html" %}{% block body %}<h1>{{ title }}</h1>'
                        '<img src="{{ qr }}">{% endblock %}', encoding="utf-8")
    # Assigning a new TEMPLATES (not mutating it) makes Django rebuild its template engines.
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [str(tmp_path)]}]
    pdf = render_pdf("t.html", {"title": "湖南省民政厅受理通知书", "qr": qr_data_uri("https://example.org/x")})
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "湖南省民政厅受理通知书" in text
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True).stdout.decode()
        assert "CJK" in fonts  # the Noto CJK font is embedded, not a fallback
    else:
        pytest.skip("pdffonts (poppler-utils) not installed")
