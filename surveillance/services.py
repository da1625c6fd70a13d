"""Writes of surveillance: integrations, ingest, processing, cameras, review and retention.

Ingest (`raw_events_store`) validates a payload with its vendor adapter, stores one `RawEvent` per message with
INSERT ... ON CONFLICT DO NOTHING on the natural key, and enqueues processing on commit: the sender's answer
comes after the commit, so an accepted event is never lost, and a resent one is stored once.

Processing (`raw_events_process`) claims raw events with a compare-and-set UPDATE that commits on its own
(0 rows: someone else has them), then does all the work of the batch (alerts, groups, pictures, processed_at)
in one transaction, which holds the claimed rows locked. A worker killed mid-batch leaves its claim behind and
nothing else (its connection closes, PostgreSQL rolls the batch back and releases the locks); once the claim is
stale the sweep hands the events to another worker. Work is done once because `processed_at` is set in the same
transaction as the work and the rows stay locked until then, and alerts are unique on their natural key.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import hashlib
import hmac
import io
import ipaddress
import logging
import mimetypes
import secrets
import uuid
from dataclasses import dataclass, field

from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import can
from audit.changes import diff, snapshot
from audit.models import AuditEvent
from audit.services import audit_record
from core.enqueue import enqueue
from mahallas.models import District, Mahalla

from . import conf, redis_ops
from .errors import IntegrationUnassigned, PayloadError, SurveillanceError
from .models import (
    Alert,
    AlertGroup,
    AlertPicture,
    Camera,
    DistrictAlertRule,
    InstallationKind,
    Integration,
    RawEvent,
    Vendor,
)
from .signals import alert_reviewed, alert_routed
from .storage import private_storage
from .vendors import NormalisedAlert, parse

log = logging.getLogger(__name__)

S = Alert.Status
R = Alert.Reason
REVIEWED = (S.CONFIRMED, S.DISMISSED, S.ESCALATED)


# --- integrations --------------------------------------------------------------------------------------

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


# --- ingest --------------------------------------------------------------------------------------------

@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    heartbeats: int = 0
    ids: list[int] = field(default_factory=list)


def raw_events_store(*, vendor: str, body: bytes, content_type: str,
                     integration: Integration) -> IngestResult:
    """Validate a payload and store it. Raises PayloadError (nothing stored) for anything unreadable, and
    IntegrationUnassigned for an integration that belongs to no district and is not national."""
    if not integration.is_assigned:
        raise IntegrationUnassigned(integration)
    messages = parse(vendor, body, content_type, integration_id=integration.pk)
    alerts = [m for m in messages if not m.is_heartbeat]
    result = IngestResult(heartbeats=len(messages) - len(alerts))
    # Alerts alone are one INSERT statement, which autocommit makes its own transaction, committed (and durable)
    # when it returns: one database round trip instead of BEGIN, INSERT and COMMIT. Inside a caller's
    # transaction it joins that one, as atomic() would.
    with transaction.atomic() if result.heartbeats else contextlib.nullcontext():
        if result.heartbeats:
            cameras_seen(vendor=vendor, device_ids={m.device_id for m in messages if m.is_heartbeat},
                         integration=integration)
        if alerts:
            result.ids = _raw_insert(vendor, alerts, integration)
            result.accepted = len(result.ids)
            result.duplicates = len(alerts) - result.accepted
            _enqueue_on_commit(result.ids)
    return result


def _raw_insert(vendor: str, alerts: list[NormalisedAlert], integration: Integration) -> list[int]:
    rows = [(integration.pk, vendor, a.raw_content_type[:200], a.raw, a.message_key[:255]) for a in alerts]
    values = ", ".join(["(%s, %s, %s, %s, %s, 0, '')"] * len(rows))
    params = [v for row in rows for v in row]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO surveillance_rawevent (integration_id, vendor, content_type, body, natural_key, "  # noqa: S608
            f"attempts, error) VALUES {values} ON CONFLICT (vendor, natural_key) DO NOTHING RETURNING id",
            params)
        return [row[0] for row in cursor.fetchall()]


def _enqueue_on_commit(ids: list[int]) -> None:
    if not ids:
        return
    ids = list(ids)

    def send():
        from . import tasks

        if len(ids) == 1:
            if doorbell_ring():
                enqueue(tasks.alert_process, ids[0])
            return
        size = conf.get("SURVEILLANCE_BATCH_SIZE")
        for start in range(0, len(ids), size):
            if not enqueue(tasks.alerts_process_batch, ids[start:start + size]):
                return

    # A broker outage must not turn a committed, accepted event into an error answer (enqueue, and robust for
    # anything else); the sweep enqueues it later.
    transaction.on_commit(send, robust=True)


# The broker is a doorbell: one queued processing task drains everything stored before it starts (the claim-N
# loop), so while one is on its way another ring adds nothing. Single-alert ingest rings only when no ring is
# pending; the task clears the flag before it claims, so an event committed after that rings again. The flag
# expires, so a lost task costs at most this delay (and the sweep is there regardless).
DOORBELL_KEY = "surveillance:doorbell"
DOORBELL_SECONDS = 2


def doorbell_ring() -> bool:
    """True if the caller should enqueue a processing task (no ring is pending). False while Redis is
    unreachable: the broker is the same Redis, and the sweep picks the event up."""
    try:
        return redis_ops.add(DOORBELL_KEY, seconds=DOORBELL_SECONDS)
    except redis_ops.Unreachable:
        return False


def doorbell_answer() -> None:
    with contextlib.suppress(redis_ops.Unreachable):  # the flag expires by itself
        redis_ops.delete(DOORBELL_KEY)


def speaks_for(district_id: int | None, is_national: bool) -> Q | None:
    """Which cameras an integration speaks for: its district's, or every one for a national integration; none
    (None) for an integration that is neither, or a raw event whose integration was deleted."""
    if is_national:
        return Q()
    return Q(district_id=district_id) if district_id is not None else None


@transaction.atomic
def cameras_seen(*, vendor: str, device_ids, integration: Integration) -> int:
    """A heartbeat or any traffic: the device's cameras (all channels) are online now, if the integration speaks
    for them (another district's heartbeat would hide a camera that is really down)."""
    scope = speaks_for(integration.district_id, integration.is_national)
    if scope is None:
        return 0
    return Camera.objects.filter(scope, vendor=vendor, device_id__in=list(device_ids)).update(
        last_seen_at=timezone.now(), status=Camera.Status.ONLINE)


# --- processing ----------------------------------------------------------------------------------------

@dataclass
class ProcessResult:
    claimed: int = 0
    processed: int = 0
    failed: int = 0
    routed: int = 0


@dataclass(frozen=True)
class Rule:
    event_types: frozenset[str]
    min_confidence: float
    active_from: datetime.time | None
    active_to: datetime.time | None
    urgent_labels: frozenset[str]

    @classmethod
    def default(cls) -> Rule:
        return cls(frozenset(), 0.0, None, None, frozenset(DistrictAlertRule.DEFAULT_URGENT_LABELS))

    @classmethod
    def of(cls, rule: DistrictAlertRule) -> Rule:
        return cls(frozenset(rule.event_types), rule.min_confidence, rule.active_from, rule.active_to,
                   frozenset(rule.urgent_labels))

    def in_hours(self, moment: datetime.datetime) -> bool:
        if self.active_from is None or self.active_to is None:
            return True
        local = timezone.localtime(moment).time()
        if self.active_from <= self.active_to:
            return self.active_from <= local < self.active_to
        return local >= self.active_from or local < self.active_to


def alert_decide(*, rule: Rule, matched: bool, has_mahalla: bool, event_type: str, label: str,
                 confidence: float | None, started_at: datetime.datetime) -> tuple[str, str, bool]:
    """(status, reason, urgent) of an alert under its district's rule. Urgent labels skip the event-type and
    hours filters (a weapon at 3 a.m. is exactly what must not wait) but not the minimum confidence."""
    urgent = label in rule.urgent_labels or event_type in rule.urgent_labels
    if not matched:
        return S.NEW, R.UNMATCHED, urgent
    if confidence is not None and confidence < rule.min_confidence:
        return S.FILTERED, R.CONFIDENCE, urgent
    if not urgent and rule.event_types and event_type not in rule.event_types:
        return S.FILTERED, R.EVENT_TYPE, urgent
    if not urgent and not rule.in_hours(started_at):
        return S.FILTERED, R.HOURS, urgent
    if urgent:
        return S.ROUTED, R.URGENT, urgent
    return S.ROUTED, (R.MATCHED if has_mahalla else R.NO_MAHALLA), urgent


def raw_events_claim(*, ids=(), fill_to: int = 0) -> list[int]:
    """Compare-and-set claim, committed on its own: the given ids that are still unprocessed and unclaimed (or
    whose claim is stale), then the oldest other waiting events up to `fill_to`. Locked rows are skipped:
    another worker is claiming them."""
    stale = conf.get("SURVEILLANCE_CLAIM_STALE_SECONDS")
    claimable = ("processed_at IS NULL AND (claimed_at IS NULL OR "
                 "claimed_at < now() - make_interval(secs => %s))")
    claimed: list[int] = []
    with transaction.atomic(), connection.cursor() as cursor:
        if ids:
            cursor.execute(
                "UPDATE surveillance_rawevent SET claimed_at = now(), attempts = attempts + 1 WHERE id IN ("  # noqa: S608
                f"SELECT id FROM surveillance_rawevent WHERE id = ANY(%s) AND {claimable} "
                "ORDER BY id FOR UPDATE SKIP LOCKED) RETURNING id", [list(ids), stale])
            claimed = [row[0] for row in cursor.fetchall()]
        more = fill_to - len(claimed)
        if more > 0:
            cursor.execute(
                "UPDATE surveillance_rawevent SET claimed_at = now(), attempts = attempts + 1 WHERE id IN ("  # noqa: S608
                f"SELECT id FROM surveillance_rawevent WHERE {claimable} "
                "ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING id", [stale, more])
            claimed += [row[0] for row in cursor.fetchall()]
    return claimed


def raw_events_process(*, ids=(), fill_to: int = 0) -> ProcessResult:
    """Claim and process raw events; see the module docstring."""
    claimed = raw_events_claim(ids=ids, fill_to=fill_to)
    result = ProcessResult(claimed=len(claimed))
    if claimed:
        _process_claimed(claimed, result)
    return result


@dataclass
class _Merged:
    alert: NormalisedAlert
    raw_ids: list[int]
    integration_id: int | None
    camera: Camera | None = None
    district_id: int | None = None


def _merge_into(into: NormalisedAlert, other: NormalisedAlert) -> None:
    """The same merge the database upsert does, for messages of one event inside one batch."""
    into.started_at = min(into.started_at, other.started_at)
    ends = [t for t in (into.ended_at, other.ended_at) if t is not None]
    into.ended_at = max(ends) if ends else None
    scores = [c for c in (into.confidence, other.confidence) if c is not None]
    into.confidence = max(scores) if scores else None
    into.zones = list(dict.fromkeys([*into.zones, *other.zones]))
    into.label = into.label or other.label
    into.pictures = [*into.pictures, *other.pictures]


@transaction.atomic
def _process_claimed(claimed: list[int], result: ProcessResult) -> None:
    # Locked until this transaction ends: a sweep that takes the claim over early waits (or, claiming with SKIP
    # LOCKED, passes) and then finds processed_at set, so the claim's stale window need not outlast the task.
    rows = list(RawEvent.objects.filter(id__in=claimed, processed_at__isnull=True)
                .select_for_update(of=("self",)).order_by("id")
                .values_list("id", "vendor", "body", "content_type", "integration_id",
                             "integration__district_id", "integration__is_national"))
    merged: dict[tuple[str, str], _Merged] = {}
    failed: dict[int, str] = {}
    owners: dict[int | None, tuple[int | None, bool]] = {}
    for raw_id, vendor, body, content_type, integration_id, district_id, is_national in rows:
        owners[integration_id] = (district_id, bool(is_national))
        try:
            messages = parse(vendor, bytes(body or b""), content_type, integration_id=integration_id)
        except PayloadError as exc:
            # Validated at ingest, so only an adapter change can bring this here: keep the payload, say why.
            failed[raw_id] = str(exc)[:1000]
            continue
        for message in messages:
            if message.is_heartbeat:
                continue
            key = (message.vendor, message.natural_key)
            if key in merged:
                _merge_into(merged[key].alert, message)
                merged[key].raw_ids.append(raw_id)
            else:
                merged[key] = _Merged(alert=message, raw_ids=[raw_id], integration_id=integration_id)
    items = list(merged.values())
    _attach_cameras(items, owners)
    alert_rows = _alerts_upsert(items) if items else []
    routed, urgent = _alerts_decide(items, alert_rows)
    _pictures_store(items, alert_rows)
    alert_of_raw = {raw_id: row["id"] for item, row in zip(items, alert_rows, strict=True)
                    for raw_id in item.raw_ids}
    _raw_mark_processed(claimed=[r[0] for r in rows], alert_of_raw=alert_of_raw, failed=failed)
    camera_ids = {item.camera.pk for item in items if item.camera is not None}
    if camera_ids:
        Camera.objects.filter(pk__in=camera_ids).update(last_seen_at=timezone.now(), status=Camera.Status.ONLINE)
    result.processed = len(rows) - len(failed)
    result.failed = len(failed)
    result.routed = len(routed)
    if routed:
        by_id = {row["id"]: row for row in alert_rows}
        mahalla_ids = frozenset(by_id[i]["mahalla_id"] for i in routed if by_id[i]["mahalla_id"])
        district_ids = frozenset(by_id[i]["district_id"] for i in routed if by_id[i]["district_id"])
        transaction.on_commit(lambda: alert_routed.send(
            sender=Alert, alert_ids=frozenset(routed), urgent_ids=frozenset(urgent), mahalla_ids=mahalla_ids,
            district_ids=district_ids), robust=True)


def _attach_cameras(items: list[_Merged], owners: dict[int | None, tuple[int | None, bool]]) -> None:
    """Match each alert to a camera its integration speaks for (see `speaks_for`). An alert naming another
    district's device stays unmatched and lands in the sending integration's district, never the camera's."""
    wanted: dict[tuple[int | None, str], set[str]] = {}
    for item in items:
        wanted.setdefault((item.integration_id, item.alert.vendor), set()).add(item.alert.device_id)
    condition = Q(pk__in=[])
    for (integration_id, vendor), device_ids in wanted.items():
        scope = speaks_for(*owners.get(integration_id, (None, False)))
        if scope is not None:
            condition |= scope & Q(vendor=vendor, device_id__in=sorted(device_ids))
    cameras = {(c.vendor, c.device_id, c.channel): c
               for c in Camera.objects.filter(condition).only("id", "vendor", "device_id", "channel", "mahalla_id",
                                                                "district_id", "installation_kind")}
    for item in items:
        a = item.alert
        district_id, is_national = owners.get(item.integration_id, (None, False))
        camera = cameras.get((a.vendor, a.device_id, a.channel))
        # One query fetched every integration's cameras: keep only one this integration speaks for.
        if camera is not None and (is_national or camera.district_id == district_id):
            item.camera = camera
        item.district_id = item.camera.district_id if item.camera else district_id


_UPSERT_COLUMNS = ("vendor", "natural_key", "integration_id", "camera_id", "device_id", "channel", "device_ip",
                   "device_name", "event_type", "label", "confidence", "started_at", "ended_at", "zones",
                   "mahalla_id", "district_id")
_UPSERT_TYPES = ("varchar", "varchar", "bigint", "bigint", "varchar", "integer", "varchar", "varchar", "varchar",
                 "varchar", "double precision", "timestamptz", "timestamptz", "text", "bigint", "bigint")
# Arrays, one per column, keep the statement short and its parameters few: psycopg parses and binds a
# 500-row VALUES list with 8,000 placeholders far slower than 16 arrays. Zones travel as one string per row
# (joined with the unit separator) since a SQL array of arrays must be rectangular.
_UPSERT_SQL = """
INSERT INTO surveillance_alert AS a ({columns}, is_urgent, status, route_reason, dismiss_reason, review_note)
SELECT {selected}, false, 'new', '', '', ''
FROM unnest({arrays}) AS v({columns})
ON CONFLICT (vendor, natural_key) DO UPDATE SET
    started_at = LEAST(a.started_at, EXCLUDED.started_at),
    ended_at = GREATEST(a.ended_at, EXCLUDED.ended_at),
    confidence = GREATEST(a.confidence, EXCLUDED.confidence),
    zones = ARRAY(SELECT DISTINCT z FROM unnest(a.zones || EXCLUDED.zones) AS z ORDER BY z),
    label = COALESCE(NULLIF(a.label, ''), EXCLUDED.label),
    camera_id = COALESCE(a.camera_id, EXCLUDED.camera_id),
    mahalla_id = COALESCE(a.mahalla_id, EXCLUDED.mahalla_id),
    district_id = COALESCE(a.district_id, EXCLUDED.district_id),
    device_ip = COALESCE(NULLIF(a.device_ip, ''), EXCLUDED.device_ip),
    device_name = COALESCE(NULLIF(a.device_name, ''), EXCLUDED.device_name),
    updated_at = now()
RETURNING a.id, a.xmax = 0, a.camera_id, a.mahalla_id, a.district_id, a.event_type, a.label, a.confidence,
          a.started_at, a.status, a.vendor, a.natural_key
"""
ZONE_SEPARATOR = "\x1f"
_RETURNED = ("id", "inserted", "camera_id", "mahalla_id", "district_id", "event_type", "label", "confidence",
             "started_at", "status", "vendor", "natural_key")


def _alerts_upsert(items: list[_Merged]) -> list[dict]:
    """One statement for the whole batch; returns the merged rows in the order of `items`."""
    columns: list[list] = [[] for _ in _UPSERT_COLUMNS]
    for item in items:
        a, camera = item.alert, item.camera
        row = [a.vendor, a.natural_key[:255], item.integration_id, camera.pk if camera else None,
               a.device_id[:64], a.channel, a.device_ip[:64], a.device_name[:200], a.event_type[:64],
               a.label[:64], a.confidence, a.started_at, a.ended_at, ZONE_SEPARATOR.join(a.zones),
               camera.mahalla_id if camera else None, item.district_id]
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    selected = ", ".join(
        f"coalesce(string_to_array(nullif(v.{c}, ''), chr(31)), '{{}}')::varchar(64)[]" if c == "zones" else f"v.{c}"
        for c in _UPSERT_COLUMNS)
    sql = _UPSERT_SQL.format(columns=", ".join(_UPSERT_COLUMNS), selected=selected,
                             arrays=", ".join(f"%s::{t}[]" for t in _UPSERT_TYPES))
    with connection.cursor() as cursor:
        cursor.execute(sql, columns)
        rows = [dict(zip(_RETURNED, row, strict=True)) for row in cursor.fetchall()]
    # Nothing promises RETURNING follows the VALUES order: match on the natural key.
    by_key = {(row["vendor"], row["natural_key"]): row for row in rows}
    return [by_key[(item.alert.vendor, item.alert.natural_key[:255])] for item in items]


def _rules_for(district_ids) -> dict[int, Rule]:
    return {r.district_id: Rule.of(r) for r in DistrictAlertRule.objects.filter(district_id__in=district_ids)}


def _alerts_decide(items: list[_Merged], rows: list[dict]) -> tuple[list[int], list[int]]:
    rules = _rules_for({row["district_id"] for row in rows if row["district_id"]})
    default = Rule.default()
    updates, routed, urgent_ids = [], [], []
    groups = _alerts_group([row for row in rows if row["inserted"] and row["camera_id"]])
    for row in rows:
        status, reason, urgent = alert_decide(
            rule=rules.get(row["district_id"], default), matched=row["camera_id"] is not None,
            has_mahalla=row["mahalla_id"] is not None, event_type=row["event_type"], label=row["label"],
            confidence=row["confidence"], started_at=row["started_at"])
        if row["status"] in REVIEWED:
            status, reason = row["status"], None
        elif status == S.ROUTED and row["status"] != S.ROUTED:
            routed.append(row["id"])
            if urgent:
                urgent_ids.append(row["id"])
        updates.append((row["id"], status, reason, urgent, groups.get(row["id"])))
    if not updates:
        return routed, urgent_ids
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE surveillance_alert AS a SET status = v.status, "
            "route_reason = COALESCE(v.reason, a.route_reason), is_urgent = a.is_urgent OR v.urgent, "
            "group_id = COALESCE(v.group_id, a.group_id), processed_at = now() "
            "FROM unnest(%s::bigint[], %s::varchar[], %s::varchar[], %s::boolean[], %s::bigint[]) "
            "AS v(id, status, reason, urgent, group_id) WHERE a.id = v.id",
            [list(column) for column in zip(*updates, strict=True)])
    return routed, urgent_ids


