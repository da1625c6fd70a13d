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


urlpatterns = [
    path("denied/", raises_permission_denied),
    path("forbidden/", returns_403),
    path("missing/", returns_404),
    path("post/", accepts_post),
]
