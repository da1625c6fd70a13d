"""Many measures in one transaction: the same measure for many mahallas, a district roadmap from a regional
template, the rows of an imported spreadsheet. All or nothing."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.capabilities import can
from accounts.models import User
from audit.services import audit_record
from mahallas.models import District

from ..errors import RoadmapError
from ..models import EDITABLE_STATUSES, Kpi, Roadmap, RoadmapEvent, RoadmapItem, RoadmapTemplate
from .guards import check_room, require_editable
from .items import item_create
from .roadmaps import roadmap_create
from .trail import KPI_AUDITED_FIELDS, Action, audit_write, log_event
from .values import clean_item_data


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
    check_room(roadmap, len(template_items))
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
    require_editable(roadmap)
    check_room(roadmap, len(rows))
    items = []
    for row in rows:
        kpi = row.pop("kpi", None)
        item = item_create(by=by, roadmap=roadmap, **row)
        if kpi:
            created = Kpi.objects.create(item=item, **kpi)
            audit_write(by=by, obj=created, before={}, fields=KPI_AUDITED_FIELDS, action=Action.CREATE,
                        territory=roadmap)
        items.append(item)
    log_event(by=by, roadmap=roadmap, action=RoadmapEvent.Action.IMPORTED, from_status=roadmap.status,
              comment=str(len(items)))
    audit_record(action=Action.CREATE, actor=by, obj=roadmap, details={"imported_items": len(items)})
    return items
