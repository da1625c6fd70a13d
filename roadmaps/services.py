"""Writes of roadmaps: keyword-only, atomic, one error type (RoadmapError) naming the field at fault.

Views check who may do what (rules.py) before calling; services keep the rules that hold whoever calls:
the workflow's transitions, the frozen plan of an approved roadmap, the four-eyes rule of approval, and the
validity of every value. Every change of an item leaves an ItemChange row with a field-level before/after.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import can
from accounts.models import Role, User
from accounts.notifications import notify
from audit.changes import diff, snapshot
from audit.models import AuditEvent
from audit.services import audit_record
from mahallas.models import District, Mahalla, Region

from .errors import RoadmapError
from .models import (
    EDITABLE_STATUSES,
    Evidence,
    EvidenceKind,
    FocusArea,
    ItemChange,
    ItemStatus,
    Kpi,
    KpiDirection,
    KpiUpdate,
    ReviewFrequency,
    Roadmap,
    RoadmapEvent,
    RoadmapItem,
    RoadmapReview,
    RoadmapStatus,
    RoadmapTemplate,
)

Action = AuditEvent.Action

# The plan of a measure: frozen once its roadmap is approved.
ITEM_PLAN_FIELDS = ("focus_area", "title", "description", "responsible_organisation", "responsible_person",
                    "start_on", "deadline")
# What happens while it is carried out: reported on the roadmap in force.
ITEM_EXECUTION_FIELDS = ("status", "progress")
ITEM_FIELDS = ITEM_PLAN_FIELDS + ITEM_EXECUTION_FIELDS
KPI_PLAN_FIELDS = ("indicator", "unit", "baseline", "target", "direction")
TEXT_LIMITS = {"title": 300, "responsible_organisation": 200, "responsible_person": 200}
MAX_ITEMS_PER_ROADMAP = 500
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


# --- helpers ----------------------------------------------------------------------------------------

def _territory_kwargs(territory) -> dict:
    if isinstance(territory, Mahalla):
        return {"mahalla": territory}
    if isinstance(territory, District):
        return {"district": territory}
    if isinstance(territory, Region):
        return {"region": territory}
    raise RoadmapError("territory", _("A roadmap belongs to a region, a district or a mahalla."))


def _json(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _snapshot(item: RoadmapItem) -> dict:
    return {f: _json(getattr(item, f)) for f in ITEM_FIELDS}


def _diff(before: dict, after: dict) -> dict:
    return {f: [before.get(f), after.get(f)] for f in after if before.get(f) != after.get(f)}


def _audit(*, by, obj, before: dict, fields, action: str = Action.CHANGE, territory=None,
           details: dict | None = None) -> None:
    """One audit event with the field changes of `obj` since `before` (nothing if nothing changed)."""
    changes = diff(before, snapshot(obj, fields) if obj.pk is not None and action != Action.DELETE else {})
    if changes:
        audit_record(action=action, actor=by, obj=obj, territory=territory, details=details, changes=changes)


def _audited_update(*, by, queryset, fields: dict, audited, territory_of) -> None:
    """`queryset.update(**fields)`, with the change of every row it touches in the audit trail."""
    for obj in queryset.select_for_update():
        before = snapshot(obj, audited)
        for name, value in fields.items():
            setattr(obj, name, value)
        _audit(by=by, obj=obj, before=before, fields=audited, territory=territory_of(obj))
    queryset.update(**fields)


def _log_item(*, by, item: RoadmapItem, action: str, changes: dict) -> ItemChange:
    return ItemChange.objects.create(roadmap_id=item.roadmap_id, item=item if item.pk else None,
                                     item_title=item.title[:300], action=action, changes=changes, by=by)


def _event(*, by, roadmap: Roadmap, action: str, from_status: str = "", comment: str = "") -> RoadmapEvent:
    return RoadmapEvent.objects.create(roadmap=roadmap, action=action, from_status=from_status,
                                       to_status=roadmap.status, by=by, comment=comment)


def _require_editable(roadmap: Roadmap) -> None:
    if roadmap.status not in EDITABLE_STATUSES:
        raise RoadmapError("roadmap", _("This roadmap is %(status)s: its plan changes only through a new "
                                        "revision.") % {"status": roadmap.get_status_display()})


def _require_not_history(roadmap: Roadmap) -> None:
    if roadmap.status == RoadmapStatus.SUPERSEDED:
        raise RoadmapError("roadmap", _("This revision was superseded; work on the roadmap in force."))


def _clean_date(field: str, value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise RoadmapError(field, _("Enter a valid date (YYYY-MM-DD).")) from None


def _clean_decimal(field: str, value, *, required: bool = False) -> Decimal | None:
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
            value = _clean_date(field, value)
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


def _check_dates(item: RoadmapItem) -> None:
    if item.start_on and item.deadline and item.deadline < item.start_on:
        raise RoadmapError("deadline", _("The deadline cannot be before the start."))


def _next_position(roadmap: Roadmap) -> int:
    top = roadmap.items.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def _check_room(roadmap: Roadmap, adding: int = 1) -> None:
    if roadmap.items.count() + adding > MAX_ITEMS_PER_ROADMAP:
        raise RoadmapError("roadmap", _("A roadmap holds at most %(n)d measures.") % {"n": MAX_ITEMS_PER_ROADMAP})


def _mirror_execution(item: RoadmapItem, fields: dict, *, by: User) -> None:
    """Progress reported on the roadmap in force reaches the copy in a revision being prepared."""
    if fields:
        copies = RoadmapItem.objects.filter(origin=item, roadmap__status__in=[
            RoadmapStatus.DRAFT, RoadmapStatus.SUBMITTED, RoadmapStatus.RETURNED]).select_related("roadmap")
        _audited_update(by=by, queryset=copies, fields=fields, audited=ITEM_AUDITED_FIELDS,
                        territory_of=lambda copy: copy.roadmap)


# --- roadmaps ---------------------------------------------------------------------------------------

@transaction.atomic
def roadmap_create(*, by: User, territory, year: int, title: str = "") -> Roadmap:
    kwargs = _territory_kwargs(territory)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise RoadmapError("year", _("Enter a year.")) from None
    if not 2000 <= year <= 2100:
        raise RoadmapError("year", _("Enter a year between 2000 and 2100."))
    if Roadmap.objects.filter(**kwargs, year=year).exists():
        raise RoadmapError("year", _("%(territory)s already has a roadmap for %(year)s.")
                           % {"territory": territory, "year": year})
    roadmap = Roadmap.objects.create(**kwargs, year=year, title=(title or "").strip()[:200], created_by=by)
    _event(by=by, roadmap=roadmap, action=RoadmapEvent.Action.CREATED)
    _audit(by=by, obj=roadmap, before={}, fields=ROADMAP_AUDITED_FIELDS, action=Action.CREATE)
    return roadmap


@transaction.atomic
def roadmap_update(*, by: User, roadmap: Roadmap, title: str | None = None,
                   senior_official_name: str | None = None, senior_official_post: str | None = None,
                   review_frequency: str | None = None) -> Roadmap:
    """The roadmap's own details; the senior official of a red mahalla may be named at any time."""
    _require_not_history(roadmap)
    before = snapshot(roadmap, ROADMAP_DETAIL_FIELDS)
    if title is not None:
        if roadmap.status not in EDITABLE_STATUSES and title.strip() != roadmap.title:
            raise RoadmapError("title", _("The title of an approved roadmap changes only through a new revision."))
        roadmap.title = title.strip()[:200]
    if senior_official_name is not None:
        roadmap.senior_official_name = senior_official_name.strip()[:200]
    if senior_official_post is not None:
        roadmap.senior_official_post = senior_official_post.strip()[:200]
    if review_frequency is not None:
        if review_frequency and review_frequency not in ReviewFrequency.values:
            raise RoadmapError("review_frequency", _("Choose monthly, quarterly or half-yearly."))
        roadmap.review_frequency = review_frequency
    if roadmap.senior_official_name and not roadmap.review_frequency:
        raise RoadmapError("review_frequency", _("Say how often the senior official reviews this roadmap."))
    changes = diff(before, snapshot(roadmap, ROADMAP_DETAIL_FIELDS))
    if changes:
        roadmap.save()
        _event(by=by, roadmap=roadmap, action=RoadmapEvent.Action.UPDATED, from_status=roadmap.status,
               comment=", ".join(sorted(changes)))
        audit_record(action=Action.CHANGE, actor=by, obj=roadmap, changes=changes)
    return roadmap


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
    _event(by=by, roadmap=roadmap, action=RoadmapEvent.Action.SUBMITTED, from_status=before)
    _audit(by=by, obj=roadmap, before=audited, fields=ROADMAP_WORKFLOW_FIELDS, details={"transition": "submitted"})
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
    _event(by=by, roadmap=roadmap, action=RoadmapEvent.Action.APPROVED, from_status=RoadmapStatus.SUBMITTED,
           comment=comment.strip())
    parent = roadmap.parent
    if parent is not None and parent.status == RoadmapStatus.APPROVED:
        parent_before = snapshot(parent, ROADMAP_WORKFLOW_FIELDS)
        parent.status = RoadmapStatus.SUPERSEDED
        parent.save(update_fields=["status", "updated_at"])
        _audit(by=by, obj=parent, before=parent_before, fields=ROADMAP_WORKFLOW_FIELDS,
               details={"transition": "superseded"})
        _event(by=by, roadmap=parent, action=RoadmapEvent.Action.SUPERSEDED, from_status=RoadmapStatus.APPROVED,
               comment=_("Revision %(n)s approved.") % {"n": roadmap.revision})
    _audit(by=by, obj=roadmap, before=audited, fields=ROADMAP_WORKFLOW_FIELDS, details={"transition": "approved"})
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
    _event(by=by, roadmap=roadmap, action=RoadmapEvent.Action.RETURNED, from_status=RoadmapStatus.SUBMITTED,
           comment=comment)
    _audit(by=by, obj=roadmap, before=audited, fields=ROADMAP_WORKFLOW_FIELDS, details={"transition": "returned"})
    if roadmap.submitted_by_id:
        notify(users=[roadmap.submitted_by], kind="roadmap_returned",
               title=_("Roadmap returned with comments: %(roadmap)s") % {"roadmap": roadmap}, body=comment,
               url=_url(roadmap))
    return roadmap


