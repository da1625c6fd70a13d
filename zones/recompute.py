"""The one function that computes mahalla statuses: `status_recompute`.

A national recompute is ONE SQL statement, whatever the number of mahallas or periods:

    periods (unnest of the period bounds)
    -> per (mahalla, period): total                               one GROUP BY pass over the counted crimes
    -> every mahalla x period with its rate per 1,000 residents   LEFT JOIN, zero-crime mahallas included
    -> the national rate threshold per period                     top-k of the aggregated rows, exact arithmetic
       (stored in zones_periodthreshold by a data-modifying CTE)
    -> watch flags                                                subqueries compiled from other apps' querysets
    -> colour                                                     CASE over the policy's thresholds
    -> UPDATE the rows whose inputs changed; INSERT ... ON CONFLICT the missing ones   RETURNING
    -> colour changes: INSERT INTO zones_colourchange SELECT ... FROM what was written, each with the
       {category: n} breakdown that explains it (counted for those few rows only)

The "from" colour of a change is taken from the row as it was under the write's row lock (`previous_colour`
is set from the old row in the UPDATE, or in the DO UPDATE of a concurrent insert), not from an earlier read,
so two concurrent recomputes cannot record a change twice or with a stale "from". A row whose inputs did not
change is neither locked nor written: the nightly run writes only what moved.

A partial recompute (a few mahallas that changed) runs the same statement with a filter on mahalla ids and
reads each period's national threshold from zones_periodthreshold instead of ranking every mahalla again.
A period without a stored threshold (never computed, computed under another policy, or "current" on a new
day) gets a full recompute first.

Threshold: "rate per 1,000 residents in the top 7% nationally" is the rate of the k-th highest mahalla with
k = ceil(N * 7 / 100), N the mahallas with a population; a mahalla at that rate or above is red (ties too).
It is computed with exact numeric arithmetic rather than percentile_cont/percentile_disc, whose double
precision fraction (0.93 * 100 = 93.00000000000001) moves the edge by one mahalla.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Collection
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from core.periods import Period
from incidents.querysets import counted_sql

from . import flags
from .models import PeriodThreshold, Policy, RecomputeRun


@dataclass
class ColourEvent:
    id: int
    mahalla_id: int
    period: str
    from_colour: str
    to_colour: str


@dataclass
class RecomputeResult:
    kind: str
    periods: list[str]
    mahallas: int | None
    rows_changed: int = 0
    events: list[ColourEvent] = field(default_factory=list)
    seconds: float = 0.0


class _Sql:
    """Positional SQL built in order: each fragment brings its own parameters (Django's compiled subqueries
    use %s placeholders, so the whole statement does)."""

    def __init__(self):
        self.parts: list[str] = []
        self.params: list = []

    def add(self, sql: str, *params) -> _Sql:
        self.parts.append(sql)
        self.params.extend(params)
        return self

    def sub(self, qs) -> str:
        sql, params = qs.query.sql_with_params()
        self.params.extend(params)
        return sql

    @property
    def sql(self) -> str:
        return "\n".join(self.parts)


def _flag_expression(q: _Sql, qs, *, negate: bool = False) -> str:
    if qs is None:
        return "NULL::boolean"
    return f"m.id {'NOT IN' if negate else 'IN'} ({q.sub(qs)})"


def _statement(*, periods: list[Period], live: list[bool], thresholds: list | None, ids: list[int] | None,
               policy: Policy, at: datetime.datetime) -> _Sql:
    q = _Sql()
    full = thresholds is None
    q.add("""
WITH p AS (
    SELECT * FROM unnest(%s::varchar[], %s::timestamptz[], %s::timestamptz[], %s::boolean[], %s::numeric[])
           AS p(period, starts, ends, live, stored_threshold)
),
m AS (
    SELECT id, population FROM mahallas_mahalla""",
          [p.key for p in periods], [p.starts for p in periods], [p.ends for p in periods], live,
          thresholds or [None] * len(periods))
    if ids is not None:
        q.add("    WHERE id = ANY(%s)", ids)
    # One pass over the counted crimes, grouped by (mahalla, period): the total is all a colour needs. The
    # breakdown by category is not stored with the status (building it for every mahalla was most of the
    # statement's cost beyond a bare count); pages read it with the status (zones.breakdown), and a colour
    # change stores its own, built below for the few rows that changed colour.
    q.add(f"""),
