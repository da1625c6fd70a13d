"""Placing each unit under its parent: by a parent code when one is given, otherwise by its shape."""

from __future__ import annotations

from django.contrib.gis.db.models.functions import Distance, Intersection
from django.db import models
from django.db.models import BooleanField, Case, FloatField, Func, Value, When

from .units import PARENTS, BoundaryImportError, ImportReport, Unit, name_key

# Boundary layers from different sources disagree along their shared edges by a few percent of a unit's
# area, so an overlap lead smaller than this says nothing and the point-on-surface decides.
_OVERLAP_TIE = 0.05


def apply_overrides(*, units: list[Unit], level: str, overrides: dict[str, str]) -> None:
    if overrides and PARENTS[level] is None:
        raise BoundaryImportError("Regions have no parent to override.")
    by_name = {name_key(unit.name): unit for unit in units}
    for name, parent_code in overrides.items():
        unit = by_name.get(name_key(name))
        if unit is None:
            # A typo here would silently leave the unit where the defect put it.
            raise BoundaryImportError(f"Parent override for {name!r}: no unit of that name in the file.")
        unit.parent_code = parent_code


def parent_for(*, unit: Unit, level: str, rule: str, report: ImportReport) -> models.Model:
    parent_model, _attr = PARENTS[level]
    label = parent_model._meta.verbose_name
    if unit.parent_code is not None:
        parent = parent_model.objects.filter(code=unit.parent_code).first()
        if parent is None:
            raise BoundaryImportError(f"{unit.label}: no {label} with code {unit.parent_code!r}.")
        report.warnings.append(f"{unit.name}: placed in {parent.name_uz} ({parent.code}) by its parent code.")
        return parent

    if not parent_model.objects.exists():
        raise BoundaryImportError(f"No {label} exists yet: import the {label} boundaries first.")

    point = unit.boundary.point_on_surface
    # One query gives, for every parent the unit touches, how much of it lies there and whether the parent
    # holds its point-on-surface. Areas are in square degrees: fine for comparing parts of one small unit.
    candidates = list(
        parent_model.objects.filter(boundary__intersects=unit.boundary)
        .annotate(
            overlap=Func(Intersection("boundary", unit.boundary), function="ST_Area",
                         output_field=FloatField()),
            holds_point=Case(When(boundary__contains=point, then=Value(True)), default=Value(False),
                             output_field=BooleanField()),
        )
        .order_by("-overlap", "code")
    )
    by_point = next((c for c in candidates if c.holds_point), None)
    by_overlap = candidates[0] if candidates and candidates[0].overlap > 0 else None

    if by_overlap is None:
        nearest = (
            parent_model.objects.filter(boundary__isnull=False)
            .annotate(distance=Distance("boundary", unit.boundary))
            .order_by("distance", "code")
            .first()
        )
        if nearest is None:
            raise BoundaryImportError(f"No {label} has a boundary: cannot place {unit.label}.")
        report.attached_to_nearest.append(
            f"{unit.name}: lies in no {label}; attached to the nearest, {nearest.name_uz} ({nearest.code}), "
            f"{nearest.distance.km:.1f} km away."
        )
        return nearest

    share = by_overlap.overlap / unit.boundary.area
    if rule == "point" and by_point is not None:
        return by_point
    if by_point is None:
        report.warnings.append(
            f"{unit.name}: its point-on-surface lies in no {label}; attached to {by_overlap.name_uz} "
            f"({by_overlap.code}), which holds {share:.0%} of its area."
        )
    elif by_point.pk != by_overlap.pk:
        point_share = by_point.overlap / unit.boundary.area
        chosen = by_point if share - point_share < _OVERLAP_TIE else by_overlap
        report.warnings.append(
            f"{unit.name}: its point-on-surface lies in {by_point.name_uz} ({point_share:.0%} of its area) "
            f"but {share:.0%} lies in {by_overlap.name_uz}; attached to {chosen.name_uz} ({chosen.code})"
            f"{', a near tie' if chosen is by_point else ''}."
        )
        return chosen
    return by_overlap
