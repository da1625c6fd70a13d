"""Writing the units: create the new ones (with a generated code when the file has none), update the
changed ones, and report the unchanged and the moved."""

from __future__ import annotations

from django.db import IntegrityError, models

from .matching import matched_rows
from .units import MODELS, PARENTS, BoundaryImportError, ImportReport, Unit

# Generated codes must fit Territory.code (max 16 characters) under a generated parent code too:
# "R-001" -> "R-001-001" -> "R-001-001-0001".
_SEQUENCE_WIDTH = {"region": 3, "district": 3, "mahalla": 4}
_REGION_CODE_PREFIX = "R"


def save_units(*, units: list[Unit], level: str, has_code: bool, report: ImportReport) -> None:
    model = MODELS[level]
    parent_attr = PARENTS[level][1] if PARENTS[level] else None
    existing = list(model.objects.all())

    def parent_id(unit_or_row) -> int | None:
        if parent_attr is None:
            return None
        if isinstance(unit_or_row, Unit):
            return unit_or_row.parent.pk
        return getattr(unit_or_row, f"{parent_attr}_id")

    matches = matched_rows(units=units, existing=existing, has_code=has_code, parent_id=parent_id, level=level)
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


def _save(row: models.Model, *, unit: Unit) -> None:
    try:
        row.save()
    except IntegrityError as exc:
        # E.g. a file giving only households, above the population already stored.
        raise BoundaryImportError(f"{unit.label}: the database refuses it: {exc}") from exc


def _code_sequence(*, level: str, taken: set[str]):
    """Return a function giving each new unit the next free ``<parent code>-<n>`` under its parent."""
    width = _SEQUENCE_WIDTH[level]
    last: dict[str, int] = {}

    def next_code(unit: Unit) -> str:
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