def _alerts_group(rows: list[dict]) -> dict[int, int]:
    """Alert id -> group id for new alerts of known cameras: same camera and event type within the window."""
    if not rows:
        return {}
    window = datetime.timedelta(seconds=conf.get("ALERT_GROUP_WINDOW_SECONDS"))
    keys = sorted({f"{row['camera_id']}:{row['event_type']}" for row in rows})
    with connection.cursor() as cursor:
        # Two workers grouping the same camera's alerts would each open a group; serialise them per key,
        # always locking in the same order so they cannot deadlock.
        cursor.execute("SELECT pg_advisory_xact_lock(h) FROM (SELECT hashtextextended(k, 0) AS h "
                       "FROM unnest(%s::text[]) AS k ORDER BY 1) AS s", [keys])
    earliest = min(row["started_at"] for row in rows) - window
    latest = max(row["started_at"] for row in rows) + window
    open_groups: dict[tuple[int, str], list[AlertGroup]] = {}
    for group in AlertGroup.objects.filter(camera_id__in={row["camera_id"] for row in rows},
                                           last_seen_at__gte=earliest, first_seen_at__lte=latest):
        open_groups.setdefault((group.camera_id, group.event_type), []).append(group)
    changed, created, assigned = set(), [], {}
    for row in sorted(rows, key=lambda r: r["started_at"]):
        at, key = row["started_at"], (row["camera_id"], row["event_type"])
        group = next((g for g in open_groups.get(key, [])
                      if g.first_seen_at - window <= at <= g.last_seen_at + window), None)
        if group is None:
            group = AlertGroup(camera_id=row["camera_id"], event_type=row["event_type"], first_seen_at=at,
                               last_seen_at=at, count=0)
            open_groups.setdefault(key, []).append(group)
            created.append(group)
        group.count += 1
        group.first_seen_at, group.last_seen_at = min(group.first_seen_at, at), max(group.last_seen_at, at)
        if group.pk:
            changed.add(group)
        assigned[row["id"]] = group
    AlertGroup.objects.bulk_create(created)
    if changed:
        changed_groups = list(changed)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE surveillance_alertgroup AS g SET count = v.count, first_seen_at = v.first_seen_at, "
                "last_seen_at = v.last_seen_at FROM unnest(%s::bigint[], %s::integer[], %s::timestamptz[], "
                "%s::timestamptz[]) AS v(id, count, first_seen_at, last_seen_at) WHERE g.id = v.id",
                [[g.pk for g in changed_groups], [g.count for g in changed_groups],
                 [g.first_seen_at for g in changed_groups], [g.last_seen_at for g in changed_groups]])
    return {alert_id: group.pk for alert_id, group in assigned.items()}