def _copy_item(item: RoadmapItem, *, roadmap: Roadmap, position: int, link_origin: bool,
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
        _copy_item(item, roadmap=revision, position=item.position, link_origin=True, keep_execution=True)
    _event(by=by, roadmap=revision, action=RoadmapEvent.Action.REVISED,
           comment=_("Revision %(n)s of an approved roadmap.") % {"n": revision.revision})
    _audit(by=by, obj=revision, before={}, fields=ROADMAP_AUDITED_FIELDS, action=Action.CREATE,
           details={"revision_of": roadmap.pk})
    return revision


# --- items ------------------------------------------------------------------------------------------

@transaction.atomic
def item_create(*, by: User, roadmap: Roadmap, **data) -> RoadmapItem:
    _require_editable(roadmap)
    _check_room(roadmap)
    cleaned = clean_item_data(data)
    item = RoadmapItem(roadmap=roadmap, position=_next_position(roadmap), **cleaned)
    if item.status == ItemStatus.DONE and "progress" not in data:
        item.progress = 100
    _check_dates(item)
    item.save()
    _log_item(by=by, item=item, action=ItemChange.Action.CREATED, changes=_diff({}, _snapshot(item)))
    _audit(by=by, obj=item, before={}, fields=ITEM_AUDITED_FIELDS, action=Action.CREATE, territory=roadmap)
    return item


@transaction.atomic
def item_update(*, by: User, item: RoadmapItem, **data) -> RoadmapItem:
    """Change an item. Plan fields only while the roadmap is a draft or returned; status and progress also
    on the approved roadmap in force (execution is reported there)."""
    roadmap = item.roadmap
    cleaned = clean_item_data(data, partial=True)
    before = _snapshot(item)
    changed = {f: v for f, v in cleaned.items() if _json(v) != before[f]}
    if not changed:
        return item
    if any(f in ITEM_PLAN_FIELDS for f in changed):
        _require_editable(roadmap)
    else:
        _require_not_history(roadmap)
    for field, value in changed.items():
        setattr(item, field, value)
    if changed.get("status") == ItemStatus.DONE and "progress" not in changed:
        item.progress = 100
    _check_dates(item)
    item.save()
    changes = _diff(before, _snapshot(item))
    _log_item(by=by, item=item, action=ItemChange.Action.UPDATED, changes=changes)
    _audit(by=by, obj=item, before=before, fields=ITEM_FIELDS, territory=roadmap)
    if roadmap.status == RoadmapStatus.APPROVED:
        _mirror_execution(item, {f: getattr(item, f) for f in ITEM_EXECUTION_FIELDS if f in changes}, by=by)
    return item


@transaction.atomic
def item_delete(*, by: User, item: RoadmapItem) -> None:
    roadmap = item.roadmap
    _require_editable(roadmap)
    _log_item(by=by, item=item, action=ItemChange.Action.DELETED, changes=_diff(_snapshot(item), {}))
    _audit(by=by, obj=item, before=snapshot(item, ITEM_AUDITED_FIELDS), fields=ITEM_AUDITED_FIELDS,
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
    _require_editable(roadmap)
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
        _audited_update(by=by, queryset=moved, fields={"position": position}, audited=("position",),
                        territory_of=lambda _item: roadmap)
    item.position = target
    _log_item(by=by, item=item, action=ItemChange.Action.MOVED, changes={"position": [index + 1, target + 1]})
    return item


@transaction.atomic
def item_duplicate(*, by: User, item: RoadmapItem) -> RoadmapItem:
    """A copy of the measure (and its KPIs, without reported values) right below it, as planned."""
    roadmap = item.roadmap
    _require_editable(roadmap)
    _check_room(roadmap)
    roadmap.items.filter(position__gt=item.position).update(position=F("position") + 1)
    copy = _copy_item(item, roadmap=roadmap, position=item.position + 1, link_origin=False, keep_execution=False)
    _log_item(by=by, item=copy, action=ItemChange.Action.CREATED,
              changes={**_diff({}, _snapshot(copy)), "duplicate_of": [None, item.pk]})
    _audit(by=by, obj=copy, before={}, fields=ITEM_AUDITED_FIELDS, action=Action.CREATE, territory=roadmap,
           details={"duplicate_of": item.pk})
    return copy


@transaction.atomic
def items_create_for_mahallas(*, by: User, district: District, year: int, mahallas, **data) -> list[RoadmapItem]:
    """The same measure in the roadmap of each chosen mahalla of the district for that year, in one transaction;
    a mahalla without a roadmap for the year gets a draft. A mahalla whose roadmap is not editable stops it all."""
    mahallas = list(mahallas)
    if not mahallas:
        raise RoadmapError("mahallas", _("Choose at least one mahalla."))
    outside = [m for m in mahallas if m.district_id != district.pk or not can(by, "roadmaps.write_territory", m)]
    if outside:
        raise RoadmapError("mahallas", _("Not a mahalla of your district: %(names)s")
                           % {"names": ", ".join(str(m) for m in outside)})
    cleaned = clean_item_data(data)
    latest = {}
    for roadmap in Roadmap.objects.filter(mahalla__in=mahallas, year=year).order_by("revision"):
        latest[roadmap.mahalla_id] = roadmap
    blocked = [m for m in mahallas if m.pk in latest and latest[m.pk].status not in EDITABLE_STATUSES]
    if blocked:
        raise RoadmapError("mahallas", _("These mahallas' roadmaps are submitted or approved and cannot take new "
                                         "measures now: %(names)s") % {"names": ", ".join(str(m) for m in blocked)})
    items = []
    for mahalla in mahallas:
        roadmap = latest.get(mahalla.pk) or roadmap_create(by=by, territory=mahalla, year=year)
        items.append(item_create(by=by, roadmap=roadmap, **cleaned))
    audit_record(action=Action.CREATE, actor=by, obj=district, object_type="roadmaps.roadmapitem",
                 object_repr=cleaned["title"][:200], details={"mahallas": [m.pk for m in mahallas], "year": year})
    return items


@transaction.atomic
def roadmap_start_from_template(*, by: User, district: District, year: int,
                                template: RoadmapTemplate) -> Roadmap:
    """A district roadmap for the year with the template's measures (deadlines counted from 1 January)."""
    if template.region_id != district.region_id:
        raise RoadmapError("template", _("This template belongs to another region."))
    existing = Roadmap.objects.filter(district=district, year=year).order_by("-revision").first()
    if existing is not None and existing.status not in EDITABLE_STATUSES:
        raise RoadmapError("year", _("The district's roadmap for %(year)s is already submitted or approved.")
                           % {"year": year})
    roadmap = existing or roadmap_create(by=by, territory=district, year=year, title=template.name)
    template_items = list(template.items.all())
    _check_room(roadmap, len(template_items))
    start = datetime.date(int(year), 1, 1)
    for template_item in template_items:
        item_create(by=by, roadmap=roadmap, focus_area=template_item.focus_area, title=template_item.title,
                    description=template_item.description,
                    responsible_organisation=template_item.responsible_organisation,
                    start_on=start, deadline=start + datetime.timedelta(days=template_item.deadline_days))
    return roadmap


@transaction.atomic
def items_import(*, by: User, roadmap: Roadmap, rows: list[dict]) -> list[RoadmapItem]:
    """Rows already validated by excel.parse_items (which reports every bad row); all or nothing."""
    _require_editable(roadmap)
    _check_room(roadmap, len(rows))
    items = []
    for row in rows:
        kpi = row.pop("kpi", None)
        item = item_create(by=by, roadmap=roadmap, **row)
        if kpi:
            created = Kpi.objects.create(item=item, **kpi)
            _audit(by=by, obj=created, before={}, fields=KPI_AUDITED_FIELDS, action=Action.CREATE,
                   territory=roadmap)
        items.append(item)
    _event(by=by, roadmap=roadmap, action=RoadmapEvent.Action.IMPORTED, from_status=roadmap.status,
           comment=str(len(items)))
    audit_record(action=Action.CREATE, actor=by, obj=roadmap, details={"imported_items": len(items)})
    return items


# --- KPIs -------------------------------------------------------------------------------------------

def _clean_kpi(data: dict) -> dict:
    cleaned = {}
    if "indicator" in data:
        cleaned["indicator"] = (data["indicator"] or "").strip()[:200]
        if not cleaned["indicator"]:
            raise RoadmapError("indicator", _("This field is required."))
    if "unit" in data:
        cleaned["unit"] = (data["unit"] or "").strip()[:40]
    if "baseline" in data:
        cleaned["baseline"] = _clean_decimal("baseline", data["baseline"])
    if "target" in data:
        cleaned["target"] = _clean_decimal("target", data["target"], required=True)
    if "direction" in data:
        cleaned["direction"] = data["direction"] or KpiDirection.INCREASE
        if cleaned["direction"] not in KpiDirection.values:
            raise RoadmapError("direction", _("Choose a direction."))
    return cleaned


@transaction.atomic
def kpi_create(*, by: User, item: RoadmapItem, indicator: str, target, unit: str = "", baseline=None,
               direction: str = KpiDirection.INCREASE) -> Kpi:
    _require_editable(item.roadmap)
    cleaned = _clean_kpi({"indicator": indicator, "unit": unit, "baseline": baseline, "target": target,
                          "direction": direction})
    kpi = Kpi.objects.create(item=item, **cleaned)
    _audit(by=by, obj=kpi, before={}, fields=KPI_AUDITED_FIELDS, action=Action.CREATE, territory=item.roadmap)
    _log_item(by=by, item=item, action=ItemChange.Action.UPDATED,
              changes={"kpi": [None, f"{kpi.indicator}: {kpi.target} {kpi.unit}".strip()]})
    return kpi


@transaction.atomic
def kpi_record(*, by: User, kpi: Kpi, on, value, note: str = "") -> KpiUpdate:
    """A dated value; the KPI's actual becomes the value of the latest date."""
    _require_not_history(kpi.item.roadmap)
    on = _clean_date("on", on)
    if on is None:
        raise RoadmapError("on", _("This field is required."))
    if on > timezone.localdate():
        raise RoadmapError("on", _("A value cannot be recorded for a future date."))
    value = _clean_decimal("value", value, required=True)
    update = KpiUpdate.objects.create(kpi=kpi, on=on, value=value, note=(note or "").strip()[:300], by=by)
    latest = kpi.updates.order_by("-on", "-id").first()
    before = kpi.actual
    audited = snapshot(kpi, ["actual"])
    kpi.actual = latest.value
    kpi.save(update_fields=["actual"])
    if before != kpi.actual:
        roadmap = kpi.item.roadmap
        _audit(by=by, obj=kpi, before=audited, fields=["actual"], territory=roadmap,
               details={"kpi_update": update.pk})
        _log_item(by=by, item=kpi.item, action=ItemChange.Action.UPDATED,
                  changes={f"kpi:{kpi.indicator}": [_json(before), _json(kpi.actual)]})
        copies = Kpi.objects.filter(origin=kpi, item__roadmap__status__in=[
            RoadmapStatus.DRAFT, RoadmapStatus.SUBMITTED, RoadmapStatus.RETURNED]).select_related("item__roadmap")
        _audited_update(by=by, queryset=copies, fields={"actual": kpi.actual}, audited=("actual",),
                        territory_of=lambda copy: copy.item.roadmap)
    return update


# --- evidence and reviews ---------------------------------------------------------------------------

@transaction.atomic
def evidence_add_file(*, by: User, item: RoadmapItem, upload, note: str = "") -> Evidence:
    from .evidence import check_upload

    _require_not_history(item.roadmap)
    content_type = check_upload(upload)
    original = (getattr(upload, "name", "") or "file")[-200:]
    evidence = Evidence(item=item, kind=EvidenceKind.FILE, original_name=original, content_type=content_type,
                        size=upload.size, note=(note or "").strip()[:300], by=by)
    evidence.file.save(original, upload, save=False)
    evidence.save()
    _log_item(by=by, item=item, action=ItemChange.Action.UPDATED, changes={"evidence": [None, original]})
    _audit(by=by, obj=evidence, before={}, fields=EVIDENCE_AUDITED_FIELDS, action=Action.CREATE,
           territory=item.roadmap)
    return evidence


@transaction.atomic
def evidence_add_link(*, by: User, item: RoadmapItem, kind: str, linked_id, note: str = "") -> Evidence:
    from .evidence import linked_record

    _require_not_history(item.roadmap)
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
    _log_item(by=by, item=item, action=ItemChange.Action.UPDATED,
              changes={"evidence": [None, f"{kind} #{linked_id}"]})
    _audit(by=by, obj=evidence, before={}, fields=EVIDENCE_AUDITED_FIELDS, action=Action.CREATE,
           territory=item.roadmap)
    return evidence


@transaction.atomic
def review_add(*, by: User, roadmap: Roadmap, held_on, held_by: str, notes: str = "",
               decisions: str = "") -> RoadmapReview:
    _require_not_history(roadmap)
    held_on = _clean_date("held_on", held_on)
    if held_on is None:
        raise RoadmapError("held_on", _("This field is required."))
    if held_on > timezone.localdate():
        raise RoadmapError("held_on", _("A review is recorded after it was held."))
    held_by = (held_by or roadmap.senior_official_name or "").strip()[:200]
    if not held_by:
        raise RoadmapError("held_by", _("This field is required."))
    review = RoadmapReview.objects.create(roadmap=roadmap, held_on=held_on, held_by=held_by,
                                          notes=(notes or "").strip(), decisions=(decisions or "").strip(),
                                          recorded_by=by)
    _audit(by=by, obj=review, before={}, fields=REVIEW_AUDITED_FIELDS, action=Action.CREATE, territory=roadmap)
    return review
