"""Errors raised by services. Every entry point turns them into a Chinese message (UI) or a
structured JSON body (API) with the same stable code."""

from django.utils.translation import gettext_lazy as _

# Messages for errors raised outside services (request parsing, authentication, routing).
MESSAGES = {
    "validation_failed": _("The request data is not valid."),
    "unauthorized": _("A valid access token is required."),
    "not_found": _("Not found."),
}


class ServiceError(Exception):
    """A refused action. `code` is stable for API clients; `message` is for people."""

    status = 400
    code = "invalid"
    default_message = _("The request cannot be carried out.")

    def __init__(self, message=None, *, code: str | None = None, details: dict | list | None = None):
        message = message or self.default_message
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.details = details or {}

    def as_dict(self) -> dict:
        return {"code": self.code, "message": str(self.message), "details": self.details}


class ValidationFailed(ServiceError):
    status = 422
    code = "validation_failed"


class PermissionDenied(ServiceError):
    status = 403
    code = "forbidden"
    default_message = _("You are not allowed to do this.")


class NotFound(ServiceError):
    status = 404
    code = "not_found"
    default_message = MESSAGES["not_found"]


class Conflict(ServiceError):
    """The object changed under us (another clerk acted first) or is in the wrong state."""

    status = 409
    code = "conflict"


class RateLimited(ServiceError):
    """Over a rate limit (core/ratelimit.py): 429."""

    status = 429
    code = "rate_limited"
    default_message = _("Too many requests; please try again in a minute.")
