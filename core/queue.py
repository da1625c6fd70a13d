"""The work queue three apps share: rows in PostgreSQL say what is left to do, a doorbell in Redis wakes a worker.

1. A change stores its work in a table (`DirtyMahallas.mark`: INSERT ... ON CONFLICT DO NOTHING), in the
   change's own transaction, so the work is committed exactly when the change is.
2. After commit the doorbell rings: a flag set only if absent (Redis SET NX EX). Only the caller that set the flag
   enqueues the task, so a burst of a thousand changes sends one message.
3. The task answers the doorbell (deletes the flag) before it claims rows, so a change committed from then on rings
   again; it claims rows with DELETE ... FOR UPDATE SKIP LOCKED inside the transaction that does the work, so a
   crash puts them back.
4. A periodic sweep rings again when rows have waited too long: a lost message, Redis restarted, the broker down.

Redis and the broker are only the doorbell: while either is unreachable nothing is lost and no caller gets an
error; the work waits in PostgreSQL for the sweep.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .enqueue import enqueue


class CacheFlags:
    """Doorbell flags in Django's (fail-soft) cache: while Redis is unreachable `add` is False and nothing rings."""

    def add(self, key: str, seconds: float) -> bool:
        return bool(cache.add(key, "1", timeout=seconds))

    def delete(self, key: str) -> None:
        cache.delete(key)


class Doorbell:
    """One pending wake-up at a time. `task` is a dotted path, imported late: the task module imports services."""

    def __init__(self, key: str, *, task: str, seconds: float, countdown: float | None = None,
                 expires: float | None = None, flags=None):
        self.key = key
        self.task = task
        self.seconds = seconds
        self.countdown = countdown
        self.expires = expires
        self.flags = flags or CacheFlags()

    def pending(self) -> bool:
        """Set the flag; True if this caller set it (and so should send the task)."""
        return self.flags.add(self.key, self.seconds)

    def ring(self, *args) -> bool:
        """Send the task unless a ring is pending. True when this call sent it."""
        if not self.pending():
            return False
        options = {k: v for k, v in (("countdown", self.countdown), ("expires", self.expires)) if v is not None}
        if not enqueue(import_string(self.task), *args, **options):
            self.answer()  # the broker is down: the sweep rings again for the stored work
            return False
        return True

    def answer(self) -> None:
        """Called by the task before it claims work: anything committed from now on rings again."""
        self.flags.delete(self.key)


class DirtyMahallas:
    """A table (mahalla_id primary key, marked_at) of mahallas whose derived figures must be recomputed."""

    def __init__(self, table: str, doorbell: Doorbell):
        self.table = table
        self.doorbell = doorbell

    def mark(self, mahalla_ids: Iterable[int], *, ring: bool = True) -> int:
        ids = sorted({int(i) for i in mahalla_ids if i is not None})
        if not ids:
            return 0
        with connection.cursor() as cursor:
            # A mahalla deleted meanwhile is skipped, not an error.
            cursor.execute(
                f"INSERT INTO {self.table} (mahalla_id, marked_at) "  # noqa: S608 (table names are ours)
                "SELECT id, now() FROM mahallas_mahalla WHERE id = ANY(%s) ON CONFLICT (mahalla_id) DO NOTHING",
                [ids])
        if ring:
            transaction.on_commit(self.doorbell.ring, robust=True)
        return len(ids)

    def claim(self, limit: int) -> list[int]:
        """Take up to `limit` of the oldest marks; call inside the transaction that does the work."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {self.table} WHERE mahalla_id IN (SELECT mahalla_id FROM {self.table} "  # noqa: S608
                "ORDER BY marked_at LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING mahalla_id", [limit])
            return [row[0] for row in cursor.fetchall()]

    def drain(self, work: Callable[[list[int]], object], *, batch: int, max_batches: int | None = None) -> list:
        """Answer the doorbell, then claim and work batch after batch, each in one transaction."""
        self.doorbell.answer()
        results = []
        while max_batches is None or len(results) < max_batches:
            with transaction.atomic():
                ids = self.claim(batch)
                if not ids:
                    break
                results.append(work(ids))
            if len(ids) < batch:
                break
        return results

    def waiting(self, *, longer_than: datetime.timedelta) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {self.table} WHERE marked_at < %s)",  # noqa: S608
                           [timezone.now() - longer_than])
            return cursor.fetchone()[0]

    def sweep(self, *, longer_than: datetime.timedelta) -> bool:
        """Ring again for marks that have waited too long (their message was lost)."""
        if self.waiting(longer_than=longer_than):
            self.doorbell.answer()
            return self.doorbell.ring()
        return False
