"""How integrations (NVRs, analytics servers, the MQTT relay) authenticate: `Authorization: Bearer <token>`,
an optional IP allowlist, and a request budget per token."""

import time
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied, Throttled
from rest_framework.permissions import BasePermission
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from audit.net import client_ip

from . import redis_ops
from .models import Integration
from .services import integrations


class _Known(NamedTuple):
    integration: Integration
    generation: bytes | None  # the token's generation in Redis when the row was read
    until: float  # time.monotonic()


# Per process: token hash -> its integration as last read from the database. Each request checks the token's
# generation in the same Redis round trip as its rate count; rotation and revocation bump it
# (services.integrations._token_changed), so no process serves a stale copy past its next request with the token.
_known: dict[str, _Known] = {}
KNOWN_MAX = 1000


def ingest_rate() -> tuple[int, int]:
    """(requests, seconds) allowed per integration token."""
    return SimpleRateThrottle.parse_rate(None, settings.SURVEILLANCE_INGEST_RATE)


def _counter(integration_id: int, window: int) -> str:
    return f"throttle_integration_{integration_id}_{window}"


# Per process, while Redis is unreachable: (integration id, window) -> requests counted here.
_local_counts: dict[tuple[int, int], int] = {}


def _count_locally(integration_id: int, window: int) -> int:
    """Each process then allows the whole rate: a looser limit for the outage, never a refused delivery."""
    if len(_local_counts) >= KNOWN_MAX:
        for stale in [k for k in _local_counts if k[1] != window]:
            del _local_counts[stale]
        if len(_local_counts) >= KNOWN_MAX:
            _local_counts.clear()
    count = _local_counts.get((integration_id, window), 0) + 1
    _local_counts[(integration_id, window)] = count
    return count


def integration_admit(token: str) -> tuple[Integration | None, int]:
    """The integration `token` belongs to (revoked ones included) and this request's number in the integration's
    rate window. While this process knows the token: one Redis round trip and no query. Otherwise the generation
    is read before the row, so a bump that lands in between is seen at the next request.

    While Redis is unreachable the generation cannot be checked, so every request reads the row (a revocation
    acts at once) and is counted in this process; the copies kept so far are dropped, since the bumps of changes
    made during the outage are lost."""
    prefix = integrations.token_prefix(token)
    if prefix is None:
        return None, 0
    duration = ingest_rate()[1]
    window = int(time.time() // duration)
    try:
        return _admit_shared(token, prefix, duration, window)
    except redis_ops.Unreachable:
        _known.clear()
        integration = integrations.integration_for_token(token)
        if integration is None:
            return None, 0
        return integration, _count_locally(integration.pk, window)


def _admit_shared(token: str, prefix: str, duration: int, window: int) -> tuple[Integration | None, int]:
    digest = integrations.token_hash(token)
    generation_key = integrations.token_generation_key(prefix)
    now = time.monotonic()
    known = _known.get(digest)
    count = 0
    if known is not None and known.until > now:
        count, generation = redis_ops.admit(_counter(known.integration.pk, window), generation_key,
                                            window_seconds=duration + 1)
        if generation == known.generation:
            return known.integration, count
    else:
        generation = redis_ops.get(generation_key)
    integration = integrations.integration_for_token(token)
    if integration is None:
        _known.pop(digest, None)
        return None, 0
    if len(_known) >= KNOWN_MAX:
        _known.clear()
    _known[digest] = _Known(integration, generation, now + settings.SURVEILLANCE_TOKEN_CACHE_SECONDS)
    if not count:
        count, _ = redis_ops.admit(_counter(integration.pk, window), generation_key, window_seconds=duration + 1)
    return integration, count


def refusal_rate() -> tuple[int, int]:
    """(refused tokens, seconds) allowed per client address."""
    return SimpleRateThrottle.parse_rate(None, settings.SURVEILLANCE_REFUSED_TOKENS_PER_IP)


# Per process, while Redis is unreachable: (address, window) -> refusals counted here.
_local_refusals: dict[tuple[str, int], int] = {}


def _refusal_key(ip: str, window: int) -> str:
    return f"ingest_refused_{ip}_{window}"


def refusals_exceeded(ip: str | None) -> bool:
    """Whether this address used up its refused tokens in the current window (checked before the token is)."""
    limit, duration = refusal_rate()
    window = int(time.time() // duration)
    ip = ip or "-"
    try:
        count = int(redis_ops.get(_refusal_key(ip, window)) or 0)
    except redis_ops.Unreachable:
        count = _local_refusals.get((ip, window), 0)
    return count >= limit


def refusal_count(ip: str | None) -> None:
    _limit, duration = refusal_rate()
    window = int(time.time() // duration)
    ip = ip or "-"
    try:
        redis_ops.add(_refusal_key(ip, window), seconds=duration + 1) or redis_ops.incr(_refusal_key(ip, window))
    except redis_ops.Unreachable:
        if len(_local_refusals) >= KNOWN_MAX:
            _local_refusals.clear()
        _local_refusals[(ip, window)] = _local_refusals.get((ip, window), 0) + 1


def _recently_known(header: list[bytes]) -> bool:
    if len(header) != 2:
        return False
    try:
        digest = integrations.token_hash(header[1].decode("ascii"))
    except UnicodeDecodeError:
        return False
    known = _known.get(digest)
    return known is not None and known.until > time.monotonic()


class IngestRefusalsThrottled(Throttled):
    default_detail = _("Too many refused integration tokens from this address; try again later.")


class IntegrationTokenAuthentication(BaseAuthentication):
    """`request.auth` becomes the Integration; `request.user` stays anonymous: an integration is no person
    and holds no territorial scope, so it can push events but read nothing. Counts the request for
    IntegrationRateThrottle in the same step."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None
        ip = client_ip(request)
        # A token this process already knows skips the check (a guess is never known): the hot path keeps its
        # one Redis round trip.
        if not _recently_known(header) and refusals_exceeded(ip):
            raise IngestRefusalsThrottled(wait=refusal_rate()[1])
        try:
            return self._authenticate(request, header)
        except AuthenticationFailed:
            refusal_count(ip)
            raise

    def _authenticate(self, request, header):
        if len(header) != 2:
            raise AuthenticationFailed(_("Malformed Authorization header: expected “Bearer <token>”."))
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(_("Unknown integration token.")) from None
        integration, count = integration_admit(token)
        if integration is None:
            raise AuthenticationFailed(_("Unknown integration token."))
        if not integration.is_active:
            raise AuthenticationFailed(_("This integration token has been revoked."))
        request.integration_requests = count
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
        if isinstance(integration, Integration) and not integrations.integration_allows_ip(integration,
                                                                                        client_ip(request)):
            raise PermissionDenied(_("Requests with this token are not allowed from %(ip)s.")
                                   % {"ip": client_ip(request) or "-"})
        return True


class IntegrationRateThrottle(BaseThrottle):
    """One bucket per integration, a fixed window counted in Redis by IntegrationTokenAuthentication (in the
    round trip that checks the token), where DRF's sliding window re-pickles a list of every request in the
    window. An empty bucket answers 429 with Retry-After (the seconds left in the window)."""

    def __init__(self):
        self.num_requests, self.duration = ingest_rate()
        self.retry_after = None

    def allow_request(self, request, view):
        if not isinstance(request.auth, Integration):
            return True
        count = getattr(request, "integration_requests", 0)
        if count > self.num_requests:
            now = time.time()
            self.retry_after = max(1, int((now // self.duration + 1) * self.duration - now) + 1)
            return False
        return True

    def wait(self):
        return self.retry_after
