"""Processing: stored raw events become alerts, matched to cameras, routed, grouped, with their pictures.

Processing (`raw_events_process`) claims raw events with a compare-and-set UPDATE that commits on its own
(0 rows: someone else has them), then does all the work of the batch (alerts, groups, pictures, processed_at)
in one transaction, which holds the claimed rows locked. A worker killed mid-batch leaves its claim behind and
nothing else (its connection closes, PostgreSQL rolls the batch back and releases the locks); once the claim is
stale the sweep hands the events to another worker. Work is done once because `processed_at` is set in the same
transaction as the work and the rows stay locked until then, and alerts are unique on their natural key.
"""

from __future__ import annotations

import datetime
import mimetypes
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.enqueue import enqueue

from ..errors import PayloadError
from ..models import Alert, AlertPicture, Camera, InstallationKind, RawEvent
from ..signals import alert_routed
from ..storage import private_storage
from ..vendors import NormalisedAlert, parse
from .integrations import speaks_for
from .outages import cameras_heard
from .routing import alerts_route


@dataclass
class ProcessResult:
    claimed: int = 0
    processed: int = 0
    failed: int = 0
    routed: int = 0


def raw_events_claim(*, ids=(), fill_to: int = 0) -> list[int]:
    """Compare-and-set claim, committed on its own: the given ids that are still unprocessed and unclaimed (or
    whose claim is stale), then the oldest other waiting events up to `fill_to`. Locked rows are skipped:
    another worker is claiming them."""
    stale = settings.SURVEILLANCE_CLAIM_STALE_SECONDS
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
    into.plate = into.plate or other.plate
    into.pictures = [*into.pictures, *other.pictures]


@transaction.atomic
def _process_claimed(claimed: list[int], result: ProcessResult) -> None:
    # Locked until this transaction ends: a sweep that takes the claim over early waits (or, claiming with SKIP
    # LOCKED, passes) and then finds processed_at set, so the claim's stale window need not outlast the task.
    rows = list(RawEvent.objects.filter(id__in=claimed, processed_at__isnull=True)
                .select_for_update(of=("self",)).order_by("id")
                .values_list("id", "vendor", "body", "content_type", "integration_id",
                             "integration__district_id", "integration__is_national", "received_at"))
    merged: dict[tuple[str, str], _Merged] = {}
    failed: dict[int, str] = {}
    owners: dict[int | None, tuple[int | None, bool]] = {}
    received = {row[0]: row[-1] for row in rows}
    for raw_id, vendor, body, content_type, integration_id, district_id, is_national, _at in rows:
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
    routed, urgent = alerts_route(alert_rows)
    _pictures_store(items, alert_rows)
    alert_of_raw = {raw_id: row["id"] for item, row in zip(items, alert_rows, strict=True)
                    for raw_id in item.raw_ids}
    _raw_mark_processed(claimed=[r[0] for r in rows], alert_of_raw=alert_of_raw, failed=failed)
    _cameras_heard(items, received)
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


def _cameras_heard(items: list[_Merged], received: dict[int, datetime.datetime]) -> None:
    """The cameras that sent these alerts are online; their last event is when it reached us (the device's own
    clock may be wrong, and a backlog processed late must not look like fresh traffic)."""
    last: dict[int, datetime.datetime] = {}
    for item in items:
        if item.camera is not None:
            at = max(received[raw_id] for raw_id in item.raw_ids)
            last[item.camera.pk] = max(at, last.get(item.camera.pk, at))
    # Written with their status history (services.outages): an open outage of these cameras ends.
    cameras_heard(latest=last)


def _attach_cameras(items: list[_Merged], owners: dict[int | None, tuple[int | None, bool]]) -> None:
    """Match each alert to a camera its integration speaks for (see `speaks_for`). An alert naming another
    district's device stays unmatched and lands in the sending integration's district, never the camera's.

    A device may be registered under any of its identities (a Hikvision MAC, serial number or IP address), and
    its camera under the channel the NVR shows (D2) or the device's own (channelID 34): the strongest identity
    wins, and for each identity the shown channel before the device's."""
    wanted: dict[tuple[int | None, str], set[str]] = {}
    for item in items:
        wanted.setdefault((item.integration_id, item.alert.vendor), set()).update(item.alert.identities)
    condition = Q(pk__in=[])
    for (integration_id, vendor), device_ids in wanted.items():
        scope = speaks_for(*owners.get(integration_id, (None, False)))
        if scope is not None:
            condition |= scope & Q(vendor=vendor, device_id__in=sorted(device_ids))
    cameras: dict[tuple[str, str, int], list[Camera]] = {}
    for camera in Camera.objects.filter(condition).only("id", "vendor", "device_id", "channel", "mahalla_id",
                                                        "district_id", "installation_kind"):
        cameras.setdefault((camera.vendor, camera.device_id, camera.channel), []).append(camera)
    for item in items:
        a = item.alert
        district_id, is_national = owners.get(item.integration_id, (None, False))
        channels = [a.channel] if a.source_channel is None else [a.channel, a.source_channel]
        # One query fetched every integration's cameras: keep only one this integration speaks for.
        item.camera = next((camera for device_id in a.identities for channel in channels
                            for camera in cameras.get((a.vendor, device_id, channel), ())
                            if is_national or camera.district_id == district_id), None)
        item.district_id = item.camera.district_id if item.camera else district_id


_UPSERT_COLUMNS = ("vendor", "natural_key", "integration_id", "camera_id", "device_id", "channel", "device_ip",
                   "device_name", "event_type", "label", "confidence", "started_at", "ended_at", "zones",
                   "mahalla_id", "district_id", "source_channel", "plate")
_UPSERT_TYPES = ("varchar", "varchar", "bigint", "bigint", "varchar", "integer", "varchar", "varchar", "varchar",
                 "varchar", "double precision", "timestamptz", "timestamptz", "text", "bigint", "bigint", "integer",
                 "varchar")
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
    source_channel = COALESCE(a.source_channel, EXCLUDED.source_channel),
    plate = COALESCE(NULLIF(a.plate, ''), EXCLUDED.plate),
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
               camera.mahalla_id if camera else None, item.district_id, a.source_channel, a.plate[:32]]
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
    older = older_than_seconds if older_than_seconds is not None else settings.SURVEILLANCE_SWEEP_AFTER_SECONDS
    limit = limit if limit is not None else settings.SURVEILLANCE_SWEEP_LIMIT
    stale = datetime.timedelta(seconds=settings.SURVEILLANCE_CLAIM_STALE_SECONDS)
    now = timezone.now()
    ids = list(RawEvent.objects.filter(processed_at__isnull=True,
                                       received_at__lte=now - datetime.timedelta(seconds=older))
               .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - stale))
               .order_by("id").values_list("id", flat=True)[:limit])
    if ids:
        from .. import tasks

        size = settings.SURVEILLANCE_BATCH_SIZE
        for start in range(0, len(ids), size):
            if not enqueue(tasks.alerts_process_batch, ids[start:start + size]):
                return start  # the next sweep sends the rest
    return len(ids)