def _pictures_store(items: list[_Merged], rows: list[dict]) -> None:
    pictures = []
    for item, row in zip(items, rows, strict=True):
        biometric = item.camera is not None and item.camera.installation_kind == InstallationKind.ENTRANCE_FACE
        for picture in item.alert.pictures:
            extension = mimetypes.guess_extension(picture.content_type) or ".bin"
            name = f"alerts/{row['id'] % 1000:03d}/{row['id']}/{uuid.uuid4().hex}{extension}"
            # Written before the commit: if the transaction rolls back, a file without a row is left for
            # the retention purge, never a row without its file.
            stored = private_storage().save(name, ContentFile(picture.data))
            pictures.append(AlertPicture(alert_id=row["id"], file=stored, content_type=picture.content_type,
                                         size=len(picture.data), is_biometric=biometric))
    if pictures:
        AlertPicture.objects.bulk_create(pictures)


def _raw_mark_processed(*, claimed: list[int], alert_of_raw: dict[int, int], failed: dict[int, str]) -> None:
    if not claimed:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE surveillance_rawevent AS r SET processed_at = now(), alert_id = v.alert_id, error = v.error "
            "FROM unnest(%s::bigint[], %s::bigint[], %s::text[]) AS v(id, alert_id, error) WHERE r.id = v.id",
            [claimed, [alert_of_raw.get(i) for i in claimed], [failed.get(i, "") for i in claimed]])


