"""Integrations: the systems that push camera events (NVRs, analytics servers, the MQTT relay), their tokens, and
which cameras each speaks for.

Only a token's hash is stored. Each integration belongs to a district, or is national; its events match only the
cameras it speaks for.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.changes import diff, snapshot
from audit.models import AuditEvent
from audit.services import audit_record
from mahallas.models import District

from .. import redis_ops
from ..errors import SurveillanceError
from ..models import Integration

log = logging.getLogger(__name__)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_prefix(token: str) -> str | None:
    """The part of a presented token that finds its row, or None if it cannot be one of ours."""
    prefix = (token or "").split(".", 1)[0]
    return prefix if prefix and len(prefix) <= 16 else None


def token_generation_key(prefix: str) -> str:
    return f"surveillance:token-generation:{prefix}"


def _token_changed(prefix: str) -> None:
    """Bump the token's generation: every process that keeps a copy of the token's integration
    (authentication.integration_admit) sees the change at its next request with this token and reads the
    database again. Bumped now, which this process's own reads inside the transaction (and a test's transaction,
    which never commits) act on, and again on commit, for any process that re-read the old row in between.
    robust: a Redis outage must not undo a committed change; copies then live at most
    SURVEILLANCE_TOKEN_CACHE_SECONDS."""
    def bump():
        redis_ops.incr(token_generation_key(prefix))

    try:
        bump()
    except redis_ops.RedisError:
        log.warning("could not announce a token change to Redis", exc_info=True)
    transaction.on_commit(bump, robust=True)


def _new_token() -> tuple[str, str]:
    prefix = secrets.token_hex(6)
    return prefix, f"{prefix}.{secrets.token_urlsafe(32)}"


def _clean_networks(networks) -> list[str]:
    cleaned = []
    for value in networks or ():
        try:
            cleaned.append(str(ipaddress.ip_network(str(value).strip(), strict=False)))
        except ValueError:
            raise SurveillanceError("allowed_networks", _("Not an IP network: %(value)s") % {"value": value}) \
                from None
    return cleaned


def _integration_owner(district: District | None, national: bool) -> None:
    if national and district is not None:
        raise SurveillanceError("district", _("A national integration belongs to no district."))
    if not national and district is None:
        raise SurveillanceError("district", _("Choose the integration's district (or make it national)."))


@transaction.atomic
def integration_create(*, name: str, district: District | None = None, national: bool = False,
                       allowed_networks=()) -> tuple[Integration, str]:
    """Returns the integration and its token; only the token's hash is kept, so this is the one chance to
    see it. Every integration belongs to a district, or is national: only an administrator with the command
    line makes one (no page or API calls this with national=True)."""
    name = (name or "").strip()
    if not name:
        raise SurveillanceError("name", _("Name the integration."))
    _integration_owner(district, national)
    if Integration.objects.filter(name=name).exists():
        raise SurveillanceError("name", _("An integration with this name exists."))
    prefix, token = _new_token()
    integration = Integration.objects.create(name=name, district=district, is_national=national,
                                             token_prefix=prefix, token_hash=token_hash(token),
                                             allowed_networks=_clean_networks(allowed_networks))
    audit_record(action=AuditEvent.Action.CREATE, obj=integration, territory=district,
                 details={"allowed_networks": integration.allowed_networks, "national": national})
    return integration, token


@transaction.atomic
def integration_assign(*, integration: Integration, district: District | None = None,
                       national: bool = False) -> Integration:
    """Give an integration its district (or make it national): the cameras it may match from now on."""
    _integration_owner(district, national)
    integration = Integration.objects.select_for_update().get(pk=integration.pk)
    before = snapshot(integration, ["district", "is_national"])
    integration.district, integration.is_national = district, national
    integration.save(update_fields=["district", "is_national"])
    # Processes keep a copy of the integration per token (authentication.integration_admit): a changed district
    # must reach them at their next request, as a revocation does.
    _token_changed(integration.token_prefix)
    audit_record(action=AuditEvent.Action.CHANGE, obj=integration, territory=district,
                 changes=diff(before, snapshot(integration, before)))
    return integration


@transaction.atomic
def integration_rotate(*, integration: Integration) -> str:
    """A new token; the old one stops working at once."""
    integration = Integration.objects.select_for_update().get(pk=integration.pk)
    if not integration.is_active:
        raise SurveillanceError("name", _("This integration is revoked."))
    _token_changed(integration.token_prefix)
    prefix, token = _new_token()
    integration.token_prefix, integration.token_hash = prefix, token_hash(token)
    integration.rotated_at = timezone.now()
    integration.save(update_fields=["token_prefix", "token_hash", "rotated_at"])
    audit_record(action=AuditEvent.Action.CHANGE, obj=integration, details={"token": "rotated"})
    return token


@transaction.atomic
def integration_revoke(*, integration: Integration) -> Integration:
    integration = Integration.objects.select_for_update().get(pk=integration.pk)
    if integration.revoked_at is None:
        integration.revoked_at = timezone.now()
        integration.save(update_fields=["revoked_at"])
        _token_changed(integration.token_prefix)
        audit_record(action=AuditEvent.Action.CHANGE, obj=integration, details={"revoked": True})
    return integration


def integration_for_token(token: str) -> Integration | None:
    """The integration a presented token belongs to (revoked ones included: the caller says so), or None."""
    prefix = token_prefix(token)
    if prefix is None:
        return None
    integration = Integration.objects.filter(token_prefix=prefix).first()
    if integration is None or not hmac.compare_digest(integration.token_hash, token_hash(token)):
        return None
    return integration


def integration_allows_ip(integration: Integration, ip: str | None) -> bool:
    if not integration.allowed_networks:
        return True
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return False
    for network in integration.allowed_networks:
        net = ipaddress.ip_network(network, strict=False)
        if address.version == net.version and address in net:
            return True
    return False


def speaks_for(district_id: int | None, is_national: bool) -> Q | None:
    """Which cameras an integration speaks for: its district's, or every one for a national integration; none
    (None) for an integration that is neither, or a raw event whose integration was deleted."""
    if is_national:
        return Q()
    return Q(district_id=district_id) if district_id is not None else None
