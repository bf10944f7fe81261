"""Server-rendered SVG bar charts (no front-end build, no JavaScript)."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def bar_chart(pairs: list[tuple[str, float | int | None]], *, title: str, width: int = 720,
              bar_height: int = 22, label_width: int = 220) -> SafeString:
    """Horizontal bars, one per (label, value); values scaled to the largest. Accessible via <title>."""
    values = [v or 0 for _label, v in pairs]
    top = max(values, default=0) or 1
    span = width - label_width - 70
    height = bar_height * len(pairs) + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" class="chart"><title>{escape(title)}</title>',
             f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']
    for i, (label, value) in enumerate(pairs):
        y = 26 + i * bar_height
        w = round(span * (value or 0) / top)
        parts.append(f'<text x="{label_width - 6}" y="{y + 15}" font-size="12" text-anchor="end">'
                     f'{escape(str(label)[:24])}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{w}" height="{bar_height - 6}" fill="#0b4f9c"/>')
        parts.append(f'<text x="{label_width + w + 4}" y="{y + 15}" font-size="12">'
                     f'{escape("" if value is None else value)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
