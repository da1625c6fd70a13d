"""Reads that pages, the API and higher apps (zones, dashboards) need. Every query starts from `visible_to`,
except `overdue_items_by_mahalla`, which higher apps call for mahallas they have already scoped.

Progress roll-up (mahalla -> district -> region), computed by set-based aggregate queries, one per question:
- completion % = the average progress of the measures that are not cancelled, where a measure marked done counts
  as 100 whatever its progress field says (cancelled measures leave the average; they are not work left to do);
- overdue = measures whose deadline has passed and which are neither done nor cancelled;
- KPIs behind target = KPIs with a reported actual on the wrong side of the target: below it for "higher is
  better", above it for "lower is better". KPIs with no value yet are counted as "not reported", not as behind.
Only the roadmap in force counts for each territory and year (RoadmapQuerySet.in_force): not a superseded
revision, and not a new revision still awaiting approval.
A district's figure includes its own roadmap and its mahallas' roadmaps; a region's adds its districts'.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Case, Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.capabilities import can
from core import dates
from mahallas.models import District, Mahalla, Region

from .evidence import linked_records
from .models import ItemChange, ItemStatus, Kpi, Roadmap, RoadmapItem

_CLOSED = (ItemStatus.DONE, ItemStatus.CANCELLED)
# The levels a roadmap hangs off, as written in URLs and query strings ("district:12").
TERRITORY_MODELS = {"region": Region, "district": District, "mahalla": Mahalla}


@dataclass
class Progress:
    items: int = 0
    done: int = 0
    cancelled: int = 0
    completion: float | None = None
    overdue: int = 0
    kpis: int = 0
    kpis_behind: int = 0
    kpis_unreported: int = 0

    @property
    def completion_pct(self) -> int | None:
        return None if self.completion is None else round(self.completion)


@dataclass
class RollupRow:
    territory: object
    progress: Progress
    url: str = ""


@dataclass
class Rollup:
    year: int
    total: Progress
    rows: list[RollupRow] = field(default_factory=list)
    own: Progress | None = None


def _item_aggregates(today):
    effective = Case(When(status=ItemStatus.DONE, then=Value(100)), default=F("progress"),
                     output_field=IntegerField())
    live = ~Q(status=ItemStatus.CANCELLED)
    return {
        "n_items": Count("id", filter=live),
        "n_done": Count("id", filter=Q(status=ItemStatus.DONE)),
        "n_cancelled": Count("id", filter=Q(status=ItemStatus.CANCELLED)),
        "completion": Avg(effective, filter=live),
        "n_overdue": Count("id", filter=Q(deadline__lt=today) & ~Q(status__in=_CLOSED)),
    }


def _kpi_aggregates():
    behind = Q(actual__isnull=False) & (Q(direction="increase", actual__lt=F("target"))
                                        | Q(direction="decrease", actual__gt=F("target")))
    return {
        "n_kpis": Count("id"),
        "n_behind": Count("id", filter=behind),
        "n_unreported": Count("id", filter=Q(actual__isnull=True)),
    }


def _collect(items_qs, kpis_qs, key_items, key_kpis, today) -> dict:
    """{key: Progress} from two grouped queries (items, KPIs)."""
    result: dict = {}
    rows = (items_qs.annotate(rollup_key=key_items).values("rollup_key").annotate(**_item_aggregates(today))
            .order_by())
    for row in rows:
        result[row["rollup_key"]] = Progress(items=row["n_items"], done=row["n_done"],
                                             cancelled=row["n_cancelled"], completion=row["completion"],
                                             overdue=row["n_overdue"])
    rows = (kpis_qs.exclude(item__status=ItemStatus.CANCELLED).annotate(rollup_key=key_kpis).values("rollup_key")
            .annotate(**_kpi_aggregates()).order_by())
    for row in rows:
        progress = result.setdefault(row["rollup_key"], Progress())
        progress.kpis, progress.kpis_behind = row["n_kpis"], row["n_behind"]
        progress.kpis_unreported = row["n_unreported"]
    return result


def _sum(parts) -> Progress:
    total = Progress()
    weighted = 0.0
    for p in parts:
        total.items += p.items
        total.done += p.done
        total.cancelled += p.cancelled
        total.overdue += p.overdue
        total.kpis += p.kpis
        total.kpis_behind += p.kpis_behind
        total.kpis_unreported += p.kpis_unreported
        if p.completion is not None:
            weighted += p.completion * p.items
    total.completion = weighted / total.items if total.items else None
    return total


def _sources(user, year: int):
    items = RoadmapItem.objects.visible_to(user).in_force().filter(roadmap__year=year)
    kpis = Kpi.objects.visible_to(user).filter(item__roadmap__year=year).exclude(
        item__roadmap__status="superseded").exclude(item__roadmap__parent__status="approved")
    return items, kpis


def _keyed(prefix: str, level: str):
    """The expression naming, for a row under `prefix` (the roadmap), the child unit of `level` it rolls into."""
    if level == "district":  # children are mahallas; the district's own roadmap is key None
        return F(f"{prefix}mahalla_id")
    if level == "region":  # children are districts
        return Coalesce(F(f"{prefix}district_id"), F(f"{prefix}mahalla__district_id"))
    # national: children are regions
    return Coalesce(F(f"{prefix}region_id"), F(f"{prefix}district__region_id"),
                    F(f"{prefix}mahalla__district__region_id"))


def _under(prefix: str, territory) -> Q:
    if isinstance(territory, Mahalla):
        return Q(**{f"{prefix}mahalla": territory})
    if isinstance(territory, District):
        return Q(**{f"{prefix}district": territory}) | Q(**{f"{prefix}mahalla__district": territory})
    if isinstance(territory, Region):
        return (Q(**{f"{prefix}region": territory}) | Q(**{f"{prefix}district__region": territory})
                | Q(**{f"{prefix}mahalla__district__region": territory}))
    return Q()


def territory_rollup(user, territory, *, year: int, today=None) -> Rollup:
    """The progress of a territory (None: the nation) for the year, with one row per child unit."""
    today = today or dates.today()
    items, kpis = _sources(user, year)
    items = items.filter(_under("roadmap__", territory))
    kpis = kpis.filter(_under("item__roadmap__", territory))
    if isinstance(territory, Mahalla):
        by_key = _collect(items, kpis, F("roadmap__mahalla_id"), F("item__roadmap__mahalla_id"), today)
        return Rollup(year=year, total=by_key.get(territory.pk, Progress()))
    if isinstance(territory, District):
        level, children = "district", Mahalla.objects.visible_to(user).filter(district=territory)
    elif isinstance(territory, Region):
        level, children = "region", District.objects.visible_to(user).filter(region=territory)
    else:
        level, children = "national", Region.objects.visible_to(user)
    by_key = _collect(items, kpis, _keyed("roadmap__", level), _keyed("item__roadmap__", level), today)
    from django.urls import reverse

    url_name = {"district": "territories:mahalla", "region": "territories:district",
                "national": "territories:region"}[level]
    rows = [RollupRow(territory=child, progress=by_key.get(child.pk, Progress()),
                      url=reverse(url_name, args=[child.pk]))
            for child in children.defer("boundary").order_by("name_uz")]
    own = by_key.get(None) if level != "national" else None
    return Rollup(year=year, total=_sum(by_key.values()), rows=rows, own=own)


def territory_progress(user, territory, *, year: int, today=None, kpis: bool = True) -> Progress:
    """The totals of `territory_rollup` in one query (KPI counts come from correlated subqueries), for panels
    on pages that have a query budget. `kpis=False` leaves the KPI counts at 0: building their three
    subqueries costs more than the dashboard tiles that need none of them."""
    today = today or dates.today()
    items, _kpis = _sources(user, year)
    items = items.filter(_under("roadmap__", territory))
    if not kpis:
        row = items.aggregate(**_item_aggregates(today))
        return Progress(items=row["n_items"], done=row["n_done"], cancelled=row["n_cancelled"],
                        completion=row["completion"], overdue=row["n_overdue"])

    def kpi_count(condition=None):
        qs = Kpi.objects.filter(item=OuterRef("pk"))
        if condition is not None:
            qs = qs.filter(condition)
        return Coalesce(Subquery(qs.values("item").annotate(c=Count("id")).values("c")), 0)

    behind = Q(actual__isnull=False) & (Q(direction="increase", actual__lt=F("target"))
                                        | Q(direction="decrease", actual__gt=F("target")))
    live = ~Q(status=ItemStatus.CANCELLED)
    row = items.annotate(k_all=kpi_count(), k_behind=kpi_count(behind),
                         k_unreported=kpi_count(Q(actual__isnull=True))).aggregate(
        **_item_aggregates(today), n_kpis=Sum("k_all", filter=live), n_behind=Sum("k_behind", filter=live),
        n_unreported=Sum("k_unreported", filter=live))
    return Progress(items=row["n_items"], done=row["n_done"], cancelled=row["n_cancelled"],
                    completion=row["completion"], overdue=row["n_overdue"], kpis=row["n_kpis"] or 0,
                    kpis_behind=row["n_behind"] or 0, kpis_unreported=row["n_unreported"] or 0)


def roadmap_progress(roadmap_ids, *, today=None) -> dict[int, Progress]:
    """{roadmap_id: Progress} of the roadmaps themselves (no roll-up), two queries for any number of them."""
    today = today or dates.today()
    ids = sorted(set(roadmap_ids))
    if not ids:
        return {}
    return _collect(RoadmapItem.objects.filter(roadmap_id__in=ids), Kpi.objects.filter(item__roadmap_id__in=ids),
                    F("roadmap_id"), F("item__roadmap_id"), today)


def overdue_items_by_mahalla(mahalla_ids, *, today=None) -> dict[int, int]:
    """{mahalla_id: number of overdue measures} in the mahallas' roadmaps in force (any year); absent = 0.

    For higher apps (zones) that have already scoped `mahalla_ids` to their user."""
    ids = sorted(set(mahalla_ids))
    if not ids:
        return {}
    rows = (RoadmapItem.objects.overdue(today).in_force().filter(roadmap__mahalla_id__in=ids)
            .values("roadmap__mahalla_id").annotate(n=Count("id")).order_by())
    return {row["roadmap__mahalla_id"]: row["n"] for row in rows}


def roadmap_progress_of(roadmap: Roadmap) -> Progress:
    return roadmap_progress([roadmap.pk]).get(roadmap.pk) or Progress()


def with_progress(roadmaps: list[Roadmap]) -> list[Roadmap]:
    """The roadmaps, each with its `progress` (two queries for all of them)."""
    progress = roadmap_progress([r.pk for r in roadmaps])
    for roadmap in roadmaps:
        roadmap.progress = progress.get(roadmap.pk) or Progress()
    return roadmaps


def roadmaps_for(user, *, year: int | None = None, status: str = "", level: str = "", text: str = ""):
    qs = Roadmap.objects.visible_to(user).for_list()
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if level == "mahalla":
        qs = qs.filter(mahalla__isnull=False)
    elif level == "district":
        qs = qs.filter(district__isnull=False)
    elif level == "region":
        qs = qs.filter(region__isnull=False)
    text = (text or "").strip()
    if text:
        qs = qs.filter(Q(mahalla__name_uz__icontains=text) | Q(district__name_uz__icontains=text)
                       | Q(region__name_uz__icontains=text) | Q(title__icontains=text)
                       | Q(mahalla__code__startswith=text))
    return qs.order_by("-year", "region__name_uz", "district__name_uz", "mahalla__district__name_uz",
                       "mahalla__name_uz", "-revision")


def roadmap_items(roadmap: Roadmap, *, today=None):
    return (roadmap.items.with_overdue(today).prefetch_related("kpis")
            .annotate(n_evidence=Count("evidence", distinct=True)).order_by("position", "id"))


def awaiting_approval(user):
    """Submitted roadmaps this user may approve (the exact rule is the capability roadmaps.approve_roadmap)."""

    qs = Roadmap.objects.visible_to(user).for_list().filter(status="submitted").exclude(submitted_by=user)
    return [r for r in qs.order_by("submitted_at")[:200] if can(user, "roadmaps.approve_roadmap", r)]


def revision_started(roadmap: Roadmap) -> bool:
    """A new revision of this roadmap exists, whoever may see it: there is only ever one at a time."""
    return Roadmap.objects.filter(parent=roadmap).exists()


def next_revision(user, roadmap: Roadmap) -> Roadmap | None:
    return Roadmap.objects.visible_to(user).filter(parent=roadmap).first()


def item_evidence(user, item: RoadmapItem) -> list:
    """The item's evidence, each with the linked record it cites (`record`, None when the user may not see it)."""
    evidence = list(item.evidence.select_related("by"))
    links = linked_records(user, evidence)
    for row in evidence:
        row.record = links.get((row.kind, row.linked_id))
    return evidence


