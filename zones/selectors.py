"""Reads of zone statuses for pages and the API. Every query starts from `visible_to(user)`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, FilteredRelation, Q, QuerySet

from core.periods import Period, trend_periods
from incidents.models import Incident
from mahallas.models import District, Mahalla, Region

from .models import Colour, ColourChange, MahallaStatus, PeriodThreshold, Policy


def statuses_for(user, period: Period) -> QuerySet:
    return (MahallaStatus.objects.visible_to(user).filter(period=period.key)
            .select_related("mahalla", "mahalla__district", "policy")
            .defer("mahalla__boundary", "mahalla__district__boundary"))


def status_of(user, mahalla: Mahalla, period: Period) -> MahallaStatus | None:
    return (MahallaStatus.objects.visible_to(user).select_related("policy")
            .filter(mahalla=mahalla, period=period.key).first())


def mahalla_statuses(user, mahalla: Mahalla) -> QuerySet:
    return (MahallaStatus.objects.visible_to(user).filter(mahalla=mahalla).select_related("policy")
            .order_by("period"))


@dataclass
class TrendCell:
    period: Period
    status: MahallaStatus | None


def mahalla_trend(user, mahalla: Mahalla) -> list[TrendCell]:
    periods = trend_periods()
    found = {s.period: s for s in MahallaStatus.objects.visible_to(user).select_related("policy").filter(
        mahalla=mahalla, period__in=[p.key for p in periods])}
    return [TrendCell(p, found.get(p.key)) for p in periods]


def awaiting_verification(user, period: Period, *, mahalla: Mahalla | None = None, territory=None) -> int:
    """Crime reports of the period (by when they occurred) not yet decided: they do not count towards a colour
    until registered, so a page shows how many are left out of it."""
    qs = (Incident.objects.visible_to(user).awaiting_decision()
          .filter(legal_kind=Incident.LegalKind.CRIME, occurred_at__gte=period.starts, occurred_at__lt=period.ends))
    if mahalla is not None:
        qs = qs.filter(mahalla=mahalla)
    elif isinstance(territory, Region):
        qs = qs.filter(mahalla__district__region=territory)
    elif isinstance(territory, District):
        qs = qs.filter(mahalla__district=territory)
    return qs.count()


def colour_changes(user, *, mahalla: Mahalla | None = None, period: str | None = None) -> QuerySet:
    qs = ColourChange.objects.visible_to(user).select_related("policy", "mahalla").defer("mahalla__boundary")
    if mahalla is not None:
        qs = qs.filter(mahalla=mahalla)
    if period:
        qs = qs.filter(period=period)
    return qs.order_by("-at", "-id")


@dataclass
class ColourCounts:
    mahallas: int
    green: int
    yellow: int
    red: int

    @property
    def not_computed(self) -> int:
        return self.mahallas - self.green - self.yellow - self.red

    def share(self, colour: str) -> float:
        return getattr(self, colour) / self.mahallas if self.mahallas else 0.0

    @property
    def shares(self) -> dict[str, float]:
        return {c: self.share(c) for c in Colour.values}


def _with_status(qs: QuerySet, period: Period) -> QuerySet:
    return qs.annotate(st=FilteredRelation("zone_statuses", condition=Q(zone_statuses__period=period.key)))


def _count_kwargs() -> dict:
    return {
        "mahallas": Count("id"),
        "green": Count("st", filter=Q(st__colour=Colour.GREEN)),
        "yellow": Count("st", filter=Q(st__colour=Colour.YELLOW)),
        "red": Count("st", filter=Q(st__colour=Colour.RED)),
        "crime_free": Count("st", filter=Q(st__total=0)),
        "computed": Count("st"),
    }


def colour_counts(user, period: Period, *, territory=None) -> ColourCounts:
    """Mahallas by colour within a region, a district, or (territory None) everything the user sees."""
    qs = Mahalla.objects.visible_to(user)
    if isinstance(territory, Region):
        qs = qs.filter(district__region=territory)
    elif isinstance(territory, District):
        qs = qs.filter(district=territory)
    row = _with_status(qs, period).aggregate(**_count_kwargs())
    return ColourCounts(row["mahallas"], row["green"], row["yellow"], row["red"])


def colour_counts_by_district(user, periods: list[Period], *, region=None, district=None,
                              ) -> dict[int, list[ColourCounts]]:
    """{district id: [ColourCounts of each period, in order]} of the mahallas the user sees, every period in one
    pass over the mahallas (a dashboard shows the current and the previous period, and sums districts into its
    regions and its tiles)."""
    qs = Mahalla.objects.visible_to(user)
    if region is not None:
        qs = qs.filter(district__region=region)
    if district is not None:
        qs = qs.filter(district=district)
    relations, counts = {}, {"mahallas": Count("id")}
    for i, period in enumerate(periods):
        relations[f"st{i}"] = FilteredRelation("zone_statuses", condition=Q(zone_statuses__period=period.key))
        for colour in Colour.values:
            # Counting the colour, not the row id, lets the (period, colour, mahalla) index answer alone.
            counts[f"{colour}{i}"] = Count(f"st{i}__colour", filter=Q(**{f"st{i}__colour": colour}))
    rows = qs.annotate(**relations).values("district_id").annotate(**counts).order_by()
    return {row["district_id"]: [ColourCounts(row["mahallas"], row[f"green{i}"], row[f"yellow{i}"], row[f"red{i}"])
                                 for i in range(len(periods))] for row in rows}


def sum_counts(counts) -> ColourCounts:
    counts = list(counts)
    return ColourCounts(sum(c.mahallas for c in counts), sum(c.green for c in counts),
                        sum(c.yellow for c in counts), sum(c.red for c in counts))


@dataclass
class TerritoryRow:
    id: int
    code: str
    name: str
    mahallas: int
    green: int
    yellow: int
    red: int
    crime_free: int
    computed: int

    @property
    def crime_free_share(self) -> float:
        return self.crime_free / self.mahallas if self.mahallas else 0.0


def counts_by_territory(user, period: Period, *, by: str = "region", region: int | None = None,
                        district: int | None = None) -> list[TerritoryRow]:
    """One row per region (or per district) the user sees: mahallas, colours, crime-free (zero registered
    crimes in the period)."""
    qs = Mahalla.objects.visible_to(user)
    if region:
        qs = qs.filter(district__region_id=region)
    if district:
        qs = qs.filter(district_id=district)
    key = "district__region_id" if by == "region" else "district_id"
    rows = _with_status(qs, period).values(key).annotate(**_count_kwargs()).order_by(key)
    model = Region if by == "region" else District
    units = model.objects.only("id", "code", "name_uz", "name_ru", "name_en").in_bulk([r[key] for r in rows])
    result = [TerritoryRow(id=r[key], code=units[r[key]].code, name=units[r[key]].name, mahallas=r["mahallas"],
                           green=r["green"], yellow=r["yellow"], red=r["red"], crime_free=r["crime_free"],
                           computed=r["computed"]) for r in rows if r[key] in units]
    return sorted(result, key=lambda row: row.name)


def totals(rows: list[TerritoryRow]) -> TerritoryRow:
    return TerritoryRow(id=0, code="", name="", mahallas=sum(r.mahallas for r in rows),
                        green=sum(r.green for r in rows), yellow=sum(r.yellow for r in rows),
                        red=sum(r.red for r in rows), crime_free=sum(r.crime_free for r in rows),
                        computed=sum(r.computed for r in rows))


def period_threshold(period: Period) -> PeriodThreshold | None:
    """When the period was last computed nationally (None: never)."""
    return PeriodThreshold.objects.select_related("policy").filter(period=period.key).first()


def policy_versions() -> QuerySet:
    return Policy.objects.select_related("author").order_by("-version")
