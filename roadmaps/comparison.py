"""What a revision changes in the plan of the revision before it: the section an approver reads before deciding.

A revision's measures are copies of the previous revision's (`RoadmapItem.origin`, and `Kpi.origin` for their
KPIs), so a measure is matched with the one it was copied from: a copy that differs is "changed", a measure with
no original is "added", an original left without a copy is "removed". Only the plan is compared (what the approval
is about) plus the status, since cancelling a measure is a decision of the plan; progress is left out, because
progress reported on the roadmap in force reaches the copy by itself.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .models import FocusArea, ItemStatus, KpiDirection, Roadmap, RoadmapItem
from .services.values import ITEM_PLAN_FIELDS, KPI_PLAN_FIELDS

ITEM_COMPARED_FIELDS = (*ITEM_PLAN_FIELDS, "status")
_CHOICES = {"focus_area": dict(FocusArea.choices), "status": dict(ItemStatus.choices),
            "direction": dict(KpiDirection.choices)}


@dataclass
class FieldChange:
    field: str
    before: object
    after: object


@dataclass
class RevisionComparison:
    previous: Roadmap
    added: list[RoadmapItem] = field(default_factory=list)
    removed: list[RoadmapItem] = field(default_factory=list)
    changed: list[tuple[RoadmapItem, list[FieldChange]]] = field(default_factory=list)
    unchanged: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def _shown(name: str, value):
    """A value as a person reads it: choices by their label, dates and numbers in the pages' format."""
    if value is None or value == "":
        return None
    if name in _CHOICES:
        return _CHOICES[name].get(value, value)
    if isinstance(value, datetime.date):
        return date_format(value, "d.m.Y")
    if isinstance(value, Decimal):
        return floatformat(value, "-2")
    return value


def _label(model, name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


def kpi_summary(kpi) -> str:
    return f"{kpi.indicator}: {floatformat(kpi.target, '-2')} {kpi.unit}".strip()


def _kpi_changes(before: RoadmapItem, after: RoadmapItem) -> list[FieldChange]:
    old = {kpi.pk: kpi for kpi in before.kpis.all()}
    rows = []
    for kpi in after.kpis.all():
        original = old.pop(kpi.origin_id, None)
        if original is None:
            rows.append(FieldChange(_("New KPI"), None, kpi_summary(kpi)))
            continue
        for name in KPI_PLAN_FIELDS:
            was, now = getattr(original, name), getattr(kpi, name)
            if was != now:
                label = _("KPI “%(indicator)s”: %(field)s") % {"indicator": kpi.indicator,
                                                              "field": kpi._meta.get_field(name).verbose_name}
                rows.append(FieldChange(label, _shown(name, was), _shown(name, now)))
    rows += [FieldChange(_("Removed KPI"), kpi_summary(kpi), None) for kpi in old.values()]
    return rows


def _item_changes(before: RoadmapItem, after: RoadmapItem) -> list[FieldChange]:
    rows = [FieldChange(_label(RoadmapItem, name), _shown(name, getattr(before, name)),
                        _shown(name, getattr(after, name)))
            for name in ITEM_COMPARED_FIELDS if getattr(before, name) != getattr(after, name)]
    return rows + _kpi_changes(before, after)


def revision_comparison(roadmap: Roadmap) -> RevisionComparison | None:
    """The changes of this revision against its previous one; None for a first revision. The caller has the
    roadmap through `visible_to`; its previous revision is of the same territory, so it is visible too."""
    if not roadmap.parent_id:
        return None
    previous = Roadmap.objects.get(pk=roadmap.parent_id)
    old = {item.pk: item for item in previous.items.prefetch_related("kpis").order_by("position", "id")}
    comparison = RevisionComparison(previous=previous)
    for item in roadmap.items.prefetch_related("kpis").order_by("position", "id"):
        original = old.pop(item.origin_id, None)
        if original is None:
            comparison.added.append(item)
            continue
        changes = _item_changes(original, item)
        if changes:
            comparison.changed.append((item, changes))
        else:
            comparison.unchanged += 1
    comparison.removed = list(old.values())
    return comparison
