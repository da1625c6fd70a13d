"""Request-level protections that every page and API gets for free (see docs/SECURITY.md).

Order in settings.MIDDLEWARE matters: RequestLimitsMiddleware runs before anything reads the body. The sign-in
middlewares (session timeout, two-factor) belong to accounts.
"""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

BODY_METHODS = {"POST", "PUT", "PATCH"}
log = logging.getLogger(__name__)


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def error_response(request, status: int, message: str, **extra) -> HttpResponse:
    if is_api(request):
        response = JsonResponse({"detail": message, **extra}, status=status)
    else:
        response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


class RequestLimitsMiddleware:
    """413 for bodies over the limit, 415 for body types no view of ours accepts.

    Django alone answers an oversized form with a generic 400 (RequestDataTooBig) and only after
    starting to read it; checking Content-Length first refuses it before a byte is buffered.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in BODY_METHODS:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return error_response(request, 400, _("Invalid Content-Length header."))
            if length > settings.REQUEST_MAX_BODY_BYTES:
                return error_response(request, 413, _("Request body too large: the limit is %(limit)d bytes.")
                              % {"limit": settings.REQUEST_MAX_BODY_BYTES},
                              limit_bytes=settings.REQUEST_MAX_BODY_BYTES)
            content_type = (request.META.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
            if length and content_type not in settings.REQUEST_ALLOWED_CONTENT_TYPES:
                return error_response(request, 415, _("Unsupported content type: %(type)s.")
                              % {"type": content_type or "-"})
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every response; no-store wherever personal data may be shown."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = "; ".join(f"{k} {v}" for k, v in settings.CONTENT_SECURITY_POLICY.items())

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.csp)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if not request.path.startswith(settings.STATIC_URL):
            # Pages and API answers may hold personal data: never keep them in a browser or proxy cache.
            response["Cache-Control"] = "no-store"
            response.setdefault("Pragma", "no-cache")
        return response


def database_unavailable_message() -> str:
    return _("The service is briefly unavailable; send it again in a few seconds.")


class DatabaseUnavailableMiddleware:
    """While PostgreSQL is down or restarting, a view's query fails with OperationalError: answer 503 with
    Retry-After instead of 500, so a camera or a phone retries the delivery rather than treat it as refused. Nothing
    was committed (the database is the first thing every write touches), so a retry stores it once."""

    RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        log.warning("database unavailable for %s %s: %s", request.method, request.path, exception)
        response = error_response(request, 503, database_unavailable_message())
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response
