"""Views that refuse, to test AuditDeniedMiddleware (used with @pytest.mark.urls)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseForbidden
from django.urls import path


def raises_permission_denied(request):
    raise PermissionDenied


def returns_403(request):
    return HttpResponseForbidden("no")


def returns_404(request):
    from django.http import Http404

    raise Http404


def accepts_post(request):
    return HttpResponse("ok")


def service_write(request):
    """What a service does: it records with the acting user it was given, and no request."""
    from audit.services import audit_record

    audit_record(action="change", actor=request.user, object_type="tests.thing", object_id=1)
    return HttpResponse("ok")


urlpatterns = [
    path("denied/", raises_permission_denied),
    path("forbidden/", returns_403),
    path("missing/", returns_404),
    path("post/", accepts_post),
    path("service-write/", service_write),
]
