"""Request bodies are refused by their declared size before any of them is read: a body larger than the
largest allowed upload plus room for the form fields gets 413 at once, so nobody can stream gigabytes into
temporary files (Django only caps non-file fields, DATA_UPLOAD_MAX_MEMORY_SIZE). A body without a valid
Content-Length is read as empty by Django, so the declared length is the one that counts.

Within that length, each file is also counted as it streams (`StreamingSizeLimitHandler`, the first of
FILE_UPLOAD_HANDLERS): no more than the per-file limit plus one byte of a file is ever handed on to be kept
(memory or temporary file); the rest of it is dropped chunk by chunk as it arrives. The view then sees a file
over the limit and refuses it with its own message (`core.uploads.check_upload`), keeping what was typed."""

import json

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.db import DataError
from django.http import HttpResponse
from django.utils.translation import gettext as _

FORM_ROOM = 1024 * 1024  # form fields and multipart framing around the file


def max_body_bytes() -> int:
    return settings.ONEWINDOW_UPLOAD_MAX_BYTES + FORM_ROOM


class BodySizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(declared)
        except ValueError:
            length = -1
        if length < 0 or length > max_body_bytes():
            status = 400 if length < 0 else 413
            message = (_("The request declares an invalid length.") if length < 0 else
                       _("The request is too large (at most %(mb)d MB per file).")
                       % {"mb": settings.ONEWINDOW_UPLOAD_MAX_BYTES // (1024 * 1024)})
            if request.path.startswith("/api/"):
                body = {"code": "too_large" if status == 413 else "bad_length", "message": message,
                        "details": {"Content-Length": declared}}
                return HttpResponse(json.dumps(body, ensure_ascii=False), status=status,
                                    content_type="application/json")
            return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class StreamingSizeLimitHandler(FileUploadHandler):
    """Hands on at most ONEWINDOW_UPLOAD_MAX_BYTES + 1 bytes of each file and drops the rest as it streams, so
    no file is ever held whole; one byte over the limit is enough for the view to refuse it by size."""

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        room = settings.ONEWINDOW_UPLOAD_MAX_BYTES + 1 - self.received
        self.received += len(raw_data)
        return raw_data[:room] if room > 0 else None  # None: later handlers never see the chunk

    def file_complete(self, file_size):
        return None


def _nul_field(value, path: str = "") -> str | None:
    """The first field (dotted path) whose name or text holds a NUL character, which PostgreSQL cannot store."""
    if isinstance(value, str):
        return path or "body" if "\x00" in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = ((str(i), v) for i, v in enumerate(value))
    else:
        return None
    for key, item in items:
        name = f"{path}.{key}" if path else str(key)
        if "\x00" in str(key):
            return name
        found = _nul_field(item, name)
        if found:
            return found
    return None


def _refusal(request, status: int, code: str, message: str, details: dict) -> HttpResponse:
    if request.path.startswith("/api/"):
        body = {"code": code, "message": message, "details": details}
        return HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type="application/json")
    text = message + "".join(f" ({field})" for field in details)
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


class BadInputMiddleware:
    """No 500 for bad input: a NUL character in any query, form or JSON field is refused up front (400/422 with
    the field named; SQLite would store it, PostgreSQL fails), and a value the database still refuses (too
    long, out of range) becomes a 422 instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = _nul_field({k: request.GET.getlist(k) for k in request.GET})
        if field is None and request.method in ("POST", "PUT", "PATCH"):
            if request.content_type == "application/json":
                try:
                    field = _nul_field(json.loads(request.body or b"null"))
                except (ValueError, UnicodeDecodeError):
                    field = None  # malformed JSON: the API answers it
            elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                try:
                    field = _nul_field({k: request.POST.getlist(k) for k in request.POST})
                except Exception:  # a malformed multipart body  # noqa: BLE001
                    return _refusal(request, 400, "bad_body", _("The form data could not be read."), {"body": "malformed"})
        if field is not None:
            field = field.rsplit(".", 1)[0] if field.rsplit(".", 1)[-1].isdigit() else field
            return _refusal(request, 422 if request.path.startswith("/api/") else 400, "validation_failed",
                            _("A field holds a character that is not allowed."), {field: "nul_character"})
        return self.get_response(request)

    def process_exception(self, request, exception):
        # PostgreSQL refuses an integer beyond its column with a DataError; SQLite's driver cannot even bind one
        # beyond 64 bits (OverflowError) — e.g. a huge id in a URL.
        if isinstance(exception, (DataError, OverflowError)):
            return _refusal(request, 422, "value_out_of_range",
                            _("A value is too long or out of range for what can be stored."), {})
        return None
