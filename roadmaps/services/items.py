"""The measures of one roadmap: added, changed, removed, moved and copied. Plan fields change only while the
roadmap is editable; status and progress are also reported on the roadmap in force, and reach the copy in a
revision being prepared."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from accounts.models import User
from audit.changes import snapshot

from ..errors import RoadmapError
from ..models import ItemChange, ItemStatus, Kpi, Roadmap, RoadmapItem, RoadmapStatus
from .guards import check_room, require_editable, require_not_history
from .trail import ITEM_AUDITED_FIELDS, Action, audit_write, audited_update, item_diff, item_snapshot, log_item
from .values import (
    ITEM_EXECUTION_FIELDS,
    ITEM_FIELDS,
    ITEM_PLAN_FIELDS,
    KPI_PLAN_FIELDS,
    clean_item_data,
    json_value,
)


def _check_dates(item: RoadmapItem) -> None:
    if item.start_on and item.deadline and item.deadline < item.start_on:
        raise RoadmapError("deadline", _("The deadline cannot be before the start."))


def _next_position(roadmap: Roadmap) -> int:
    top = roadmap.items.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def _mirror_execution(item: RoadmapItem, fields: dict, *, by: User) -> None:
    """Progress reported on the roadmap in force reaches the copy in a revision being prepared."""
    if fields:
        copies = RoadmapItem.objects.filter(origin=item, roadmap__status__in=[
            RoadmapStatus.DRAFT, RoadmapStatus.SUBMITTED, RoadmapStatus.RETURNED]).select_related("roadmap")
        audited_update(by=by, queryset=copies, fields=fields, audited=ITEM_AUDITED_FIELDS,
                       territory_of=lambda copy: copy.roadmap)


def copy_item(item: RoadmapItem, *, roadmap: Roadmap, position: int, link_origin: bool,
              keep_execution: bool) -> RoadmapItem:
    copy = RoadmapItem.objects.create(
        roadmap=roadmap, position=position, origin=item if link_origin else None,
        **{f: getattr(item, f) for f in ITEM_PLAN_FIELDS},
        **({f: getattr(item, f) for f in ITEM_EXECUTION_FIELDS} if keep_execution else {}))
    for kpi in item.kpis.all():
        Kpi.objects.create(item=copy, origin=kpi if link_origin else None,
                           actual=kpi.actual if keep_execution else None,
                           **{f: getattr(kpi, f) for f in KPI_PLAN_FIELDS})
    return copy


@transaction.atomic
def item_create(*, by: User, roadmap: Roadmap, **data) -> RoadmapItem:
    require_editable(roadmap)
    check_room(roadmap)
    cleaned = clean_item_data(data)
    item = RoadmapItem(roadmap=roadmap, position=_next_position(roadmap), **cleaned)
    if item.status == ItemStatus.DONE and "progress" not in data:
        item.progress = 100
    _check_dates(item)
    item.save()
    log_item(by=by, item=item, action=ItemChange.Action.CREATED, changes=item_diff({}, item_snapshot(item)))
    audit_write(by=by, obj=item, before={}, fields=ITEM_AUDITED_FIELDS, action=Action.CREATE, territory=roadmap)
    return item


@transaction.atomic
def item_update(*, by: User, item: RoadmapItem, **data) -> RoadmapItem:
    """Change an item. Plan fields only while the roadmap is a draft or returned; status and progress also
    on the approved roadmap in force (execution is reported there)."""
    roadmap = item.roadmap
    cleaned = clean_item_data(data, partial=True)
    before = item_snapshot(item)
    changed = {f: v for f, v in cleaned.items() if json_value(v) != before[f]}
    if not changed:
        return item
    if any(f in ITEM_PLAN_FIELDS for f in changed):
        require_editable(roadmap)
    else:
        require_not_history(roadmap)
    for field, value in changed.items():
        setattr(item, field, value)
    if changed.get("status") == ItemStatus.DONE and "progress" not in changed:
        item.progress = 100
    _check_dates(item)
    item.save()
    changes = item_diff(before, item_snapshot(item))
    log_item(by=by, item=item, action=ItemChange.Action.UPDATED, changes=changes)
    audit_write(by=by, obj=item, before=before, fields=ITEM_FIELDS, territory=roadmap)
    if roadmap.status == RoadmapStatus.APPROVED:
        _mirror_execution(item, {f: getattr(item, f) for f in ITEM_EXECUTION_FIELDS if f in changes}, by=by)
    return item


@transaction.atomic
def item_delete(*, by: User, item: RoadmapItem) -> None:
    roadmap = item.roadmap
    require_editable(roadmap)
    log_item(by=by, item=item, action=ItemChange.Action.DELETED, changes=item_diff(item_snapshot(item), {}))
    audit_write(by=by, obj=item, before=snapshot(item, ITEM_AUDITED_FIELDS), fields=ITEM_AUDITED_FIELDS,
                action=Action.DELETE, territory=roadmap)
    item.delete()
    _renumber(roadmap)


def _renumber(roadmap: Roadmap) -> None:
    ids = roadmap.items.select_for_update().order_by("position", "id").values_list("id", flat=True)
    for position, pk in enumerate(list(ids)):
        RoadmapItem.objects.filter(pk=pk).exclude(position=position).update(position=position)


@transaction.atomic
def item_move(*, by: User, item: RoadmapItem, direction: str) -> RoadmapItem:
    """Move an item one place up or down; positions are renumbered 0..n-1 so they never collide."""
    roadmap = item.roadmap
    require_editable(roadmap)
    if direction not in ("up", "down"):
        raise RoadmapError("direction", _("Move up or down."))
    ids = list(roadmap.items.select_for_update().order_by("position", "id").values_list("id", flat=True))
    index = ids.index(item.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(ids):
        return item
    ids[index], ids[target] = ids[target], ids[index]
    for position, pk in enumerate(ids):
        moved = RoadmapItem.objects.filter(pk=pk).exclude(position=position)
        audited_update(by=by, queryset=moved, fields={"position": position}, audited=("position",),
                       territory_of=lambda _item: roadmap)
    item.position = target
    log_item(by=by, item=item, action=ItemChange.Action.MOVED, changes={"position": [index + 1, target + 1]})
    return item


@transaction.atomic
def item_duplicate(*, by: User, item: RoadmapItem) -> RoadmapItem:
    """A copy of the measure (and its KPIs, without reported values) right below it, as planned."""
    roadmap = item.roadmap
    require_editable(roadmap)
    check_room(roadmap)
    roadmap.items.filter(position__gt=item.position).update(position=F("position") + 1)
    copy = copy_item(item, roadmap=roadmap, position=item.position + 1, link_origin=False, keep_execution=False)
    log_item(by=by, item=copy, action=ItemChange.Action.CREATED,
             changes={**item_diff({}, item_snapshot(copy)), "duplicate_of": [None, item.pk]})
    audit_write(by=by, obj=copy, before={}, fields=ITEM_AUDITED_FIELDS, action=Action.CREATE, territory=roadmap,
                details={"duplicate_of": item.pk})
    return copy
