"""Ingest: a vendor payload validated by its adapter and stored as raw events, processing enqueued on commit.

Each message is one `RawEvent`, stored with INSERT ... ON CONFLICT DO NOTHING on its natural key: the sender's
answer comes after the commit, so an accepted event is never lost, and a resent one is stored once. The broker
is only a doorbell; the sweep (processing.raw_events_sweep) enqueues whatever a lost message left behind.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction

from core.enqueue import enqueue
from core.queue import Doorbell

from .. import redis_ops
from ..errors import IntegrationUnassigned, PayloadError
from ..models import Integration
from ..vendors import NormalisedAlert, parse
from .cameras import cameras_seen

log = logging.getLogger(__name__)

# The broker is a doorbell: one queued processing task drains everything stored before it starts (the claim-N
# loop), so while one is on its way another ring adds nothing. Single-alert ingest rings only when no ring is
# pending; the task answers (clears the flag) before it claims, so an event committed after that rings again.
# The flag expires, so a lost task costs at most this delay (and the sweep is there regardless). While Redis is
# unreachable nothing rings: the broker is the same Redis, and the sweep picks the event up.
DOORBELL = Doorbell("surveillance:doorbell", task="surveillance.tasks.alert_process", seconds=2,
                    flags=redis_ops.Flags())


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
            cameras_seen(vendor=vendor, device_ids={i for m in messages if m.is_heartbeat for i in m.identities},
                         integration=integration)
        if alerts:
            result.ids = _raw_insert(vendor, alerts, integration)
            result.accepted = len(result.ids)
            result.duplicates = len(alerts) - result.accepted
            _enqueue_on_commit(result.ids)
    return result


def _raw_insert(vendor: str, alerts: list[NormalisedAlert], integration: Integration) -> list[int]:
    return _raw_insert_rows([(integration.pk, vendor, a.raw_content_type[:200], a.raw, a.message_key[:255])
                             for a in alerts])


def _raw_insert_rows(rows: list[tuple]) -> list[int]:
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
        from .. import tasks

        if len(ids) == 1:
            DOORBELL.ring(ids[0])
            return
        size = settings.SURVEILLANCE_BATCH_SIZE
        for start in range(0, len(ids), size):
            if not enqueue(tasks.alerts_process_batch, ids[start:start + size]):
                return

    # A broker outage must not turn a committed, accepted event into an error answer (enqueue, and robust for
    # anything else); the sweep enqueues it later.
    transaction.on_commit(send, robust=True)


@dataclass(frozen=True)
class Pulled:
    """One message a pull driver read from a device (surveillance.pull), to be stored under its integration."""

    vendor: str
    body: bytes
    content_type: str
    integration_id: int
    device: int  # the PullDevice's id


@dataclass
class BatchResult(IngestResult):
    refused: int = 0
    # PullDevice ids that sent at least one readable message in this batch.
    devices: set[int] = field(default_factory=set)


def raw_events_store_batch(*, messages: list[Pulled], integrations: dict[int, Integration]) -> BatchResult:
    """Store many messages of many devices in one transaction, one INSERT: the pull process's path to the same
    rows, keys and doorbell as the push endpoints (a device both pushing and pulled stores each event once).

    A message its adapter cannot read is refused alone (logged, counted), since a stream has nobody to answer
    400 to; so is one of an integration that is revoked or assigned to no district. Raises only for the
    database: then nothing of the batch is stored, and the caller keeps it and tries again."""
    result = BatchResult()
    rows: dict[tuple[str, str], tuple] = {}
    alerts = 0
    seen: dict[tuple[str, int], set[str]] = {}
    for message in messages:
        integration = integrations.get(message.integration_id)
        if integration is None or not integration.is_assigned or not integration.is_active:
            result.refused += 1
            continue
        try:
            parsed = parse(message.vendor, message.body, message.content_type, integration_id=integration.pk)
        except PayloadError as exc:
            result.refused += 1
            log.warning("refused a %s message of pulled device %s: %s", message.vendor, message.device, exc)
            continue
        result.devices.add(message.device)
        for m in parsed:
            if m.is_heartbeat:
                result.heartbeats += 1
                seen.setdefault((m.vendor, integration.pk), set()).add(m.device_id)
            else:
                alerts += 1
                # One statement may not hold a key twice for nothing: keep the first, count the rest.
                rows.setdefault((m.vendor, m.message_key[:255]), (
                    integration.pk, m.vendor, m.raw_content_type[:200], m.raw, m.message_key[:255]))
    with transaction.atomic():
        for (vendor, integration_id), device_ids in seen.items():
            cameras_seen(vendor=vendor, device_ids=device_ids, integration=integrations[integration_id])
        if rows:
            result.ids = _raw_insert_rows(list(rows.values()))
            _enqueue_on_commit(result.ids)
    result.accepted = len(result.ids)
    result.duplicates = max(0, alerts - result.accepted)
    return result
