from django.core.exceptions import PermissionDenied

from .models import AuditEvent
from .services import audit_record


class AuditDeniedMiddleware:
    """Records every refusal: a PermissionDenied raised by a view and any other 403 response (CSRF
    failures, DRF permission checks, a view returning 403 itself).

    404s are not recorded: out-of-scope lookups answer 404 on purpose and would drown the trail.
    It sits last in MIDDLEWARE, so by the time it records, the view's atomic blocks have unwound and the
    row survives their rollback.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403 and not getattr(request, "_audit_denied_recorded", False):
            self._record(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            self._record(request)
        return None

    @staticmethod
    def _record(request):
        request._audit_denied_recorded = True
        audit_record(action=AuditEvent.Action.PERMISSION_DENIED, request=request,
                     outcome=AuditEvent.Outcome.DENIED,
                     details={"method": request.method, "path": request.path[:300]})
