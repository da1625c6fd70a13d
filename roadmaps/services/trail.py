"""What every write leaves behind: the audit trail's field changes, the item change log (ItemChange), and the
roadmap's own events (RoadmapEvent)."""

from __future__ import annotations

from audit.changes import diff, snapshot
from audit.models import AuditEvent
from audit.services import audit_record

from ..models import ItemChange, Roadmap, RoadmapEvent, RoadmapItem
from .values import ITEM_FIELDS, KPI_PLAN_FIELDS, json_value

Action = AuditEvent.Action

# What the audit trail's change store keeps of each write (audit.changes): every field a service sets.
ROADMAP_DETAIL_FIELDS = ("title", "senior_official_name", "senior_official_post", "review_frequency")
ROADMAP_WORKFLOW_FIELDS = ("status", "submitted_by", "submitted_at", "approved_by", "approved_at",
                           "return_comment")
ROADMAP_AUDITED_FIELDS = ("region", "district", "mahalla", "year", "revision", "parent",
                          *ROADMAP_DETAIL_FIELDS, *ROADMAP_WORKFLOW_FIELDS)
ITEM_AUDITED_FIELDS = ("position", *ITEM_FIELDS)
KPI_AUDITED_FIELDS = ("item", *KPI_PLAN_FIELDS, "actual")
EVIDENCE_AUDITED_FIELDS = ("item", "kind", "original_name", "content_type", "size", "linked_id", "note")
REVIEW_AUDITED_FIELDS = ("roadmap", "held_on", "held_by", "notes", "decisions")


def item_snapshot(item: RoadmapItem) -> dict:
    return {f: json_value(getattr(item, f)) for f in ITEM_FIELDS}


def item_diff(before: dict, after: dict) -> dict:
    return {f: [before.get(f), after.get(f)] for f in after if before.get(f) != after.get(f)}


def audit_write(*, by, obj, before: dict, fields, action: str = Action.CHANGE, territory=None,
                details: dict | None = None) -> None:
    """One audit event with the field changes of `obj` since `before` (nothing if nothing changed)."""
    changes = diff(before, snapshot(obj, fields) if obj.pk is not None and action != Action.DELETE else {})
    if changes:
        audit_record(action=action, actor=by, obj=obj, territory=territory, details=details, changes=changes)


def audited_update(*, by, queryset, fields: dict, audited, territory_of) -> None:
    """`queryset.update(**fields)`, with the change of every row it touches in the audit trail."""
    for obj in queryset.select_for_update():
        before = snapshot(obj, audited)
        for name, value in fields.items():
            setattr(obj, name, value)
        audit_write(by=by, obj=obj, before=before, fields=audited, territory=territory_of(obj))
    queryset.update(**fields)


def log_item(*, by, item: RoadmapItem, action: str, changes: dict) -> ItemChange:
    return ItemChange.objects.create(roadmap_id=item.roadmap_id, item=item if item.pk else None,
                                     item_title=item.title[:300], action=action, changes=changes, by=by)


def log_event(*, by, roadmap: Roadmap, action: str, from_status: str = "", comment: str = "") -> RoadmapEvent:
    return RoadmapEvent.objects.create(roadmap=roadmap, action=action, from_status=from_status,
                                       to_status=roadmap.status, by=by, comment=comment)
