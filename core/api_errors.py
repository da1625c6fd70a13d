"""One error shape for the whole API: {"detail": "...", "errors": {"field": ["message", ...]}}.

DRF's default already names the field for validation errors; this adds a top-level `detail` to every
error so clients can always show one sentence, and turns unexpected exceptions into a bare 500 without a
stack trace or SQL (those go to the server log only).
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .api import as_api_exception
from .middleware import DatabaseUnavailableMiddleware, database_unavailable_message

log = logging.getLogger("mahalla_safety.api")


def exception_handler(exc, context):
    # A domain refusal is a 400 naming the field, a missing object a 404, on every API view.
    exc = as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        if isinstance(exc, Http404):
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        if isinstance(exc, OperationalError | InterfaceError):
            # PostgreSQL down or restarting: nothing was committed; the client should send it again.
            log.warning("database unavailable: %s", exc)
            return Response({"detail": database_unavailable_message()}, status=status.HTTP_503_SERVICE_UNAVAILABLE,
                            headers={"Retry-After": str(DatabaseUnavailableMiddleware.RETRY_AFTER_SECONDS)})
        log.exception("Unhandled API error", exc_info=exc)
        return Response({"detail": "Internal server error."}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        first_field = next(iter(errors), None)
        detail = "Invalid input."
        if first_field is not None:
            detail = f"Invalid input: {first_field}."
        response.data = {"detail": detail, "errors": errors}
    return response
