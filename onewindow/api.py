"""The JSON API (/api/v1/). Token auth only; errors are {"code", "message", "details"}.

Each app exposes a `router` in its own `api.py`; this module mounts them.
"""

from django.http import Http404
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from onewindow.core.errors import MESSAGES, ServiceError
from onewindow.core.openapi import OneWindowAPI  # documents each operation's error responses

api = OneWindowAPI(
    title="OneWindow API",
    version="1.0.0",
    description="一窗通办 API: catalog, cases, certificates and exchange with the provincial platform.",
    urls_namespace="api",
)


def error_response(request, status: int, code: str, message: str, details=None):
    return api.create_response(request, {"code": code, "message": message, "details": details or {}},
                               status=status)


@api.exception_handler(ServiceError)
def on_service_error(request, exc: ServiceError):
    return error_response(request, exc.status, exc.code, str(exc.message), exc.details)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    return error_response(request, 422, "validation_failed", str(MESSAGES["validation_failed"]), exc.errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return error_response(request, 401, "unauthorized", str(MESSAGES["unauthorized"]))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, 404, "not_found", str(MESSAGES["not_found"]))


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return error_response(request, exc.status_code, "http_error", str(exc))


def _mount():
    from onewindow.cases.api import router as cases_router
    from onewindow.catalog.api import router as catalog_router
    from onewindow.certificates.api import router as certificates_router
    from onewindow.evaluations.api import router as evaluations_router
    from onewindow.exchange.api import router as exchange_router
    from onewindow.hall.api import appointments_router
    from onewindow.hall.api import router as hall_router
    from onewindow.portal.api import router as portal_router
    from onewindow.ratings.api import router as ratings_router
    from onewindow.registry.api import router as registry_router
    from onewindow.stats.api import router as stats_router
    from onewindow.volunteers.api import router as volunteers_router

    api.add_router("/items", catalog_router)
    api.add_router("/cases", cases_router)
    api.add_router("/verify", certificates_router)
    api.add_router("/organisations", registry_router)
    api.add_router("/ratings", ratings_router)
    api.add_router("/stats", stats_router)
    api.add_router("/portal", portal_router)
    api.add_router("/platform", exchange_router)
    api.add_router("/hall", hall_router)
    api.add_router("/appointments", appointments_router)
    api.add_router("/evaluations", evaluations_router)
    api.add_router("/volunteers", volunteers_router)


_mount()
