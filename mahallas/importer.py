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
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Literal

from django.contrib.gis.db.models.functions import Distance, Intersection
from django.contrib.gis.gdal import DataSource, GDALException, OGRGeometry
from django.contrib.gis.geos import GeometryCollection, GEOSException, GEOSGeometry, MultiPolygon, Polygon
from django.db import IntegrityError, models, transaction
from django.db.models import BooleanField, Case, FloatField, Func, Value, When

from .models import District, Mahalla, Region

Level = Literal["region", "district", "mahalla"]
ParentRule = Literal["overlap", "point"]

LEVELS: tuple[str, ...] = ("region", "district", "mahalla")
PARENT_RULES: tuple[str, ...] = ("overlap", "point")

_MODELS: dict[str, type[models.Model]] = {"region": Region, "district": District, "mahalla": Mahalla}
_PARENTS: dict[str, tuple[type[models.Model], str] | None] = {
    "region": None,
    "district": (Region, "region"),
    "mahalla": (District, "district"),
}
# Generated codes must fit Territory.code (max 16 characters) under a generated parent code too:
# "R-001" -> "R-001-001" -> "R-001-001-0001".
_SEQUENCE_WIDTH = {"region": 3, "district": 3, "mahalla": 4}
_REGION_CODE_PREFIX = "R"
# Boundary layers from different sources disagree along their shared edges by a few percent of a unit's
# area, so an overlap lead smaller than this says nothing and the point-on-surface decides.
_OVERLAP_TIE = 0.05

# Official and colloquial spellings seen in Uzbek, Russian and English sources.
_CITY_WORDS = {"city", "shahar", "shahri", "shahr", "город", "shahar tumani"}
_DISTRICT_WORDS = {"district", "tuman", "tumani", "район"}
_CITY_NAME = re.compile(r"(\bcity|\bshahri|\bshahar)$", re.IGNORECASE)


class BoundaryImportError(Exception):
    """The file cannot be imported as asked; the message names the file, field or feature at fault."""


@dataclass(frozen=True)
class FieldMap:
    """Which attribute of the file feeds which column. Only ``name`` is required."""

    name: str
    code: str | None = None
    name_uz_cyrl: str | None = None
    name_ru: str | None = None
    name_en: str | None = None
    kind: str | None = None
    population: str | None = None
    households: str | None = None
    parent_code: str | None = None

    def used(self) -> dict[str, str]:
        return {attr: value for attr, value in vars(self).items() if value}


@dataclass
class ImportReport:
    level: str
    dry_run: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    attached_to_nearest: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