# --- territories ------------------------------------------------------------------------------------

def territories_writable_by(user) -> list[tuple[str, object, str]]:
    """(key, territory, label) of the territories whose roadmaps this user writes."""
    district = District.objects.defer("boundary").filter(pk=user.district_id).first() if user.district_id else None
    if district is not None and can(user, "roadmaps.write_territory", district):
        rows = [(f"district:{district.pk}", district, _("%(name)s (district)") % {"name": district.name})]
        for mahalla in Mahalla.objects.filter(district=district).defer("boundary").order_by("name_uz"):
            rows.append((f"mahalla:{mahalla.pk}", mahalla, mahalla.name))
        return rows
    region = Region.objects.defer("boundary").filter(pk=user.region_id).first() if user.region_id else None
    if region is not None and can(user, "roadmaps.write_territory", region):
        return [(f"region:{region.pk}", region, _("%(name)s (region)") % {"name": region.name})]
    return []


def rollup_territory_default(user):
    """The territory a roll-up shows when none is asked for: the one whose roadmaps the user writes (None: the
    nation)."""
    for model, pk in ((District, user.district_id), (Region, user.region_id)):
        territory = model.objects.visible_to(user).defer("boundary").filter(pk=pk).first() if pk else None
        if territory is not None and can(user, "roadmaps.write_territory", territory):
            return territory
    return None


