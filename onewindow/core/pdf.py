"""HTML → PDF with WeasyPrint, Chinese fonts from Debian's fonts-noto-cjk.

Templates name the fonts (`pdf/base.html`, the certificate template): first the families declared here
("OneWindow Serif CJK", "OneWindow Sans CJK" bold, "OneWindow Mono CJK"), then the system families
("Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Sans Mono CJK SC") as fallback.

What makes a render slow is the size of the Noto CJK files (20–27 MB, 65,000 glyphs each): for every
font a document uses WeasyPrint copies the whole file and subsets it keeping the glyph ids, so the
embedded subset still holds ~60,000 empty glyphs. So:

- once per process, the Noto CJK faces the templates use are cut down with HarfBuzz to the characters
  of GB 2312 (all 6,763 hanzi and its symbols) plus Latin and CJK/full-width punctuation (~8,000
  characters, ~8,600 glyphs: every OpenType feature but `locl` is kept, so zh-Hans text is shaped as
  before) and declared with @font-face under their own family names; the cut-down files are kept
  under `VAR_DIR/cache/pdf-fonts/` so later processes skip the work. A character outside that set
  (a rare name character) is drawn from the full system font next in the font-family list, so
  nothing is lost; only that document pays for the big font.
- one FontConfiguration, URL fetcher and @font-face stylesheet per process are reused across renders
  (fontconfig set-up, the fonts copied into WeasyPrint's folder, the HTTPS context of the fetcher).
  Pango's font map is not thread-safe, so renders in one process take turns (they are CPU-bound and
  hold the GIL most of the time anyway); `runserver` starts a thread per request, so a per-thread
  engine would never be warm.

If the fonts or HarfBuzz cannot be found, rendering falls back to the system fonts by name.
"""

import atexit
import base64
import ctypes
import ctypes.util
import datetime
import hashlib
import io
import logging
import os
import subprocess
import tempfile
import threading
from pathlib import Path

import segno
from django.conf import settings
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# (family declared here, CSS weight, fontconfig pattern of the system face it is cut from)
FACES = [
    ("OneWindow Serif CJK", 400, "Noto Serif CJK SC:style=Regular"),
    ("OneWindow Serif CJK", 700, "Noto Serif CJK SC:style=Bold"),
    ("OneWindow Sans CJK", 700, "Noto Sans CJK SC:style=Bold"),
    ("OneWindow Mono CJK", 400, "Noto Sans Mono CJK SC:style=Regular"),
]
FONT_CACHE_VERSION = "gb2312-v3"
HB_SUBSET_SETS_LAYOUT_FEATURE_TAG = 6
FONT_SCHEME = "onewindow-font:"

_lock = threading.RLock()  # guards the engine and every render with it
_engine_objects: tuple | None = None


@atexit.register
def _drop_engine():
    # Before interpreter shutdown, while FontConfiguration.__del__ can still remove its font folder.
    global _engine_objects
    _engine_objects = None


def _charset() -> list[int]:
    """Code points kept in the compact fonts: GB 2312, ASCII, Latin-1, punctuation, full-width forms."""
    points = set(range(0x20, 0x7F)) | set(range(0xA0, 0x180)) | set(range(0x2000, 0x2070))
    points |= set(range(0x2100, 0x2200)) | set(range(0x2460, 0x2500)) | set(range(0x3000, 0x3040))
    points |= set(range(0xFF00, 0xFFF0))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return sorted(points)


