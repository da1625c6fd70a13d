"""The values a roadmap write accepts: each one validated and normalised, or RoadmapError naming the field."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.dates import date_or_text

from ..errors import RoadmapError
from ..models import FocusArea, ItemStatus, KpiDirection

# The plan of a measure: frozen once its roadmap is approved.
ITEM_PLAN_FIELDS = ("focus_area", "title", "description", "responsible_organisation", "responsible_person",
                    "start_on", "deadline")
# What happens while it is carried out: reported on the roadmap in force.
ITEM_EXECUTION_FIELDS = ("status", "progress")
ITEM_FIELDS = ITEM_PLAN_FIELDS + ITEM_EXECUTION_FIELDS
KPI_PLAN_FIELDS = ("indicator", "unit", "baseline", "target", "direction")
TEXT_LIMITS = {"title": 300, "responsible_organisation": 200, "responsible_person": 200}


def json_value(value):
    """A value as the item change log (JSON) stores it."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def clean_date(field: str, value) -> datetime.date | None:
    value = date_or_text(value)
    if not isinstance(value, str):
        return value
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise RoadmapError(field, _("Enter a valid date (YYYY-MM-DD).")) from None


def clean_decimal(field: str, value, *, required: bool = False) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise RoadmapError(field, _("This field is required."))
        return None
    try:
        number = Decimal(str(value).replace(",", ".").strip())
    except InvalidOperation:
        raise RoadmapError(field, _("Enter a number.")) from None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise RoadmapError(field, _("Enter a number."))
    return number.quantize(Decimal("0.01"))


def clean_item_data(data: dict, *, partial: bool = False) -> dict:
    """Validate and normalise item fields; raises RoadmapError naming the first field at fault."""
    cleaned = {}
    for field in ITEM_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field in ("start_on", "deadline"):
            value = clean_date(field, value)
        elif field == "progress":
            if value in (None, ""):
                value = 0
            try:
                value = int(str(value).strip())
            except ValueError:
                raise RoadmapError("progress", _("Enter a whole number from 0 to 100.")) from None
            if not 0 <= value <= 100:
                raise RoadmapError("progress", _("Progress is a percentage from 0 to 100."))
        elif field == "focus_area":
            if value not in FocusArea.values:
                raise RoadmapError("focus_area", _("Choose one of the focus areas."))
        elif field == "status":
            if value not in ItemStatus.values:
                raise RoadmapError("status", _("Choose one of the statuses."))
        else:
            value = (value or "").strip()
            limit = TEXT_LIMITS.get(field)
            if limit and len(value) > limit:
                raise RoadmapError(field, _("At most %(limit)d characters.") % {"limit": limit})
        cleaned[field] = value
    if not partial:
        for required in ("focus_area", "title", "deadline"):
            if not cleaned.get(required):
                raise RoadmapError(required, _("This field is required."))
    if "title" in cleaned and not cleaned["title"]:
        raise RoadmapError("title", _("This field is required."))
    if "deadline" in cleaned and cleaned["deadline"] is None:
        raise RoadmapError("deadline", _("This field is required."))
    return cleaned


def clean_kpi(data: dict) -> dict:
    cleaned = {}
    if "indicator" in data:
        cleaned["indicator"] = (data["indicator"] or "").strip()[:200]
        if not cleaned["indicator"]:
            raise RoadmapError("indicator", _("This field is required."))
    if "unit" in data:
        cleaned["unit"] = (data["unit"] or "").strip()[:40]
    if "baseline" in data:
        cleaned["baseline"] = clean_decimal("baseline", data["baseline"])
    if "target" in data:
        cleaned["target"] = clean_decimal("target", data["target"], required=True)
    if "direction" in data:
        cleaned["direction"] = data["direction"] or KpiDirection.INCREASE
        if cleaned["direction"] not in KpiDirection.values:
            raise RoadmapError("direction", _("Choose a direction."))
    return cleaned
