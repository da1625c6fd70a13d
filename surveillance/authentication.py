"""How integrations (NVRs, analytics servers, the MQTT relay) authenticate: `Authorization: Bearer <token>`,
an optional IP allowlist, and a request budget per token."""

import time

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from audit.net import client_ip

from . import conf, services
from .models import Integration


class IntegrationTokenAuthentication(BaseAuthentication):
    """`request.auth` becomes the Integration; `request.user` stays anonymous: an integration is no person
    and holds no territorial scope, so it can push events but read nothing."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None
        if len(header) != 2:
            raise AuthenticationFailed(_("Malformed Authorization header: expected “Bearer <token>”."))
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(_("Unknown integration token.")) from None
        integration = services.integration_for_token(token)
        if integration is None:
            raise AuthenticationFailed(_("Unknown integration token."))
        if not integration.is_active:
            raise AuthenticationFailed(_("This integration token has been revoked."))
        return AnonymousUser(), integration

    def authenticate_header(self, request):
        return 'Bearer realm="surveillance"'


class IntegrationTokenScheme(OpenApiAuthenticationExtension):
    target_class = "surveillance.authentication.IntegrationTokenAuthentication"
    name = "integrationToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "Integration token printed once by `manage.py integration_create`."}


class IsIntegration(BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, Integration)


class IntegrationIpAllowed(BasePermission):
    def has_permission(self, request, view):
        integration = request.auth
        if isinstance(integration, Integration) and not services.integration_allows_ip(integration,
                                                                                        client_ip(request)):
            raise PermissionDenied(_("Requests with this token are not allowed from %(ip)s.")
                                   % {"ip": client_ip(request) or "-"})
        return True


class IntegrationRateThrottle(BaseThrottle):
    """One bucket per integration, a fixed window counted in the shared cache (Redis): two tiny operations per
    request whatever the rate, where DRF's sliding window re-pickles a list of every request in the window.
    An empty bucket answers 429 with Retry-After (the seconds left in the window)."""

    def __init__(self):
        self.num_requests, self.duration = SimpleRateThrottle.parse_rate(None, conf.get("SURVEILLANCE_INGEST_RATE"))
        self.retry_after = None

    def allow_request(self, request, view):
        if not isinstance(request.auth, Integration):
            return True
        now = time.time()
        window = int(now // self.duration)
        key = f"throttle_integration_{request.auth.pk}_{window}"
        cache.add(key, 0, timeout=self.duration + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=self.duration + 1)
            count = 1
        if count > self.num_requests:
            self.retry_after = max(1, int((window + 1) * self.duration - now) + 1)
            return False
        return True

    def wait(self):
        return self.retry_after