def _harfbuzz_subset(path: str, index: int, codepoints: list[int]) -> bytes:
    """The face `index` of the font file `path`, cut down to `codepoints` (glyph ids renumbered)."""
    hb = ctypes.CDLL(ctypes.util.find_library("harfbuzz") or "libharfbuzz.so.0")
    hbs = ctypes.CDLL(ctypes.util.find_library("harfbuzz-subset") or "libharfbuzz-subset.so.0")
    ptr = ctypes.c_void_p
    for function, argtypes in [
        (hb.hb_blob_create_from_file_or_fail, [ctypes.c_char_p]), (hb.hb_face_create, [ptr, ctypes.c_uint]),
        (hbs.hb_subset_input_create_or_fail, []), (hbs.hb_subset_input_unicode_set, [ptr]),
        (hbs.hb_subset_input_set, [ptr, ctypes.c_int]), (hbs.hb_subset_or_fail, [ptr, ptr]), (hb.hb_face_reference_blob, [ptr]),
        (hb.hb_blob_get_data, [ptr, ctypes.POINTER(ctypes.c_uint)]),
    ]:
        function.restype, function.argtypes = ptr, argtypes
    hb.hb_tag_from_string.argtypes, hb.hb_tag_from_string.restype = [ctypes.c_char_p, ctypes.c_int], ctypes.c_uint32
    for function in (hb.hb_set_add, hb.hb_set_del):
        function.argtypes, function.restype = [ptr, ctypes.c_uint32], None
    for function in (hb.hb_blob_destroy, hb.hb_face_destroy, hbs.hb_subset_input_destroy, hb.hb_set_clear,
                     hb.hb_set_invert):
        function.argtypes, function.restype = [ptr], None

    blob = hb.hb_blob_create_from_file_or_fail(os.fsencode(path))
    if not blob:
        raise OSError(f"HarfBuzz cannot read {path}")
    face = hb.hb_face_create(blob, index)
    subset_input = hbs.hb_subset_input_create_or_fail()
    subset_face = out_blob = None
    try:
        unicodes = hbs.hb_subset_input_unicode_set(subset_input)
        for codepoint in codepoints:
            hb.hb_set_add(unicodes, codepoint)
        # Keep every OpenType layout feature, so text is shaped exactly as with the full font, except
        # `locl`: the Japanese, Korean and traditional forms it reaches are 40% of the glyphs and our
        # documents are zh-Hans, the face's own default forms.
        features = hbs.hb_subset_input_set(subset_input, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG)
        hb.hb_set_clear(features)
        hb.hb_set_invert(features)
        hb.hb_set_del(features, hb.hb_tag_from_string(b"locl", -1))
        subset_face = hbs.hb_subset_or_fail(face, subset_input)
        if not subset_face:
            raise OSError(f"HarfBuzz cannot subset {path}")
        out_blob = hb.hb_face_reference_blob(subset_face)
        length = ctypes.c_uint()
        data = hb.hb_blob_get_data(out_blob, ctypes.byref(length))
        return ctypes.string_at(data, length.value)
    finally:
        for function, handle in ((hb.hb_blob_destroy, out_blob), (hb.hb_face_destroy, subset_face),
                                 (hbs.hb_subset_input_destroy, subset_input), (hb.hb_face_destroy, face),
                                 (hb.hb_blob_destroy, blob)):
            if handle:
                function(handle)


def _system_face(pattern: str) -> tuple[str, int] | None:
    """File and face index fontconfig picks for `pattern`, if it is the family asked for."""
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}\n%{index}\n%{family}", pattern],
                               capture_output=True, text=True, timeout=10, check=True).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return None
    family = pattern.split(":")[0]
    if len(found) < 3 or family not in found[2].split(","):
        return None
    return found[0], int(found[1] or 0)


def _compact_font(pattern: str, codepoints: list[int]) -> bytes | None:
    face = _system_face(pattern)
    if face is None:
        logger.warning("PDF fonts: %s not installed; the system font is used by name", pattern)
        return None
    path, index = face
    try:
        stat = os.stat(path)
    except OSError:
        return None
    cache_dir = Path(settings.VAR_DIR) / "cache" / "pdf-fonts"
    cached = cache_dir / f"{Path(path).stem}-{index}-{stat.st_size}-{stat.st_mtime_ns}-{FONT_CACHE_VERSION}.otf"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    try:
        data = _harfbuzz_subset(path, index, codepoints)
    except (OSError, AttributeError) as error:  # no HarfBuzz, or one without hb_subset / from-file
        logger.warning("PDF fonts: cannot cut down %s (%s); the full font is used", path, error)
        return None
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, cached)
    except OSError as error:  # a read-only VAR_DIR only costs the next process the same work
        logger.info("PDF fonts: cannot cache %s (%s)", cached, error)
    return data


