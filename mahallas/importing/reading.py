"""Reading the file: one layer's features become checked units (names, codes, counts, kind, boundary)."""

from __future__ import annotations

import os
import re

from django.contrib.gis.gdal import DataSource, GDALException

from ..models import District, Region
from .geometry import feature_boundary
from .units import BoundaryImportError, FieldMap, ImportReport, Unit

# Official and colloquial spellings seen in Uzbek, Russian and English sources.
_CITY_WORDS = {"city", "shahar", "shahri", "shahr", "город", "shahar tumani"}
_DISTRICT_WORDS = {"district", "tuman", "tumani", "район"}
_CITY_NAME = re.compile(r"(\bcity|\bshahri|\bshahar)$", re.IGNORECASE)


def read_units(*, path: str, level: str, fields: FieldMap, layer_name: str | None,
               report: ImportReport) -> list[Unit]:
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

    units: list[Unit] = []
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

        units.append(Unit(
            label=label,
            name=name,
            code=code,
            values=_values(feature=feature, level=level, name=name, fields=fields, label=label),
            boundary=feature_boundary(feature=feature, srs_known=srs is not None, label=label, name=name,
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
