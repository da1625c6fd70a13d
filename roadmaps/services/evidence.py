"""Evidence that a measure was carried out: an uploaded file, or a link to a field visit or an incident."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from ..errors import RoadmapError
from ..evidence import check_upload, linked_record
from ..models import Evidence, EvidenceKind, ItemChange, RoadmapItem
from .guards import require_not_history
from .trail import EVIDENCE_AUDITED_FIELDS, Action, audit_write, log_item


@transaction.atomic
def evidence_add_file(*, by: User, item: RoadmapItem, upload, note: str = "") -> Evidence:
    require_not_history(item.roadmap)
    content_type = check_upload(upload)
    original = (getattr(upload, "name", "") or "file")[-200:]
    evidence = Evidence(item=item, kind=EvidenceKind.FILE, original_name=original, content_type=content_type,
                        size=upload.size, note=(note or "").strip()[:300], by=by)
    evidence.file.save(original, upload, save=False)
    evidence.save()
    log_item(by=by, item=item, action=ItemChange.Action.UPDATED, changes={"evidence": [None, original]})
    audit_write(by=by, obj=evidence, before={}, fields=EVIDENCE_AUDITED_FIELDS, action=Action.CREATE,
                territory=item.roadmap)
    return evidence


@transaction.atomic
def evidence_add_link(*, by: User, item: RoadmapItem, kind: str, linked_id, note: str = "") -> Evidence:
    require_not_history(item.roadmap)
    if kind not in (EvidenceKind.FIELD_VISIT, EvidenceKind.INCIDENT):
        raise RoadmapError("kind", _("Link a field visit or an incident."))
    try:
        linked_id = int(linked_id)
    except (TypeError, ValueError):
        raise RoadmapError("linked_id", _("Enter the number of the record.")) from None
    if linked_record(by, kind, linked_id) is None:
        raise RoadmapError("linked_id", _("No such record among those you may see."))
    evidence = Evidence.objects.create(item=item, kind=kind, linked_id=linked_id, note=(note or "").strip()[:300],
                                       by=by)
    log_item(by=by, item=item, action=ItemChange.Action.UPDATED,
             changes={"evidence": [None, f"{kind} #{linked_id}"]})
    audit_write(by=by, obj=evidence, before={}, fields=EVIDENCE_AUDITED_FIELDS, action=Action.CREATE,
                territory=item.roadmap)
    return evidence
