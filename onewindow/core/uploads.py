"""Uploads (case materials, form files, evidence, photos): the type is decided by the file's content (magic
bytes), never by its name."""

import hashlib
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onewindow.core.errors import ValidationFailed

# content type -> (leading bytes, extensions that may carry it)
SIGNATURES = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
}


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    content_type: str
    extension: str
    sha256: str
    stored_name: str


def sniff(head: bytes) -> str | None:
    for content_type, (magic, _exts) in SIGNATURES.items():
        if head.startswith(magic):
            return content_type
    return None


def check_upload(*, name: str, content: bytes) -> CheckedUpload:
    """Refuse empty, oversized, unknown or mislabelled files; return what to store."""
    limit = settings.ONEWINDOW_UPLOAD_MAX_BYTES
    if not content:
        raise ValidationFailed(_("The file is empty."), code="upload_empty")
    if len(content) > limit:
        raise ValidationFailed(_("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
                               code="upload_too_large", details={"max_bytes": limit, "size": len(content)})
    content_type = sniff(content[:16])
    if content_type is None:
        raise ValidationFailed(_("Only PDF, JPEG and PNG files are accepted; this file is none of them."),
                               code="upload_type_refused")
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = SIGNATURES[content_type][1]
    if extension not in allowed:
        raise ValidationFailed(
            _("The file name says “%(ext)s” but the content is %(type)s.") % {"ext": extension or "-",
                                                                          "type": content_type},
            code="upload_extension_mismatch", details={"detected": content_type})
    return CheckedUpload(content=content, content_type=content_type, extension=allowed[0],
                         sha256=hashlib.sha256(content).hexdigest(),
                         stored_name=f"{uuid.uuid4().hex}{allowed[0]}")


# Storage is not transactional: a file written in a transaction that rolls back has no row pointing at
# it, so nobody could find or delete it. Each open `atomic_files` block lists the files stored inside it.
_blocks = threading.local()


@contextmanager
def atomic_files() -> Iterator[None]:
    """`transaction.atomic()` that deletes the files stored (via `store`) inside it when it rolls back,
    also when an inner block had already finished."""
    written: list[str] = []
    stack = _blocks.__dict__.setdefault("stack", [])
    stack.append(written)
    try:
        with transaction.atomic():
            yield
            if transaction.get_rollback():
                _delete(written)
    except BaseException:
        _delete(written)
        raise
    finally:
        stack.pop()


def store(field_file, name: str, content: bytes) -> None:
    """Write the file now (the row refers to it), remembered by every enclosing `atomic_files` block."""
    field_file.save(name, ContentFile(content), save=False)
    for written in getattr(_blocks, "stack", []):
        written.append(field_file.name)


def _delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
