"""The request being served, for the audit trail only.

Services take `by` (the acting user), never the request, so they stay callable from Celery and commands. The
trail still wants to know from which address and browser a change came: the middleware below lends the request
to `audit_record` for the duration of one request, and nothing else reads it.
"""

from __future__ import annotations

from contextvars import ContextVar

_request: ContextVar = ContextVar("audit_request", default=None)


def current_request():
    return _request.get()


class AuditRequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