def raw_events_sweep(*, older_than_seconds: int | None = None, limit: int | None = None) -> int:
    """Re-enqueue events stored but not processed (a lost broker message, a dead worker's stale claim)."""
    older = older_than_seconds if older_than_seconds is not None else conf.get("SURVEILLANCE_SWEEP_AFTER_SECONDS")
    limit = limit if limit is not None else conf.get("SURVEILLANCE_SWEEP_LIMIT")
    stale = datetime.timedelta(seconds=conf.get("SURVEILLANCE_CLAIM_STALE_SECONDS"))
    now = timezone.now()
    ids = list(RawEvent.objects.filter(processed_at__isnull=True,
                                       received_at__lte=now - datetime.timedelta(seconds=older))
               .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - stale))
               .order_by("id").values_list("id", flat=True)[:limit])
    if ids:
        from . import tasks

        size = conf.get("SURVEILLANCE_BATCH_SIZE")
        for start in range(0, len(ids), size):
            if not enqueue(tasks.alerts_process_batch, ids[start:start + size]):
                return start  # the next sweep sends the rest
    return len(ids)


@transaction.atomic
def cameras_mark_offline(*, now: datetime.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=conf.get("CAMERA_OFFLINE_AFTER_SECONDS"))
    return Camera.objects.filter(status=Camera.Status.ONLINE).filter(
        Q(last_seen_at__lt=cutoff) | Q(last_seen_at__isnull=True)).update(status=Camera.Status.OFFLINE)