def territory_roadmaps(user, territory, *, since_year: int, limit: int = 6) -> list[Roadmap]:
    """The territory's own latest roadmaps (newest year and revision first) from `since_year` on."""
    level = territory._meta.model_name
    return list(Roadmap.objects.visible_to(user).filter(**{level: territory}, year__gte=since_year)
                .order_by("-year", "-revision")[:limit])


# --- history ----------------------------------------------------------------------------------------

def describe_change(change: ItemChange) -> list[dict]:
    """Readable rows of one change: field label, before, after (choice values shown by their labels)."""
    labels = {f.name: f.verbose_name for f in RoadmapItem._meta.get_fields() if hasattr(f, "verbose_name")}
    choices = {"focus_area": dict(RoadmapItem.FocusArea.choices), "status": dict(RoadmapItem.Status.choices)}
    extra = {"kpi": _("KPI"), "evidence": _("evidence"), "duplicate_of": _("copy of item"), "position": _("position")}
    rows = []
    for name, pair in (change.changes or {}).items():
        before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        if name.startswith("kpi:"):
            label = _("KPI actual: %(indicator)s") % {"indicator": name[4:]}
        else:
            label = labels.get(name) or extra.get(name) or name
        mapping = choices.get(name, {})
        rows.append({"field": str(label).capitalize(),
                     "before": mapping.get(before, before), "after": mapping.get(after, after)})
    return rows


def item_history(item: RoadmapItem, limit: int = 100) -> list[tuple[ItemChange, list[dict]]]:
    changes = item.changes.select_related("by").order_by("-at", "-id")[:limit]
    return [(c, describe_change(c)) for c in changes]


def roadmap_history(roadmap: Roadmap, limit: int = 200):
    events = list(roadmap.events.select_related("by").order_by("-at", "-id")[:limit])
    changes = [(c, describe_change(c)) for c in
               roadmap.item_changes.select_related("by").order_by("-at", "-id")[:limit]]
    return events, changes
