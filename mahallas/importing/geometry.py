"""A feature's geometry as a valid EPSG:4326 MultiPolygon: unwrapped, flattened, transformed, repaired."""

from __future__ import annotations

from django.contrib.gis.gdal import GDALException, OGRGeometry
from django.contrib.gis.geos import GeometryCollection, GEOSException, GEOSGeometry, MultiPolygon, Polygon

from .units import BoundaryImportError, ImportReport


def feature_boundary(*, feature, srs_known: bool, label: str, name: str, report: ImportReport) -> MultiPolygon:
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
