"""Which stored unit each unit of the file is: the same code, or (without codes) the same name."""

from __future__ import annotations

from collections.abc import Callable

from .units import PARENTS, BoundaryImportError, Unit, name_key


def matched_rows(*, units: list[Unit], existing: list, has_code: bool, parent_id: Callable,
                 level: str) -> list:
    """For each unit, the stored row it updates, or None when it is new."""
    if has_code:
        by_code = {row.code: row for row in existing}
        return [by_code.get(unit.code) for unit in units]
    return _match_by_name(units=units, existing=existing, parent_id=parent_id, level=level)


def _match_by_name(*, units: list[Unit], existing: list, parent_id, level: str) -> list:
    """Match on name within the parent; a name unique both in the file and in the database also matches a
    unit filed under another parent, so correcting a parent and re-importing moves the unit, not copies it."""
    by_parent_name: dict[tuple[int | None, str], object] = {}
    by_name: dict[str, list] = {}
    for row in existing:
        by_parent_name[(parent_id(row), name_key(row.name_uz))] = row
        by_name.setdefault(name_key(row.name_uz), []).append(row)

    file_names: dict[str, int] = {}
    seen: dict[tuple[int | None, str], str] = {}
    for unit in units:
        key = (parent_id(unit), name_key(unit.name))
        if key in seen:
            where = f" in the same {PARENTS[level][0]._meta.verbose_name}" if PARENTS[level] else ""
            raise BoundaryImportError(
                f"{unit.label}: the name {unit.name!r} appears twice{where} (also {seen[key]}) and there is "
                "no code field to tell them apart."
            )
        seen[key] = unit.label
        file_names[name_key(unit.name)] = file_names.get(name_key(unit.name), 0) + 1

    matches = []
    claimed: set[int] = set()
    for unit in units:
        name = name_key(unit.name)
        row = by_parent_name.get((parent_id(unit), name))
        if row is None and file_names[name] == 1 and len(by_name.get(name, [])) == 1:
            row = by_name[name][0]
        if row is not None and row.pk in claimed:
            row = None
        if row is not None:
            claimed.add(row.pk)
        matches.append(row)
    return matches
