"""The signed record inside the certificate PDF, so that a PDF alone can be checked offline
(`onewindow certificate verify FILE.pdf`).

The record (the same JSON as /api/v1/verify/<token>/record) is attached to the PDF as an embedded file.
A PDF passes only when that record's signature verifies AND every printed value of the record appears in
the PDF's text: a genuine record attached to a PDF showing other data (or a PDF whose record was edited)
is refused."""

import io
import json
import re

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

ATTACHMENT = "onewindow-certificate-record.json"
_SPACE = re.compile(r"\s+")


def embed(pdf: bytes, record: dict) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_attachment(ATTACHMENT, json.dumps(record, ensure_ascii=False, sort_keys=True).encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def extract(pdf: bytes) -> tuple[dict | None, str]:
    """(the embedded record or None, the PDF's text without white space)."""
    try:
        reader = PdfReader(io.BytesIO(pdf))
        attachments = reader.attachments
        text = "".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"not a readable PDF: {exc}") from exc
    record = None
    for content in attachments.get(ATTACHMENT, []):
        try:
            record = json.loads(content.decode())
        except (ValueError, UnicodeDecodeError):
            record = None
    return (record if isinstance(record, dict) else None), _SPACE.sub("", text)


def printed_values(payload: dict) -> list[str]:
    """What the PDF must show for its record to be its own: number, credit code and every field value."""
    values = [payload.get("number", ""), payload.get("credit_code", "")]
    values += [row[1] for row in payload.get("fields", []) if isinstance(row, list) and len(row) == 2]
    return [_SPACE.sub("", str(v)) for v in values if str(v).strip()]


def pdf_shows(text: str, payload: dict) -> list[str]:
    """The printed values missing from the PDF text (empty when the PDF shows its record)."""
    return [value for value in printed_values(payload) if value not in text]