@dataclass
class _Unit:
    label: str
    name: str
    code: str | None
    values: dict[str, object]
    boundary: MultiPolygon
    parent_code: str | None = None
    parent: models.Model | None = None


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
    """Create or update every unit of ``level`` found in ``path``; see the module docstring for the rules.

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

    units = _read_units(path=path, level=level, fields=fields, layer_name=layer, report=report)
    _apply_overrides(units=units, level=level, overrides=parent_overrides or {})
    if _PARENTS[level] is not None:
        for unit in units:
            unit.parent = _parent_for(unit=unit, level=level, rule=parent_rule, report=report)
    _save_units(units=units, level=level, has_code=bool(fields.code), report=report)

    if dry_run:
        transaction.set_rollback(True)
    return report


def _apply_overrides(*, units: list[_Unit], level: str, overrides: dict[str, str]) -> None:
    if overrides and _PARENTS[level] is None:
        raise BoundaryImportError("Regions have no parent to override.")
    by_name = {_key(unit.name): unit for unit in units}
    for name, parent_code in overrides.items():
        unit = by_name.get(_key(name))
        if unit is None:
            # A typo here would silently leave the unit where the defect put it.
            raise BoundaryImportError(f"Parent override for {name!r}: no unit of that name in the file.")
        unit.parent_code = parent_code


def _check_field_map(*, level: str, fields: FieldMap) -> None:
    if level == "region" and fields.parent_code:
        raise BoundaryImportError("Regions have no parent: a parent code field makes no sense for them.")
    if level != "district" and fields.kind:
        raise BoundaryImportError("Only districts have a kind (district or city).")
    if level != "mahalla" and (fields.population or fields.households):
        raise BoundaryImportError("Only mahallas have population and households.")


# ---------------------------------------------------------------------------------------------- reading


def _read_units(*, path: str, level: str, fields: FieldMap, layer_name: str | None,
                report: ImportReport) -> list[_Unit]:
    layer = _open_layer(path=path, layer_name=layer_name)
    missing = [f for f in fields.used().values() if f not in layer.fields]
    if missing:
        raise BoundaryImportError(
            f"Layer {layer.name!r} has no field {', '.join(repr(f) for f in missing)}; "
            f"its fields are: {', '.join(layer.fields) or '(none)'}."
        )
    if len(layer) == 0:
        raise BoundaryImportError(f"Layer {layer.name!r} has no features.")

    srs = layer.srs
    if srs is None:
        report.warnings.append(f"Layer {layer.name!r} declares no coordinate system; assuming EPSG:4326.")

    units: list[_Unit] = []
    seen_codes: dict[str, str] = {}
    for index, feature in enumerate(layer, start=1):
        name = _text(feature.get(fields.name))
        label = f"feature {index} (FID {feature.fid}{f', {name!r}' if name else ''})"
        if not name:
            raise BoundaryImportError(f"{label}: empty name in field {fields.name!r}.")

        code = None
        if fields.code:
            code = _text(feature.get(fields.code))
            if not code:
                raise BoundaryImportError(f"{label}: empty code in field {fields.code!r}.")
            if len(code) > Region._meta.get_field("code").max_length:
                raise BoundaryImportError(f"{label}: code {code!r} is longer than 16 characters.")
            if code in seen_codes:
                raise BoundaryImportError(
                    f"{label}: duplicate code {code!r} in field {fields.code!r} (also {seen_codes[code]})."
                )
            seen_codes[code] = label

        parent_code = None
        if fields.parent_code:
            parent_code = _text(feature.get(fields.parent_code))
            if not parent_code:
                raise BoundaryImportError(f"{label}: empty parent code in field {fields.parent_code!r}.")

        units.append(_Unit(
            label=label,
            name=name,
            code=code,
            values=_values(feature=feature, level=level, name=name, fields=fields, label=label),
            boundary=_boundary(feature=feature, srs_known=srs is not None, label=label, name=name,
                               report=report),
            parent_code=parent_code,
        ))
    return units


def _open_layer(*, path: str, layer_name: str | None):
    if not os.path.exists(path):
        raise BoundaryImportError(f"File {path!r} does not exist.")
    try:
        source = DataSource(path)
    except GDALException as exc:
        raise BoundaryImportError(f"GDAL cannot read {path!r}: {exc}") from exc
    if source.layer_count == 0:
        raise BoundaryImportError(f"{path!r} has no layers.")
    if layer_name is None:
        return source[0]
    try:
        return source[layer_name]
    except (IndexError, GDALException) as exc:
        names = ", ".join(layer.name for layer in source)
        raise BoundaryImportError(f"{path!r} has no layer {layer_name!r}; its layers are: {names}.") from exc


def _text(value: object) -> str:
    if value is None:
        return ""
    # Shapefiles store numeric codes as reals: 1726.0 must become "1726", not "1726.0".
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _values(*, feature, level: str, name: str, fields: FieldMap, label: str) -> dict[str, object]:
    values: dict[str, object] = {"name_uz": name}
    for attr in ("name_uz_cyrl", "name_ru", "name_en"):
        source_field = getattr(fields, attr)
        if source_field:
            values[attr] = _text(feature.get(source_field))
    for attr, max_length in (("name_uz", 200), ("name_uz_cyrl", 200), ("name_ru", 200), ("name_en", 200)):
        if len(str(values.get(attr, ""))) > max_length:
            raise BoundaryImportError(f"{label}: {attr} is longer than {max_length} characters.")

    if level == "district":
        values["kind"] = _kind(feature=feature, name=name, fields=fields, label=label)
    if level == "mahalla":
        for attr in ("population", "households"):
            source_field = getattr(fields, attr)
            if source_field:
                values[attr] = _count(feature.get(source_field), field_name=source_field, label=label)
        if values.get("households", 0) > values.get("population", 0) > 0:
            raise BoundaryImportError(f"{label}: more households than people.")
    return values


def _kind(*, feature, name: str, fields: FieldMap, label: str) -> str:
    if not fields.kind:
        return District.Kind.CITY if _CITY_NAME.search(name) else District.Kind.DISTRICT
    value = _text(feature.get(fields.kind)).lower()
    if value in _CITY_WORDS:
        return District.Kind.CITY
    if value in _DISTRICT_WORDS:
        return District.Kind.DISTRICT
    raise BoundaryImportError(
        f"{label}: kind {value!r} in field {fields.kind!r} is neither a city nor a district."
    )


def _count(value: object, *, field_name: str, label: str) -> int:
    text = _text(value)
    if not text:
        return 0
    try:
        number = int(text)
    except ValueError:
        raise BoundaryImportError(f"{label}: {field_name!r} is {text!r}, not a whole number.") from None
    if number < 0:
        raise BoundaryImportError(f"{label}: {field_name!r} is negative.")
    return number


def _boundary(*, feature, srs_known: bool, label: str, name: str, report: ImportReport) -> MultiPolygon:
    try:
        ogr: OGRGeometry = feature.geom
    except GDALException:
        raise BoundaryImportError(f"{label}: has no geometry.") from None
    ogr.set_3d(False)
    ogr.set_measured(False)
    if srs_known and ogr.srid != 4326:
        try:
            ogr.transform(4326)
        except GDALException as exc:
            raise BoundaryImportError(f"{label}: cannot transform to EPSG:4326: {exc}") from exc

    try:
        geom = ogr.geos
    except (GDALException, GEOSException) as exc:
        raise BoundaryImportError(f"{label}: unreadable geometry ({ogr.geom_type.name}): {exc}") from exc
    polygons = _polygons(geom)
    if not polygons:
        raise BoundaryImportError(f"{label}: geometry is a {geom.geom_type} with no polygon in it.")
    if not srs_known and not all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in _extent_corners(geom)):
        raise BoundaryImportError(f"{label}: coordinates are not lon/lat and the layer has no SRS.")

    boundary = MultiPolygon(*polygons, srid=4326)
    if boundary.valid:
        return boundary
    reason = boundary.valid_reason
    repaired = _repair(boundary)
    if repaired is None:
        raise BoundaryImportError(f"{label}: invalid geometry ({reason}) that MakeValid cannot repair.")
    report.repaired.append(f"{name}: {reason}")
    return repaired


def _polygons(geom: GEOSGeometry) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [] if geom.empty else [geom]
    if isinstance(geom, GeometryCollection):  # MultiPolygon is one too
        return [polygon for part in geom for polygon in _polygons(part)]
    return []


def _extent_corners(geom: GEOSGeometry) -> list[tuple[float, float]]:
    xmin, ymin, xmax, ymax = geom.extent
    return [(xmin, ymin), (xmax, ymax)]


def _repair(boundary: MultiPolygon) -> MultiPolygon | None:
    try:
        polygons = _polygons(boundary.make_valid())
        if not polygons:
            return None
        # MakeValid may return polygons that touch or overlap each other, which a MultiPolygon forbids;
        # their union is valid.
        merged = GeometryCollection(*polygons, srid=4326).unary_union
    except GEOSException:
        return None
    result = MultiPolygon(*_polygons(merged), srid=4326)
    if result.empty or not result.valid or result.area == 0:
        return None
    return result


# ---------------------------------------------------------------------------------------------- parents


def _parent_for(*, unit: _Unit, level: str, rule: str, report: ImportReport) -> models.Model:
    parent_model, _attr = _PARENTS[level]
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


# ---------------------------------------------------------------------------------------------- writing


def _save_units(*, units: list[_Unit], level: str, has_code: bool, report: ImportReport) -> None:
    model = _MODELS[level]
    parent_attr = _PARENTS[level][1] if _PARENTS[level] else None
    existing = list(model.objects.all())

    def parent_id(unit_or_row) -> int | None:
        if parent_attr is None:
            return None
        if isinstance(unit_or_row, _Unit):
            return unit_or_row.parent.pk
        return getattr(unit_or_row, f"{parent_attr}_id")

    if has_code:
        by_code = {row.code: row for row in existing}
        matches = [by_code.get(unit.code) for unit in units]
    else:
        matches = _match_by_name(units=units, existing=existing, parent_id=parent_id, level=level)

    next_code = _code_sequence(level=level, taken=set(model.objects.values_list("code", flat=True)))
    for unit, row in zip(units, matches, strict=True):
        if row is None:
            code = unit.code or next_code(unit)
            row = model(code=code, boundary=unit.boundary, **unit.values)
            if parent_attr:
                setattr(row, parent_attr, unit.parent)
            _save(row, unit=unit)
            report.created.append(unit.name)
            continue

        changed = [attr for attr, value in unit.values.items() if getattr(row, attr) != value]
        if row.boundary is None or not row.boundary.equals_exact(unit.boundary, 1e-9):
            changed.append("boundary")
        if parent_attr and parent_id(row) != parent_id(unit):
            old_parent = getattr(row, parent_attr)
            report.warnings.append(
                f"{unit.name} ({row.code}): moved from {old_parent.name_uz} to {unit.parent.name_uz}."
            )
            changed.append(parent_attr)
        if not changed:
            report.unchanged.append(unit.name)
            continue
        for attr, value in unit.values.items():
            setattr(row, attr, value)
        row.boundary = unit.boundary
        if parent_attr:
            setattr(row, parent_attr, unit.parent)
        _save(row, unit=unit)
        report.updated.append(unit.name)


def _save(row: models.Model, *, unit: _Unit) -> None:
    try:
        row.save()
    except IntegrityError as exc:
        # E.g. a file giving only households, above the population already stored.
        raise BoundaryImportError(f"{unit.label}: the database refuses it: {exc}") from exc


def _match_by_name(*, units: list[_Unit], existing: list, parent_id, level: str) -> list:
    """Match on name within the parent; a name unique both in the file and in the database also matches a
    unit filed under another parent, so correcting a parent and re-importing moves the unit, not copies it."""
    by_parent_name: dict[tuple[int | None, str], object] = {}
    by_name: dict[str, list] = {}
    for row in existing:
        by_parent_name[(parent_id(row), _key(row.name_uz))] = row
        by_name.setdefault(_key(row.name_uz), []).append(row)

    file_names: dict[str, int] = {}
    seen: dict[tuple[int | None, str], str] = {}
    for unit in units:
        key = (parent_id(unit), _key(unit.name))
        if key in seen:
            where = f" in the same {_PARENTS[level][0]._meta.verbose_name}" if _PARENTS[level] else ""
            raise BoundaryImportError(
                f"{unit.label}: the name {unit.name!r} appears twice{where} (also {seen[key]}) and there is "
                "no code field to tell them apart."
            )
        seen[key] = unit.label
        file_names[_key(unit.name)] = file_names.get(_key(unit.name), 0) + 1

    matches = []
    claimed: set[int] = set()
    for unit in units:
        row = by_parent_name.get((parent_id(unit), _key(unit.name)))
        if row is None and file_names[_key(unit.name)] == 1 and len(by_name.get(_key(unit.name), [])) == 1:
            row = by_name[_key(unit.name)][0]
        if row is not None and row.pk in claimed:
            row = None
        if row is not None:
            claimed.add(row.pk)
        matches.append(row)
    return matches


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _code_sequence(*, level: str, taken: set[str]):
    """Return a function giving each new unit the next free ``<parent code>-<n>`` under its parent."""
    width = _SEQUENCE_WIDTH[level]
    last: dict[str, int] = {}

    def next_code(unit: _Unit) -> str:
        prefix = f"{unit.parent.code}-" if unit.parent is not None else f"{_REGION_CODE_PREFIX}-"
        if prefix not in last:
            last[prefix] = max((int(code[len(prefix):]) for code in taken
                                if code.startswith(prefix) and code[len(prefix):].isdigit()), default=0)
        last[prefix] += 1
        code = f"{prefix}{last[prefix]:0{width}d}"
        if len(code) > 16:
            raise BoundaryImportError(
                f"{unit.label}: the generated code {code!r} is longer than 16 characters; give a code field."
            )
        return code

    return next_code
