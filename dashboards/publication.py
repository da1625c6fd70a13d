"""Publishing the official figures of a period: a frozen snapshot of every mahalla's counted crimes.

The snapshot is taken with one INSERT ... SELECT (9,000 mahallas) over the counted-crime rule of
incidents.querysets, so "as published" is exactly what the count was at that moment. The tables are
append-only (migration 0003): publishing a period again adds a version and keeps the earlier ones.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils.translation import gettext as _

from accounts.capabilities import can
from audit.models import AuditEvent
from audit.services import audit_record
from core.dates import today
from core.errors import DomainError
from core.periods import Period, PeriodError
from incidents.models import Incident, IncidentCategory
from incidents.querysets import category_group_sql, counted_sql
from mahallas.models import Mahalla
from zones.models import MahallaStatus

from .models import FigurePublication, PublishedMahallaFigure

NOTE_MAX = 2000


class PublicationError(DomainError):
    """A publication refused; `field` names the input at fault (the API answers 400, the page a form error)."""


def publishable_period(key: str) -> Period:
    """A calendar quarter, half-year or year that has begun ("current" moves every day: nothing to freeze)."""
    try:
        period = Period.parse(key)
    except PeriodError as exc:
        raise PublicationError("period", _("Choose a quarter, half-year or year, such as “H1-2025”.")) from exc
    if period.is_current:
        raise PublicationError("period", _("The last 90 days change every day: publish a calendar period."))
    if period.start > today():
        raise PublicationError("period", _("This period has not begun yet."))
    return period


_SNAPSHOT_SQL = f"""
    INSERT INTO {PublishedMahallaFigure._meta.db_table} (publication_id, mahalla_id, crimes, by_group, colour)
    SELECT %s, m.id, coalesce(c.crimes, 0), coalesce(c.by_group, '{{}}'::jsonb), coalesce(s.colour, '')
    FROM {Mahalla._meta.db_table} m
    LEFT JOIN (
        SELECT g.mahalla_id, sum(g.n)::integer AS crimes, jsonb_object_agg(g.grp::text, g.n) AS by_group
        FROM (
            SELECT i.mahalla_id, {category_group_sql("c")} AS grp, count(*) AS n
            FROM {Incident._meta.db_table} i
            JOIN {IncidentCategory._meta.db_table} c ON c.id = i.category_id
            WHERE {counted_sql("i")} AND i.occurred_at >= %s AND i.occurred_at < %s
            GROUP BY 1, 2
        ) g
        GROUP BY g.mahalla_id
    ) c ON c.mahalla_id = m.id
    LEFT JOIN {MahallaStatus._meta.db_table} s ON s.mahalla_id = m.id AND s.period = %s
"""  # noqa: S608 - table names and the counted rule are constants


@transaction.atomic
def figures_publish(*, by, period: str, note: str = "") -> FigurePublication:
    """Freeze the counted crimes of every mahalla for `period` as its next published version."""
    if not can(by, "dashboards.publish_figures"):
        raise PublicationError("period", _("Only the ministry publishes the official figures."))
    target = publishable_period(period)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise PublicationError("note", _("Keep the note under %(n)s characters.") % {"n": NOTE_MAX})
    with connection.cursor() as cursor:
        # Two publishers of one period at once would both read the same last version: one waits here.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"dashboards.publication:{target.key}"])
    last = (FigurePublication.objects.filter(period=target.key).order_by("-version")
            .values_list("version", flat=True).first())
    publication = FigurePublication.objects.create(
        period=target.key, version=(last or 0) + 1, starts=target.starts, ends=target.ends, published_by=by,
        note=note)
    with connection.cursor() as cursor:
        cursor.execute(_SNAPSHOT_SQL, [publication.pk, target.starts, target.ends, target.key])
        mahallas = cursor.rowcount
        cursor.execute(f"SELECT coalesce(sum(crimes), 0) FROM {PublishedMahallaFigure._meta.db_table} "  # noqa: S608
                       "WHERE publication_id = %s", [publication.pk])
        crimes = cursor.fetchone()[0]
    audit_record(action=AuditEvent.Action.CREATE, actor=by, obj=publication,
                 object_repr=f"{target.key} v{publication.version}",
                 details={"period": target.key, "version": publication.version, "mahallas": mahallas,
                          "crimes": crimes})
    return publication