def alert_media_purge(*, now: datetime.datetime | None = None, limit: int = 5000) -> tuple[int, int]:
    """Delete pictures and raw payloads of alerts older than ALERT_RETENTION_DAYS that no incident holds as
    evidence. Bounded: at most `limit` of each per call. Returns (pictures deleted, raw events deleted)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=conf.get("ALERT_RETENTION_DAYS"))
    pictures = list(AlertPicture.objects.filter(alert__started_at__lt=cutoff, alert__incident__isnull=True)
                    .values_list("id", "file")[:limit])
    for _pk, name in pictures:
        try:
            private_storage().delete(name)
        except OSError:
            log.warning("could not delete alert picture %s", name)
    AlertPicture.objects.filter(pk__in=[pk for pk, _name in pictures]).delete()
    raw_ids = list(RawEvent.objects.filter(received_at__lt=cutoff, processed_at__isnull=False)
                   .filter(Q(alert__isnull=True) | Q(alert__incident__isnull=True))
                   .values_list("id", flat=True)[:limit])
    RawEvent.objects.filter(pk__in=raw_ids).delete()
    return len(pictures), len(raw_ids)


# --- cameras -------------------------------------------------------------------------------------------

CAMERA_FIELDS = frozenset({"vendor", "device_id", "channel", "name", "location", "installation_kind", "mahalla"})


def _resolve_mahalla(point: Point, district_id: int) -> Mahalla | None:
    candidates = list(Mahalla.objects.filter(boundary__intersects=point).only("id", "district_id"))
    own = next((m for m in candidates if m.district_id == district_id), None)
    if own is None and candidates:
        # The camera would be counted in another district's mahalla, whose officials cannot see or fix it.
        raise SurveillanceError("location", _("This point lies in a mahalla of another district."))
    return own


def _as_point(location) -> Point:
    if isinstance(location, Point):
        point = location if location.srid in (None, 4326) else location.transform(4326, clone=True)
        point.srid = 4326
    else:
        lon, lat = location
        point = Point(float(lon), float(lat), srid=4326)
    if not (-180 <= point.x <= 180 and -90 <= point.y <= 90):
        raise SurveillanceError("location", _("Coordinates are out of range."))
    return point


def _normalise_device(vendor: str, device_id: str) -> str:
    device_id = (device_id or "").strip()
    if vendor == Vendor.HIKVISION:
        from .vendors.hikvision import normalise_mac

        try:
            return normalise_mac(device_id)
        except PayloadError:
            raise SurveillanceError("device_id", _("A Hikvision device id is its MAC address.")) from None
    return device_id


def _camera_validate(camera: Camera) -> None:
    if camera.vendor not in Vendor.values:
        raise SurveillanceError("vendor", _("Unknown vendor."))
    if camera.installation_kind not in InstallationKind.values:
        raise SurveillanceError("installation_kind", _("Unknown kind of installation."))
    if not camera.device_id:
        raise SurveillanceError("device_id", _("This field is required."))
    if not (camera.name or "").strip():
        raise SurveillanceError("name", _("Name the camera."))
    if camera.channel is None or camera.channel < 0:
        raise SurveillanceError("channel", _("Expected a whole number."))
    clash = Camera.objects.filter(vendor=camera.vendor, device_id=camera.device_id, channel=camera.channel)
    if camera.pk:
        clash = clash.exclude(pk=camera.pk)
    if clash.exists():
        raise SurveillanceError("device_id", _("This device and channel are already registered."))
    if camera.mahalla_id is not None and camera.mahalla_overridden:
        district_of = Mahalla.objects.filter(pk=camera.mahalla_id).values_list("district_id", flat=True).first()
        if district_of != camera.district_id:
            raise SurveillanceError("mahalla", _("Choose a mahalla of the camera's district."))


def _camera_build(*, district_id: int, vendor: str, device_id: str, name: str, location, channel: int = 1,
                  installation_kind: str = InstallationKind.STREET, mahalla: Mahalla | None = None) -> Camera:
    point = _as_point(location)
    camera = Camera(vendor=vendor, device_id=_normalise_device(vendor, device_id), channel=channel,
                    name=(name or "").strip(), location=point, installation_kind=installation_kind,
                    district_id=district_id)
    if mahalla is not None:
        camera.mahalla, camera.mahalla_overridden = mahalla, True
    else:
        camera.mahalla = _resolve_mahalla(point, district_id)
    _camera_validate(camera)
    return camera


def _camera_district(by) -> int:
    if not can(by, "surveillance.manage_cameras"):
        raise SurveillanceError("district", _("Only the district's operators and officials register cameras."))
    return by.district_id


@transaction.atomic
def camera_create(*, by, vendor: str, device_id: str, name: str, location, channel: int = 1,
                  installation_kind: str = InstallationKind.STREET, mahalla: Mahalla | None = None) -> Camera:
    """Register a camera in the user's district; its mahalla is found from the point unless given."""
    camera = _camera_build(district_id=_camera_district(by), vendor=vendor, device_id=device_id, name=name,
                           location=location, channel=channel, installation_kind=installation_kind,
                           mahalla=mahalla)
    camera.save()
    audit_record(action=AuditEvent.Action.CREATE, actor=by, obj=camera)
    return camera


