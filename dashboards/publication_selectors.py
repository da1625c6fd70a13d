"""Reads of the published figures: the versions of a period, and "as published vs now" for a territory.

The difference between a published total and today's count is explained crime by crime, from what happened
after the publication: approved change requests (a crime that counted here at publication and does not now),
registrations (a crime that counts here now and was registered after publication) and corrections that moved
a crime in (another mahalla or month before, here now). Whatever these do not explain is shown as such, never
hidden. Every read starts from visible_to(user) and the scope's territory.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Sum

from core.periods import Period
from incidents.count_queries import change_requests_visible_to
from incidents.models import Incident, IncidentChangeRequest, IncidentTransition
from mahallas.models import Mahalla

from .count_report import _UNIT_PATH, CountChange, _changes, _units
from .models import FigurePublication, PublishedMahallaFigure
from .selectors.access import DashboardNotFound, Scope


def publication_list(period: str | None = None):
    """Published versions, newest first, with their publisher. The official figures of the whole country:
    whoever may read the comparison may see that a version exists."""
    qs = FigurePublication.objects.select_related("published_by").defer("published_by__password")
    return qs.filter(period=period) if period else qs


def publication_get(period: str, version: int | None = None) -> FigurePublication:
    """A period's given version, or its latest; DashboardNotFound when there is none."""
    qs = publication_list(period).order_by("-version")
    found = (qs.filter(version=version) if version else qs).first()
    if found is None:
        raise DashboardNotFound
    return found


@dataclass
class CompareRow:
    id: int | None
    code: str
    name: str
    published: int = 0
    now: int = 0

    @property
    def difference(self) -> int:
        return self.now - self.published

    def as_dict(self) -> dict:
        return {"id": self.id, "code": self.code, "name": self.name, "published": self.published,
                "now": self.now, "difference": self.difference}


@dataclass
class ExplainingChange:
    change: CountChange
    effect: int  # on the territory's total: -1 when the crime counted here at publication and does not now

    @property
    def effect_display(self) -> str:
        return f"\u2212{-self.effect}" if self.effect < 0 else str(self.effect)

    def as_dict(self) -> dict:
        return {**self.change.as_dict(), "effect": self.effect}


@dataclass
class EnteredCrime:
    incident_id: int
    mahalla: str
    category: str
    occurred_at: datetime.datetime
    registered_at: datetime.datetime
    how: str  # "registered" (after publication) | "moved" (by an approved correction)

    def as_dict(self) -> dict:
        return {"incident": self.incident_id, "mahalla": self.mahalla, "category": self.category,
                "occurred_at": self.occurred_at, "registered_at": self.registered_at, "how": self.how}


@dataclass
class Comparison:
    publication: FigurePublication
    scope: Scope
    rows: list[CompareRow]
    total: CompareRow
    changes: list[ExplainingChange] = field(default_factory=list)
    entered: list[EnteredCrime] = field(default_factory=list)

    @property
    def left(self) -> int:
        return -sum(c.effect for c in self.changes)

    @property
    def registered(self) -> int:
        return sum(1 for e in self.entered if e.how == "registered")

    @property
    def moved_in(self) -> int:
        return sum(1 for e in self.entered if e.how == "moved")

    @property
    def explained(self) -> int:
        return len(self.entered) - self.left

    @property
    def unexplained(self) -> int:
        return self.total.difference - self.explained

    @property
    def period(self) -> Period:
        return Period.parse(self.publication.period)


def publication_comparison(user, scope: Scope, publication: FigurePublication) -> Comparison:
    unit = _UNIT_PATH[scope.child_level]
    mahallas = Mahalla.objects.visible_to(user).filter(**scope.mahalla_filter)
    here = set(mahallas.values_list("pk", flat=True))
    starts, ends, published_at = publication.starts, publication.ends, publication.published_at

    def in_count_here(mahalla_id, occurred_at) -> bool:
        return mahalla_id in here and starts <= occurred_at < ends

    published = dict(PublishedMahallaFigure.objects.filter(publication=publication, mahalla__in=mahallas.values("pk"))
                     .order_by().values_list(f"mahalla__{unit}").annotate(n=Sum("crimes")))
    counted_here = (Incident.objects.visible_to(user).counted()
                    .filter(mahalla__in=mahallas.values("pk"), occurred_at__gte=starts, occurred_at__lt=ends))
    now = dict(counted_here.order_by().values_list(f"mahalla__{unit}").annotate(n=Count("id")))
    rows = [CompareRow(pk, code, name, published.get(pk, 0), now.get(pk, 0)) for pk, code, name in _units(user, scope)]
    total = CompareRow(None, "", "", sum(r.published for r in rows), sum(r.now for r in rows))

    # What happened after publication: approved requests (in any territory, for the crimes concerned) and
    # crimes registered since.
    after = change_requests_visible_to(user).filter(status=IncidentChangeRequest.Status.APPROVED,
                                                    decided_at__gt=published_at)
    touched_here = after.filter(counted_mahalla__in=mahallas.values("pk"), counted_occurred_at__gte=starts,
                                counted_occurred_at__lt=ends)
    now_rows = {i["pk"]: i for i in counted_here.filter(registered_at__gt=published_at).values(
        "pk", "registered_at")}
    moved_candidates = set(counted_here.filter(registered_at__lte=published_at, change_requests__in=after)
                           .values_list("pk", flat=True))
    incident_ids = set(touched_here.values_list("incident_id", flat=True)) | set(now_rows) | moved_candidates
    first_after = {}
    for request in after.filter(incident_id__in=incident_ids).order_by("decided_at", "id").values(
            "incident_id", "counted_mahalla_id", "counted_occurred_at", "decided_at"):
        first_after.setdefault(request["incident_id"], request)
    registered_after = set(IncidentTransition.objects.filter(
        incident_id__in=incident_ids, to_status=Incident.Status.REGISTERED, at__gt=published_at)
        .values_list("incident_id", "at"))
    now_here = set(counted_here.filter(pk__in=incident_ids).values_list("pk", flat=True))

    def at_publication_here(incident_id: int) -> bool:
        first = first_after.get(incident_id)
        if first is None:
            return incident_id in now_here and incident_id not in now_rows
        # Where it counted when the first change after publication was asked is where it counted at
        # publication, unless it was only registered in between.
        registered_between = any(i == incident_id and at <= first["decided_at"] for i, at in registered_after)
        return not registered_between and in_count_here(first["counted_mahalla_id"], first["counted_occurred_at"])

    effect = {i: (i in now_here) - at_publication_here(i) for i in incident_ids}
    changes, seen = [], set()
    for change in _changes(touched_here.order_by("decided_at", "id"), None):
        first = change.incident_id not in seen
        seen.add(change.incident_id)
        changes.append(ExplainingChange(change, min(effect[change.incident_id], 0) if first else 0))
    entered_ids = [i for i, e in effect.items() if e > 0]
    entered = [EnteredCrime(i.pk, i.mahalla.name, i.category.name, i.occurred_at, i.registered_at,
                            "registered" if i.pk in now_rows else "moved")
               for i in counted_here.filter(pk__in=entered_ids).select_related("mahalla", "category")
               .defer("mahalla__boundary").order_by("occurred_at", "pk")]
    return Comparison(publication, scope, rows, total, changes, entered)