def _fonts() -> dict[str, bytes]:
    """@font-face URL → cut-down font bytes, for the faces that could be built."""
    codepoints = _charset()
    fonts = {}
    for family, weight, pattern in FACES:
        data = _compact_font(pattern, codepoints)
        if data:
            fonts[_font_url(family, weight)] = data
    return fonts


def _font_url(family: str, weight: int) -> str:
    return f"{FONT_SCHEME}{family.replace(' ', '-')}-{weight}"


def _engine():
    """The process's (FontConfiguration, URL fetcher, [@font-face stylesheet]), built on first use.
    Callers hold `_lock` while they use it."""
    global _engine_objects
    engine = _engine_objects
    if engine is None:
        # Imported on first use: web and worker processes that never render a PDF stay small.
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        fonts = _fonts()

        class Fetcher(URLFetcher):
            def fetch(self, url, headers=None):
                if url.startswith(FONT_SCHEME):
                    return URLFetcherResponse(url, fonts[url], {"Content-Type": "font/otf"})
                return super().fetch(url, headers)

        font_config = FontConfiguration()
        fetcher = Fetcher()
        rules = "".join(
            f'@font-face {{ font-family: "{family}"; font-weight: {weight}; src: url("{_font_url(family, weight)}"); }}\n'
            for family, weight, _ in FACES if _font_url(family, weight) in fonts)
        # WeasyPrint fetches each face once, here, and keeps its own copy: the bytes can go.
        stylesheets = [CSS(string=rules, font_config=font_config, url_fetcher=fetcher)] if rules else []
        fonts.clear()
        engine = _engine_objects = (font_config, fetcher, stylesheets)
    return engine


def render_pdf(template_name: str, context: dict, *, base_url: str | None = None) -> bytes:
    """Render a Django template to PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    with _lock:
        font_config, fetcher, stylesheets = _engine()
        return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
            font_config=font_config, stylesheets=stylesheets)


def warm_up() -> None:
    """Build the fonts and the engine and render a line of Chinese, so that the first real PDF of a
    process does not pay for loading fonts (~1 s). For a worker's start-up; optional."""
    from weasyprint import HTML

    with _lock:
        font_config, fetcher, stylesheets = _engine()
        HTML(string='<p style="font-family: \'OneWindow Serif CJK\'">证书<b>证书</b>'
                    '<span style="font-family: \'OneWindow Sans CJK\'; font-weight: bold">证书</span>'
                    '<span style="font-family: \'OneWindow Mono CJK\'">证书</span></p>',
             url_fetcher=fetcher).write_pdf(font_config=font_config, stylesheets=stylesheets)


def qr_data_uri(url: str, *, scale: int = 8) -> str:
    """A QR code as a PNG data: URI, for <img src> in the PDF templates.

    The templates size it in mm with `image-rendering: pixelated` (no interpolation in the PDF);
    `scale` pixels a module keep it sharp in viewers that resample anyway. The PNG is a few hundred
    bytes and embedded once, where an SVG path of hundreds of squares was parsed and drawn on every
    render."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def chinese_date(value) -> str:
    """2026-11-27 (an ISO string or a date) → 2026年11月27日, the way official documents write dates."""
    if not value:
        return ""
    day = datetime.date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return f"{day.year}年{day.month}月{day.day}日"


def links_key() -> str:
    """A short key of ONEWINDOW_PUBLIC_URL, part of the cache name of every PDF that carries a QR code to
    the site: a cached PDF made while the site was served elsewhere (another port, a new domain) is
    rendered again rather than handed out with codes that lead nowhere."""
    return hashlib.sha256(settings.ONEWINDOW_PUBLIC_URL.rstrip("/").encode()).hexdigest()[:8]