by_mahalla AS (
    SELECT i.mahalla_id, p.period, count(*)::integer AS total
    FROM incidents_incident i
    JOIN p ON i.occurred_at >= p.starts AND i.occurred_at < p.ends
    WHERE {counted_sql("i")} AND i.occurred_at >= %s AND i.occurred_at < %s""",  # noqa: S608
          min(p.starts for p in periods), max(p.ends for p in periods))
    if ids is not None:
        q.add("      AND i.mahalla_id = ANY(%s)", ids)
    q.add("""    GROUP BY 1, 2
),
base AS (
    SELECT m.id AS mahalla_id, p.period, p.live, p.stored_threshold, m.population,
           coalesce(b.total, 0) AS total,
           CASE WHEN m.population > 0
                THEN round(coalesce(b.total, 0) * 1000.0 / m.population, 4) END AS rate
    FROM m CROSS JOIN p
    LEFT JOIN by_mahalla b ON b.mahalla_id = m.id AND b.period = p.period
),""")
    if full:
        q.add("""
thresholds AS (
    -- The k-th highest rate: a bounded top-k sort of the aggregated rows, not a ranking of all of them.
    SELECT p.period, p.starts, p.ends, n.ranked,
           (SELECT b.rate FROM base b WHERE b.period = p.period AND b.rate IS NOT NULL
            ORDER BY b.rate DESC OFFSET greatest(n.k - 1, 0) LIMIT least(n.k, 1)) AS rate_threshold
    FROM p CROSS JOIN LATERAL (
        SELECT count(b.rate) AS ranked, ceil(count(b.rate) * %s::numeric / 100)::bigint AS k
        FROM base b WHERE b.period = p.period) n
),
saved_thresholds AS (
    INSERT INTO zones_periodthreshold (period, starts, ends, rate_threshold, ranked, policy_id, computed_at)
    SELECT period, starts, ends, rate_threshold, ranked, %s, %s FROM thresholds
    ON CONFLICT (period) DO UPDATE SET starts = EXCLUDED.starts, ends = EXCLUDED.ends,
        rate_threshold = EXCLUDED.rate_threshold, ranked = EXCLUDED.ranked, policy_id = EXCLUDED.policy_id,
        computed_at = EXCLUDED.computed_at
),""", policy.red_rate_top_percent, policy.pk, at)
    else:
        q.add("""
thresholds AS (SELECT period, stored_threshold AS rate_threshold FROM p),""")
    any_live = any(live)
    if any_live:
        urgent = _flag_expression(q, flags.urgent_alert_mahallas())
        overdue = _flag_expression(q, flags.overdue_roadmap_mahallas())
        no_inspector = _flag_expression(q, flags.inspector_mahallas(), negate=True)
        no_social = _flag_expression(q, flags.social_worker_mahallas(), negate=True)
        # The fragments are Django-compiled subqueries whose values travel as parameters, never as text.
        q.parts.append(f"""
flags AS (
    SELECT m.id AS mahalla_id, {urgent} AS urgent, {overdue} AS overdue, {no_inspector} AS no_inspector,
           {no_social} AS no_social_worker
    FROM m
),""")  # noqa: S608
    else:
        q.add("""
flags AS (SELECT NULL::bigint AS mahalla_id, NULL::boolean AS urgent, NULL::boolean AS overdue,
                 NULL::boolean AS no_inspector, NULL::boolean AS no_social_worker WHERE false),""")
    q.add("""
computed AS (
    SELECT b.mahalla_id, b.period, b.total, b.population, b.rate, t.rate_threshold,
           CASE WHEN b.total <= %s THEN 'green'
                WHEN b.total >= %s OR b.rate >= t.rate_threshold THEN 'red'
                ELSE 'yellow' END AS colour,
           CASE WHEN b.live THEN f.urgent END AS flag_urgent_alerts,
           CASE WHEN b.live THEN f.overdue END AS flag_overdue_roadmap,
           CASE WHEN b.live THEN f.no_inspector END AS flag_no_inspector,
           CASE WHEN b.live THEN f.no_social_worker END AS flag_no_social_worker
    FROM base b JOIN thresholds t ON t.period = b.period
    LEFT JOIN flags f ON f.mahalla_id = b.mahalla_id
),
""", policy.green_max_crimes, policy.red_min_crimes)
    _add_writes(q, periods=periods, ids=ids, policy=policy, at=at)
    return q


_COMPARED = ("total", "population", "rate", "rate_threshold", "policy_id", "colour", "flag_urgent_alerts",
             "flag_overdue_roadmap", "flag_no_inspector", "flag_no_social_worker")
# What the writes return is only what tells a colour change; the inputs of the few changes are joined back.
_RETURNED = "s.mahalla_id, s.period, s.colour, s.previous_colour, s.colour_since"


def _add_writes(q: _Sql, *, periods: list[Period], ids: list[int] | None, policy: Policy,
                at: datetime.datetime) -> None:
    """Existing rows: a plain UPDATE of those whose inputs differ (an unchanged row is neither locked nor
    written; ON CONFLICT DO UPDATE would lock every row it meets). Missing rows (a period computed for the first
    time, a new mahalla): INSERT ... ON CONFLICT, which also covers a concurrent recompute inserting them first.
    The "from" colour is the row's own under the UPDATE's row lock (re-read if a concurrent recompute changed
    it), so two recomputes cannot record a change twice or with a stale "from"."""
    keys = [p.key for p in periods]
    old = ", ".join(f"s.{c}" for c in _COMPARED)
    new = ", ".join("%s::bigint" if c == "policy_id" else f"c.{c}" for c in _COMPARED)
    excluded = ", ".join(f"EXCLUDED.{c}" for c in _COMPARED)
    q.add(f"""
