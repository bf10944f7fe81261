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


def test_reused_font_configuration_keeps_rendering_chinese(tmp_path, settings):
    """The FontConfiguration, fetcher and @font-face sheet are reused: a second render still embeds the
    cut-down CJK font, and a character outside GB 2312 falls back to the full system font."""
    from onewindow.core import pdf as pdf_module

    template = tmp_path / "t.html"
    template.write_text('{% extends "pdf/base.html" %}{% block body %}<h1>{{ title }}</h1>'
                        '<p>{{ text }}</p>{% endblock %}', encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [str(tmp_path)]}]
    first = render_pdf("t.html", {"title": "社会团体法人登记证书", "text": "湖南省民政厅"})
    engine = pdf_module._engine_objects
    assert engine is not None
    second = render_pdf("t.html", {"title": "准予许可决定书", "text": "法定代表人：王堃"})  # 堃 is not in GB 2312
    assert pdf_module._engine_objects is engine  # same FontConfiguration for the second render
    assert "社会团体法人登记证书" in PdfReader(io.BytesIO(first)).pages[0].extract_text()
    text = PdfReader(io.BytesIO(second)).pages[0].extract_text()
    assert "准予许可决定书" in text and "法定代表人：王堃" in text
    assert len(second) < 1_000_000
    if not shutil.which("pdffonts"):
        pytest.skip("pdffonts (poppler-utils) not installed")
    fonts = subprocess.run(["pdffonts", "-"], input=second, capture_output=True).stdout.decode()
    if pdf_module._fonts():  # the cut-down fonts could be built here
        assert "OneWindow-Serif-CJK" in fonts and "OneWindow-Sans-CJK-Bold" in fonts
        assert "Noto-Serif-CJK-SC" in fonts  # the fallback for 堃
    assert "CJK" in fonts


def test_qr_code_is_a_small_png():
    uri = qr_data_uri("https://example.org/verify/abc")
    assert uri.startswith("data:image/png;base64,") and len(uri) < 4000


def test_renders_from_several_threads_share_the_engine(tmp_path, settings):
    from concurrent.futures import ThreadPoolExecutor

    from onewindow.core import pdf as pdf_module

    template = tmp_path / "t.html"
    template.write_text('{% extends "pdf/base.html" %}{% block body %}<h1>{{ title }}</h1>{% endblock %}',
                        encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [str(tmp_path)]}]
    pdf_module.warm_up()
    titles = ["受理通知书", "准予许可决定书", "送达回证", "不予受理通知书"]
    with ThreadPoolExecutor(max_workers=4) as pool:
        pdfs = list(pool.map(lambda title: render_pdf("t.html", {"title": title}), titles))
    for title, pdf in zip(titles, pdfs, strict=True):
        assert title in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
