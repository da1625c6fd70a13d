"""Import territory boundaries from any vector file GDAL reads (GeoJSON, Shapefile, GeoPackage, ...).

One call imports one level (regions, districts or mahallas) from one layer:

* Geometry: GeometryCollections are unwrapped to their polygons, Polygons become MultiPolygons, Z/M are
  dropped, and everything is transformed to EPSG:4326. An invalid geometry is repaired with GEOS MakeValid
  (keeping the polygonal parts) and named in the report; one that cannot be repaired stops the import.
* Parent: districts go under a region, mahallas under a district. By default (rule ``overlap``) a unit goes
  to the parent that holds the largest part of its area (in a near tie, within 5 points, the one holding its
  point-on-surface); with rule ``point`` to the parent that contains its point-on-surface, falling back to
  the largest overlap. A unit that touches no parent goes to the nearest one. Every fallback is reported by
  name: nothing is dropped. A parent code (a field of the file, or an override naming the unit) replaces the
  spatial rule.
* Identity: with a code field, units are matched by code. Without one, by name within the parent (and, if
  the name is unique at that level, a unit that moved to another parent is found and moved, with a
  warning). New units then get a generated code ``<parent code>-<sequence>`` (``R-<sequence>`` for
  regions), the next number free under that parent; a matched unit keeps its code, even when it later
  moves to another parent, so codes are stable across re-imports.
* Safety: the whole file is read and checked before anything is written, and the import runs in one
  transaction, so a bad file writes nothing.

The steps, one module each: `reading` (features to checked units; `geometry` makes their boundaries),
`parents` (where each unit goes), `matching` (which stored unit it is) and `writing` (create or update);
`units` holds what they pass along.
"""

from __future__ import annotations

from django.db import transaction

from .parents import apply_overrides, parent_for
from .reading import read_units
from .units import (
    LEVELS,
    PARENT_RULES,
    PARENTS,
    BoundaryImportError,
    FieldMap,
    ImportReport,
    Level,
    ParentRule,
)
from .writing import save_units

__all__ = ["LEVELS", "PARENT_RULES", "BoundaryImportError", "FieldMap", "ImportReport", "boundaries_import"]


@transaction.atomic
def boundaries_import(
    *,
    path: str,
    level: Level,
    fields: FieldMap,
    layer: str | None = None,
    parent_rule: ParentRule = "overlap",
    parent_overrides: dict[str, str] | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Create or update every unit of ``level`` found in ``path``; see the package docstring for the rules.

    ``parent_overrides`` maps a unit's name to its parent's code, for sources whose shapes are known to be
    misplaced (see the Tashkent-city districts in the OCHA ADM2 layer).
    """
    if level not in LEVELS:
        raise BoundaryImportError(f"Unknown level {level!r}; expected one of {', '.join(LEVELS)}.")
    if parent_rule not in PARENT_RULES:
        raise BoundaryImportError(
            f"Unknown parent rule {parent_rule!r}; expected one of {', '.join(PARENT_RULES)}."
        )
    _check_field_map(level=level, fields=fields)
    report = ImportReport(level=level, dry_run=dry_run)

    units = read_units(path=path, level=level, fields=fields, layer_name=layer, report=report)
    apply_overrides(units=units, level=level, overrides=parent_overrides or {})
    if PARENTS[level] is not None:
        for unit in units:
            unit.parent = parent_for(unit=unit, level=level, rule=parent_rule, report=report)
    save_units(units=units, level=level, has_code=bool(fields.code), report=report)

    if dry_run:
        transaction.set_rollback(True)
    return report


def _check_field_map(*, level: str, fields: FieldMap) -> None:
    if level == "region" and fields.parent_code:
        raise BoundaryImportError("Regions have no parent: a parent code field makes no sense for them.")
    if level != "district" and fields.kind:
        raise BoundaryImportError("Only districts have a kind (district or city).")
    if level != "mahalla" and (fields.population or fields.households):
        raise BoundaryImportError("Only mahallas have population and households.")