@transaction.atomic
def camera_update(*, by, camera: Camera, **changes) -> Camera:
    unknown = set(changes) - CAMERA_FIELDS
    if unknown:
        raise TypeError(f"camera_update() got unexpected fields: {sorted(unknown)}")
    camera = Camera.objects.select_for_update().get(pk=camera.pk)
    if not can(by, "surveillance.edit_camera", camera):
        raise SurveillanceError("district", _("You may not change cameras of this district."))
    if "location" in changes:
        camera.location = _as_point(changes.pop("location"))
    if "mahalla" in changes:
        mahalla = changes.pop("mahalla")
        camera.mahalla, camera.mahalla_overridden = mahalla, mahalla is not None
    for name, value in changes.items():
        setattr(camera, name, value)
    camera.device_id = _normalise_device(camera.vendor, camera.device_id)
    if not camera.mahalla_overridden:
        camera.mahalla = _resolve_mahalla(camera.location, camera.district_id)
    _camera_validate(camera)
    camera.save()
    audit_record(action=AuditEvent.Action.CHANGE, actor=by, obj=camera, details={"fields": sorted(changes)})
    return camera


@transaction.atomic
def camera_delete(*, by, camera: Camera) -> None:
    if not can(by, "surveillance.edit_camera", camera):
        raise SurveillanceError("district", _("You may not change cameras of this district."))
    audit_record(action=AuditEvent.Action.DELETE, actor=by, obj=camera)
    camera.delete()


