"""Uploads refused by size before they are read (issue 16, "Bounded public endpoints")."""

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_an_oversized_body_is_refused_by_its_declared_length(settings):
    settings.ONEWINDOW_UPLOAD_MAX_BYTES = 1024
    client = Client()
    # The declared length alone decides: nothing of the body is read.
    response = client.post(reverse("portal:signup_organisation"), data=b"x", content_type="application/octet-stream",
                           CONTENT_LENGTH=str(10 * 1024 * 1024))
    assert response.status_code == 413
    response = client.post("/api/v1/portal/progress", data=b"{}", content_type="application/json",
                           CONTENT_LENGTH=str(10 * 1024 * 1024))
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    response = client.post("/api/v1/portal/progress", data=b"{}", content_type="application/json",
                           CONTENT_LENGTH="-5")
    assert response.status_code == 400


@pytest.mark.django_db
def test_anonymous_letter_uploads_are_limited_per_address(settings):
    from onewindow.core.ratelimit import POLICIES

    limit = POLICIES["upload.address"].limit
    client = Client(REMOTE_ADDR="198.51.100.30")
    for _ in range(limit):
        client.post(reverse("portal:signup_organisation"), {"organisation_name": "x"})
    response = client.post(reverse("portal:signup_organisation"), {"organisation_name": "x"})
    assert "一小时" in response.content.decode()


class CountingInput:
    """A WSGI input stream that records how many bytes the application read from it."""

    def __init__(self, body: bytes):
        self.body, self.read_bytes = body, 0

    def read(self, size=-1):
        size = len(self.body) - self.read_bytes if size is None or size < 0 else size
        chunk = self.body[self.read_bytes:self.read_bytes + size]
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size=-1):
        return self.read(size)


def multipart(field: str, size: int) -> tuple[bytes, str]:
    boundary = "ow-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"organisation_name\"\r\n\r\nx\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"letter.pdf\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode() + b"%PDF-" + b"x" * size + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def wsgi_post(path: str, body: bytes, content_type: str, **extra) -> tuple[str, bytes, CountingInput]:
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.client import RequestFactory

    stream = CountingInput(body)
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="POST", CONTENT_TYPE=content_type,
                                             REMOTE_ADDR="198.51.100.40", **extra)
    environ["wsgi.input"] = stream
    environ.pop("CONTENT_LENGTH", None)
    environ.update({k: v for k, v in extra.items() if k == "CONTENT_LENGTH"})
    status = []
    chunks = WSGIHandler()(environ, lambda s, headers, *exc: status.append(s))
    return status[0], b"".join(chunks), stream


def test_a_file_past_the_limit_is_cut_as_it_streams_never_held_whole(settings):
    # Parsed with the configured handlers: of a 900 KB file only the limit plus one byte reaches the handler
    # that keeps it; the rest is dropped chunk by chunk as it arrives.
    from django.http.multipartparser import MultiPartParser
    from django.http.request import HttpRequest

    settings.ONEWINDOW_UPLOAD_MAX_BYTES = 64 * 1024
    body, content_type = multipart("authorisation", 900 * 1024)
    request = HttpRequest()
    handlers = request.upload_handlers
    assert type(handlers[0]).__name__ == "StreamingSizeLimitHandler"
    meta = {"CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(body))}
    post, files = MultiPartParser(meta, CountingInput(body), handlers).parse()
    assert post["organisation_name"] == "x"
    assert files["authorisation"].size == 64 * 1024 + 1 < 900 * 1024


@pytest.mark.django_db
def test_an_oversized_file_within_the_declared_length_is_refused_with_the_form_kept(settings):
    settings.ONEWINDOW_UPLOAD_MAX_BYTES = 64 * 1024
    body, content_type = multipart("authorisation", 900 * 1024)
    response = Client().generic("POST", reverse("portal:signup_organisation"), body, content_type=content_type)
    page = response.content.decode()
    assert response.status_code == 422 and "MB" in page and 'value="x"' in page


@pytest.mark.django_db(transaction=True)
def test_a_chunked_body_without_content_length_is_never_read_whole(settings):
    # Transfer-Encoding: chunked, no Content-Length (what gunicorn hands on): Django reads nothing of it, so a
    # multi-megabyte body costs nothing and the form is seen as empty (not a 500).
    settings.ONEWINDOW_UPLOAD_MAX_BYTES = 64 * 1024
    body, content_type = multipart("authorisation", 4 * 1024 * 1024)
    status, _content, stream = wsgi_post(reverse("portal:signup_organisation"), body, content_type,
                                         HTTP_TRANSFER_ENCODING="chunked")
    assert not status.startswith("5")
    assert stream.read_bytes == 0
