"""Request bodies are refused by their declared size before any of them is read: a body larger than the
largest allowed upload plus room for the form fields gets 413 at once, so nobody can stream gigabytes into
temporary files (Django only caps non-file fields, DATA_UPLOAD_MAX_MEMORY_SIZE). A body without a valid
Content-Length is read as empty by Django, so the declared length is the one that counts."""

import json

from django.conf import settings
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