CSV_COLUMNS = ("vendor", "device_id", "channel", "name", "longitude", "latitude", "installation_kind",
               "mahalla_code")
CSV_MAX_ROWS = 5000


@dataclass
class CsvReport:
    imported: int = 0
    errors: list[dict] = field(default_factory=list)


def cameras_import_csv(*, by, data: bytes) -> CsvReport:
    """Register cameras from CSV (header: CSV_COLUMNS; mahalla_code optional). Every row is checked first;
    if any row is invalid nothing is imported and the report lists each error by row and column."""
    district_id = _camera_district(by)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SurveillanceError("file", _("The file must be UTF-8 text.")) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS[:6] if c not in (reader.fieldnames or [])]
    if missing:
        raise SurveillanceError("file", _("Missing columns: %(columns)s") % {"columns": ", ".join(missing)})
    report, cameras, seen = CsvReport(), [], set()
    mahallas = {m.code: m for m in Mahalla.objects.filter(district_id=district_id).only("id", "code",
                                                                                          "district_id")}
    for number, row in enumerate(reader, start=2):
        if number - 1 > CSV_MAX_ROWS:
            raise SurveillanceError("file", _("At most %(n)d rows per file.") % {"n": CSV_MAX_ROWS})
        try:
            camera = _csv_row(row, district_id, mahallas)
        except SurveillanceError as exc:
            report.errors.append({"row": number, "field": exc.field, "message": str(exc.message)})
            continue
        key = (camera.vendor, camera.device_id, camera.channel)
        if key in seen:
            report.errors.append({"row": number, "field": "device_id",
                                  "message": _("This device and channel appear twice in the file.")})
            continue
        seen.add(key)
        cameras.append(camera)
    if report.errors:
        return report
    with transaction.atomic():
        Camera.objects.bulk_create(cameras)
        audit_record(action=AuditEvent.Action.CREATE, actor=by, object_type="surveillance.camera",
                     object_repr=f"CSV import of {len(cameras)} cameras",
                     territory=District.objects.get(pk=district_id), details={"imported": len(cameras)})
    report.imported = len(cameras)
    return report


