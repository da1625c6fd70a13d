"""Routing: which alerts reach a review queue, which are urgent, and which repeats of one camera's event form a
group. Each district's monitoring centre sets its rule (DistrictAlertRule); a district without one gets everything.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from core.dates import TASHKENT

from ..models import Alert, AlertGroup, DistrictAlertRule
from ..querysets import REVIEWED_STATUSES

S = Alert.Status
R = Alert.Reason


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
        local = timezone.localtime(moment, TASHKENT).time()
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


def _rules_for(district_ids) -> dict[int, Rule]:
    return {r.district_id: Rule.of(r) for r in DistrictAlertRule.objects.filter(district_id__in=district_ids)}


def alerts_route(rows: list[dict]) -> tuple[list[int], list[int]]:
    """Give each upserted alert its status, reason, urgency and group under its district's rule, in one UPDATE.
    Returns (alerts newly routed to a review queue, the urgent ones among them). A decision a person took stays."""
    rules = _rules_for({row["district_id"] for row in rows if row["district_id"]})
    default = Rule.default()
    updates, routed, urgent_ids = [], [], []
    groups = _alerts_group([row for row in rows if row["inserted"] and row["camera_id"]])
    for row in rows:
        status, reason, urgent = alert_decide(
            rule=rules.get(row["district_id"], default), matched=row["camera_id"] is not None,
            has_mahalla=row["mahalla_id"] is not None, event_type=row["event_type"], label=row["label"],
            confidence=row["confidence"], started_at=row["started_at"])
        if row["status"] in REVIEWED_STATUSES:
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
    window = datetime.timedelta(seconds=settings.ALERT_GROUP_WINDOW_SECONDS)
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
