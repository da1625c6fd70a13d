"""What a boundary import works with: the levels, the field map, one unit read from the file, the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from django.contrib.gis.geos import MultiPolygon
from django.db import models

from ..models import District, Mahalla, Region

Level = Literal["region", "district", "mahalla"]
ParentRule = Literal["overlap", "point"]

LEVELS: tuple[str, ...] = ("region", "district", "mahalla")
PARENT_RULES: tuple[str, ...] = ("overlap", "point")

MODELS: dict[str, type[models.Model]] = {"region": Region, "district": District, "mahalla": Mahalla}
PARENTS: dict[str, tuple[type[models.Model], str] | None] = {
    "region": None,
    "district": (Region, "region"),
    "mahalla": (District, "district"),
}


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
class Unit:
    """One feature of the file, checked and ready to be placed and written."""

    label: str
    name: str
    code: str | None
    values: dict[str, object]
    boundary: MultiPolygon
    parent_code: str | None = None
    parent: models.Model | None = None


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()