def _csv_row(row: dict, district_id: int, mahallas: dict) -> Camera:
    def number(column, cast):
        try:
            return cast((row.get(column) or "").strip())
        except ValueError:
            raise SurveillanceError(column, _("Not a number.")) from None

    mahalla = None
    code = (row.get("mahalla_code") or "").strip()
    if code:
        mahalla = mahallas.get(code)
        if mahalla is None:
            raise SurveillanceError("mahalla_code", _("No mahalla with this code in your district."))
    channel = number("channel", int) if (row.get("channel") or "").strip() else 1
    return _camera_build(
        district_id=district_id, vendor=(row.get("vendor") or "").strip().lower(),
        device_id=row.get("device_id") or "", name=row.get("name") or "",
        location=(number("longitude", float), number("latitude", float)), channel=channel,
        installation_kind=(row.get("installation_kind") or InstallationKind.STREET).strip().lower(),
        mahalla=mahalla)


# --- review --------------------------------------------------------------------------------------------

# The incident category proposed for an alert's label when the reviewer names none.
CATEGORY_FOR_LABEL = {"fight": "hooliganism", "drug_dealing": "drug-trafficking", "weapon": "other",
                      "theft": "theft", "robbery": "robbery"}


def _reviewable(by, alert: Alert) -> Alert:
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if not can(by, "surveillance.review_alert", alert):
        raise SurveillanceError("alert", _("You may not review this alert."))
    if alert.status in (S.CONFIRMED, S.DISMISSED):
        raise SurveillanceError("status", _("This alert has already been reviewed."))
    return alert


def _reviewed(by, alert: Alert, fields: list[str]) -> Alert:
    alert.reviewed_by, alert.reviewed_at, alert.updated_at = by, timezone.now(), timezone.now()
    alert.save(update_fields=[*fields, "reviewed_by", "reviewed_at", "updated_at"])
    audit_record(action=AuditEvent.Action.CHANGE, actor=by, obj=alert,
                 details={"status": alert.status, "incident": alert.incident_id})
    payload = {"alert_id": alert.pk, "status": alert.status, "is_urgent": alert.is_urgent,
               "mahalla_id": alert.mahalla_id, "district_id": alert.district_id, "incident_id": alert.incident_id,
               "by_id": by.pk}
    transaction.on_commit(lambda: alert_reviewed.send(sender=Alert, **payload), robust=True)
    return alert


@transaction.atomic
def alert_confirm(*, by, alert: Alert, incident_id: int | None = None, category_code: str = "",
                  legal_kind: str = "", note: str = "") -> Alert:
    """Confirm an alert: link an incident the reviewer can see, or create one (source: camera alert).

    Incidents are created through incidents.services.incident_create, so the incident rules (who may record
    one in which mahalla, location within the mahalla) apply unchanged."""
    from incidents.errors import FieldWorkError
    from incidents.models import Incident, IncidentCategory
    from incidents.services import incident_create

    alert = _reviewable(by, alert)
    if incident_id is not None:
        incident = Incident.objects.visible_to(by).filter(pk=incident_id).first()
        if incident is None:
            raise SurveillanceError("incident", _("No such incident."))
    else:
        if alert.mahalla_id is None:
            raise SurveillanceError("incident", _("This alert has no mahalla: link an existing incident."))
        code = category_code or CATEGORY_FOR_LABEL.get(alert.label) or CATEGORY_FOR_LABEL.get(
            alert.event_type, "other")
        category = IncidentCategory.objects.active().filter(code=code).first()
        if category is None:
            raise SurveillanceError("category", _("Unknown category."))
        camera = alert.camera
        description = _("Camera alert #%(id)s: %(type)s %(label)s, camera “%(camera)s”.") % {
            "id": alert.pk, "type": alert.event_type, "label": alert.label,
            "camera": camera.name if camera else alert.device_id}
        try:
            incident = incident_create(
                by=by, mahalla=alert.mahalla, category=category, occurred_at=alert.started_at,
                legal_kind=legal_kind or Incident.LegalKind.CRIME, source=Incident.Source.CAMERA_ALERT,
                location=camera.location if camera else None,
                description=f"{description}\n{note}".strip(), alert=alert)
        except FieldWorkError as exc:
            raise SurveillanceError(exc.field if exc.field != "mahalla" else "incident", exc.message) from None
    alert.status, alert.incident, alert.review_note = S.CONFIRMED, incident, note or ""
    return _reviewed(by, alert, ["status", "incident", "review_note"])


@transaction.atomic
def alert_dismiss(*, by, alert: Alert, reason: str) -> Alert:
    reason = (reason or "").strip()
    if not reason:
        raise SurveillanceError("reason", _("Say why this is a false positive."))
    alert = _reviewable(by, alert)
    alert.status, alert.dismiss_reason = S.DISMISSED, reason
    return _reviewed(by, alert, ["status", "dismiss_reason"])


@transaction.atomic
def alert_escalate(*, by, alert: Alert, note: str = "") -> Alert:
    alert = _reviewable(by, alert)
    if alert.status == S.ESCALATED:
        raise SurveillanceError("status", _("This alert is already escalated."))
    alert.status, alert.review_note = S.ESCALATED, note or ""
    return _reviewed(by, alert, ["status", "review_note"])

