"""The approval workflow: draft or returned -> submitted -> approved (or returned with comments), and a new
revision of an approved roadmap, which supersedes it once approved itself. The four-eyes rule: who submits
does not approve."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.notifications import notify
from audit.changes import snapshot

from ..errors import RoadmapError
from ..models import EDITABLE_STATUSES, ItemStatus, Roadmap, RoadmapEvent, RoadmapStatus
from .items import copy_item
from .trail import ROADMAP_AUDITED_FIELDS, ROADMAP_WORKFLOW_FIELDS, Action, audit_write, log_event


def _approvers(roadmap: Roadmap):
    users = User.objects.filter(is_active=True)
    if roadmap.mahalla_id:
        users = users.filter(role=Role.DISTRICT, district_id=roadmap.mahalla.district_id)
    elif roadmap.district_id:
        users = users.filter(role=Role.REGIONAL, region_id=roadmap.district.region_id)
    else:
        users = users.filter(role=Role.NATIONAL)
    return users.exclude(pk=roadmap.submitted_by_id)


def _url(roadmap: Roadmap) -> str:
    return reverse("roadmaps:detail", args=[roadmap.pk])


@transaction.atomic
def roadmap_submit(*, by: User, roadmap: Roadmap) -> Roadmap:
    roadmap = Roadmap.objects.select_for_update().get(pk=roadmap.pk)
    if roadmap.status not in EDITABLE_STATUSES:
        raise RoadmapError("status", _("Only a draft or a returned roadmap can be submitted."))
    if not roadmap.items.exclude(status=ItemStatus.CANCELLED).exists():
        raise RoadmapError("items", _("Add at least one measure before submitting."))
    before = roadmap.status
    audited = snapshot(roadmap, ROADMAP_WORKFLOW_FIELDS)
    roadmap.status = RoadmapStatus.SUBMITTED
    roadmap.submitted_by = by
    roadmap.submitted_at = timezone.now()
    roadmap.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    log_event(by=by, roadmap=roadmap, action=RoadmapEvent.Action.SUBMITTED, from_status=before)
    audit_write(by=by, obj=roadmap, before=audited, fields=ROADMAP_WORKFLOW_FIELDS, details={"transition": "submitted"})
    notify(users=_approvers(roadmap), kind="roadmap_submitted",
           title=_("Roadmap submitted for approval: %(roadmap)s") % {"roadmap": roadmap},
           body=_("Submitted by %(user)s.") % {"user": by.get_full_name() or by.get_username()}, url=_url(roadmap))
    return roadmap


def _check_approver(by: User, roadmap: Roadmap) -> None:
    if roadmap.status != RoadmapStatus.SUBMITTED:
        raise RoadmapError("status", _("Only a submitted roadmap can be approved or returned."))
    if roadmap.submitted_by_id == by.pk:
        raise RoadmapError("status", _("A roadmap is approved by someone other than the person who submitted it."))


@transaction.atomic
def roadmap_approve(*, by: User, roadmap: Roadmap, comment: str = "") -> Roadmap:
    roadmap = Roadmap.objects.select_for_update(of=("self",)).select_related("parent").get(pk=roadmap.pk)
    _check_approver(by, roadmap)
    audited = snapshot(roadmap, ROADMAP_WORKFLOW_FIELDS)
    roadmap.status = RoadmapStatus.APPROVED
    roadmap.approved_by = by
    roadmap.approved_at = timezone.now()
    roadmap.return_comment = ""
    roadmap.save(update_fields=["status", "approved_by", "approved_at", "return_comment", "updated_at"])
    log_event(by=by, roadmap=roadmap, action=RoadmapEvent.Action.APPROVED, from_status=RoadmapStatus.SUBMITTED,
              comment=comment.strip())
    parent = roadmap.parent
    if parent is not None and parent.status == RoadmapStatus.APPROVED:
        parent_before = snapshot(parent, ROADMAP_WORKFLOW_FIELDS)
        parent.status = RoadmapStatus.SUPERSEDED
        parent.save(update_fields=["status", "updated_at"])
        audit_write(by=by, obj=parent, before=parent_before, fields=ROADMAP_WORKFLOW_FIELDS,
                    details={"transition": "superseded"})
        log_event(by=by, roadmap=parent, action=RoadmapEvent.Action.SUPERSEDED, from_status=RoadmapStatus.APPROVED,
                  comment=_("Revision %(n)s approved.") % {"n": roadmap.revision})
    audit_write(by=by, obj=roadmap, before=audited, fields=ROADMAP_WORKFLOW_FIELDS, details={"transition": "approved"})
    if roadmap.submitted_by_id:
        notify(users=[roadmap.submitted_by], kind="roadmap_approved",
               title=_("Roadmap approved: %(roadmap)s") % {"roadmap": roadmap}, body=comment.strip(),
               url=_url(roadmap))
    return roadmap


@transaction.atomic
def roadmap_return(*, by: User, roadmap: Roadmap, comment: str) -> Roadmap:
    comment = (comment or "").strip()
    if not comment:
        raise RoadmapError("comment", _("Say what must change: comments are required when returning a roadmap."))
    roadmap = Roadmap.objects.select_for_update().get(pk=roadmap.pk)
    _check_approver(by, roadmap)
    audited = snapshot(roadmap, ROADMAP_WORKFLOW_FIELDS)
    roadmap.status = RoadmapStatus.RETURNED
    roadmap.return_comment = comment
    roadmap.save(update_fields=["status", "return_comment", "updated_at"])
    log_event(by=by, roadmap=roadmap, action=RoadmapEvent.Action.RETURNED, from_status=RoadmapStatus.SUBMITTED,
              comment=comment)
    audit_write(by=by, obj=roadmap, before=audited, fields=ROADMAP_WORKFLOW_FIELDS, details={"transition": "returned"})
    if roadmap.submitted_by_id:
        notify(users=[roadmap.submitted_by], kind="roadmap_returned",
               title=_("Roadmap returned with comments: %(roadmap)s") % {"roadmap": roadmap}, body=comment,
               url=_url(roadmap))
    return roadmap


@transaction.atomic
def roadmap_revise(*, by: User, roadmap: Roadmap) -> Roadmap:
    """Start a new revision of an approved roadmap: a draft with copies of its items (and their progress)."""
    roadmap = Roadmap.objects.select_for_update().get(pk=roadmap.pk)
    if roadmap.status != RoadmapStatus.APPROVED:
        raise RoadmapError("status", _("Only an approved roadmap gets a new revision."))
    if Roadmap.objects.filter(parent=roadmap).exists():
        raise RoadmapError("status", _("A new revision of this roadmap is already being prepared."))
    revision = Roadmap.objects.create(
        region_id=roadmap.region_id, district_id=roadmap.district_id, mahalla_id=roadmap.mahalla_id,
        year=roadmap.year, revision=roadmap.revision + 1, parent=roadmap, title=roadmap.title,
        senior_official_name=roadmap.senior_official_name, senior_official_post=roadmap.senior_official_post,
        review_frequency=roadmap.review_frequency, created_by=by)
    for item in roadmap.items.prefetch_related("kpis").order_by("position", "id"):
        copy_item(item, roadmap=revision, position=item.position, link_origin=True, keep_execution=True)
    log_event(by=by, roadmap=revision, action=RoadmapEvent.Action.REVISED,
              comment=_("Revision %(n)s of an approved roadmap.") % {"n": revision.revision})
    audit_write(by=by, obj=revision, before={}, fields=ROADMAP_AUDITED_FIELDS, action=Action.CREATE,
                details={"revision_of": roadmap.pk})
    return revision
