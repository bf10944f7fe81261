"""HTML → PDF with WeasyPrint, Chinese fonts from Debian's fonts-noto-cjk.

Templates name the fonts explicitly ("Noto Serif CJK SC", "Noto Sans CJK SC") through `pdf/base.css`.
"""

import base64

import segno
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict, *, base_url: str | None = None) -> bytes:
    """Render a Django template to PDF bytes."""
    # Imported on first use: web and worker processes that never render a PDF stay small.
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=base_url).write_pdf()


def qr_data_uri(url: str, *, scale: int = 4) -> str:
    """An SVG QR code as a data: URI, for <img src> in HTML and PDF templates."""
    svg = segno.make(url, error="m").svg_inline(scale=scale, border=1)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