updated AS (
    UPDATE zones_mahallastatus AS s SET
        total = c.total, population = c.population, rate = c.rate,
        rate_threshold = c.rate_threshold, policy_id = %s, colour = c.colour,
        previous_colour = CASE WHEN s.colour <> c.colour THEN s.colour ELSE s.previous_colour END,
        colour_since = CASE WHEN s.colour <> c.colour THEN %s ELSE s.colour_since END,
        flag_urgent_alerts = c.flag_urgent_alerts, flag_overdue_roadmap = c.flag_overdue_roadmap,
        flag_no_inspector = c.flag_no_inspector, flag_no_social_worker = c.flag_no_social_worker,
        computed_at = %s
    FROM computed c
    WHERE s.mahalla_id = c.mahalla_id AND s.period = c.period AND s.period = ANY(%s)
      AND ({old}) IS DISTINCT FROM ({new})
    RETURNING {_RETURNED}
),
inserted AS (
    INSERT INTO zones_mahallastatus AS s (
        mahalla_id, period, total, population, rate, rate_threshold, policy_id, colour, previous_colour,
        colour_since, flag_urgent_alerts, flag_overdue_roadmap, flag_no_inspector, flag_no_social_worker,
        computed_at)
    SELECT mahalla_id, period, total, population, rate, rate_threshold, %s, colour, '', %s,
           flag_urgent_alerts, flag_overdue_roadmap, flag_no_inspector, flag_no_social_worker, %s
    FROM computed c
    -- Usually every row exists, and one count spares the anti-join: the rows of these periods can only belong
    -- to mahallas of m, so as many of them as computed rows means none is missing.
    WHERE (SELECT count(*) FROM zones_mahallastatus x WHERE x.period = ANY(%s)""",  # noqa: S608
          policy.pk, at, at, keys, policy.pk, policy.pk, at, at, keys)
    if ids is not None:
        q.add("           AND x.mahalla_id = ANY(%s)", ids)
    q.add(f"""          ) < (SELECT count(*) FROM computed)
      AND NOT EXISTS (SELECT FROM zones_mahallastatus x
                      WHERE x.mahalla_id = c.mahalla_id AND x.period = c.period AND x.period = ANY(%s))
    ON CONFLICT (mahalla_id, period) DO UPDATE SET
        total = EXCLUDED.total, population = EXCLUDED.population, rate = EXCLUDED.rate,
        rate_threshold = EXCLUDED.rate_threshold, policy_id = EXCLUDED.policy_id, colour = EXCLUDED.colour,
        previous_colour = CASE WHEN s.colour <> EXCLUDED.colour THEN s.colour ELSE s.previous_colour END,
        colour_since = CASE WHEN s.colour <> EXCLUDED.colour THEN EXCLUDED.colour_since ELSE s.colour_since END,
        flag_urgent_alerts = EXCLUDED.flag_urgent_alerts, flag_overdue_roadmap = EXCLUDED.flag_overdue_roadmap,
        flag_no_inspector = EXCLUDED.flag_no_inspector, flag_no_social_worker = EXCLUDED.flag_no_social_worker,
        computed_at = EXCLUDED.computed_at
    WHERE ({old}) IS DISTINCT FROM ({excluded})
    RETURNING {_RETURNED}
),
written AS (SELECT * FROM updated UNION ALL SELECT * FROM inserted),
events AS (
    -- A colour change keeps the breakdown that explains it, counted here for the few changed rows only.
    INSERT INTO zones_colourchange (mahalla_id, period, total, counts, population, rate, rate_threshold, policy_id,
                                    from_colour, to_colour, at)
    SELECT w.mahalla_id, w.period, c.total, coalesce(k.counts, '{{}}'::jsonb), c.population, c.rate,
           c.rate_threshold, %s, w.previous_colour, w.colour, w.colour_since
    FROM written w JOIN computed c ON c.mahalla_id = w.mahalla_id AND c.period = w.period
    -- The period's bounds are looked up inside: a join with p here leads the planner (which guesses one row
    -- for every CTE) to scan the written rows once per computed row.
    LEFT JOIN LATERAL (
        SELECT jsonb_object_agg(n.code, n.crimes) AS counts
        FROM (SELECT cat.code, count(*) AS crimes
              FROM p JOIN incidents_incident i
                   ON i.occurred_at >= p.starts AND i.occurred_at < p.ends AND i.mahalla_id = w.mahalla_id
              JOIN incidents_incidentcategory cat ON cat.id = i.category_id
              WHERE p.period = w.period AND {counted_sql("i")}
              GROUP BY cat.code) n
    ) k ON true
    WHERE w.colour_since = %s AND w.previous_colour <> ''
    RETURNING id, mahalla_id, period, from_colour, to_colour
)
SELECT (SELECT count(*) FROM written), e.id, e.mahalla_id, e.period, e.from_colour, e.to_colour
FROM (SELECT 1) AS one LEFT JOIN events e ON true
ORDER BY e.id""", keys, policy.pk, at)  # noqa: S608 - the column lists are this module's constants


def policy_current() -> Policy:
    """The policy in force: the newest version. A database without one gets version 1 with the defaults."""
    policy = Policy.objects.order_by("-version").first()
    if policy is not None:
        return policy
    with transaction.atomic():
        Policy.objects.bulk_create([Policy(version=1, note="Default policy")], ignore_conflicts=True)
    return Policy.objects.order_by("-version").first()


def _stale_thresholds(periods: list[Period], policy: Policy) -> tuple[list[Period], dict[str, object]]:
    stored = {t.period: t for t in PeriodThreshold.objects.filter(period__in=[p.key for p in periods])}
    stale, thresholds = [], {}
    for p in periods:
        t = stored.get(p.key)
        if t is None or t.policy_id != policy.pk or t.starts != p.starts or t.ends != p.ends:
            stale.append(p)
        else:
            thresholds[p.key] = t.rate_threshold
    return stale, thresholds


def _execute(periods, *, ids, thresholds, policy, at) -> tuple[int, list[ColourEvent]]:
    today_start = timezone.now()
    live = [p.starts <= today_start < p.ends for p in periods]
    q = _statement(periods=periods, live=live, thresholds=thresholds, ids=ids, policy=policy, at=at)
    with connection.cursor() as cursor:
        cursor.execute(q.sql, q.params)
        rows = cursor.fetchall()
    changed = rows[0][0] if rows else 0
    return changed, [ColourEvent(*row[1:]) for row in rows if row[1] is not None]


@transaction.atomic
def status_recompute(*, periods: Collection[Period], mahalla_ids: Collection[int] | None = None,
                     policy: Policy | None = None, record: bool = True) -> RecomputeResult:
    """Recompute and store the statuses of `mahalla_ids` (None: every mahalla) for `periods`, record colour
    changes, and return what changed. Notifications are the caller's (services.status_changes_notify)."""
    started = time.monotonic()
    policy = policy or policy_current()
    periods = sorted({p.key: p for p in periods}.values())
    at = timezone.now()
    ids = None if mahalla_ids is None else sorted(set(mahalla_ids))
    result = RecomputeResult(kind="full" if ids is None else "partial", periods=[p.key for p in periods],
                             mahallas=None if ids is None else len(ids))
    if not periods or ids == []:
        return result
    if ids is None:
        changed, events = _execute(periods, ids=None, thresholds=None, policy=policy, at=at)
    else:
        stale, thresholds = _stale_thresholds(periods, policy)
        changed, events = 0, []
        if stale:
            changed, events = _execute(stale, ids=None, thresholds=None, policy=policy, at=at)
        fresh = [p for p in periods if p.key in thresholds]
        if fresh:
            n, more = _execute(fresh, ids=ids, thresholds=[thresholds[p.key] for p in fresh], policy=policy, at=at)
            changed, events = changed + n, events + more
    result.rows_changed, result.events = changed, events
    result.seconds = time.monotonic() - started
    if record:
        RecomputeRun.objects.create(kind=result.kind, periods=result.periods, mahallas=result.mahallas or 0,
                                    rows_changed=changed, colour_changes=len(events), started_at=at,
                                    duration_ms=round(result.seconds * 1000))
    return result
