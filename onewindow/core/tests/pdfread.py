"""Reading rendered PDFs back in tests: their text (pypdf) and their QR codes (zxing-cpp)."""

import io

import zxingcpp
from pypdf import PdfReader


def read_pdf(content: bytes) -> tuple[list[str], list[str]]:
    """(the text of each page, the distinct texts of the QR codes in the page images, in order: WeasyPrint
    may list a page's images on each page of the document)."""
    reader = PdfReader(io.BytesIO(content))
    codes = []
    for page in reader.pages:
        for image in page.images:
            codes += [code.text for code in zxingcpp.read_barcodes(image.image.convert("L"))]
    return [page.extract_text() for page in reader.pages], list(dict.fromkeys(codes))


def flat(text: str) -> str:
    """pypdf breaks lines where the PDF does; assertions look for phrases across them."""
    return "".join(text.split())
