"""A roadmap's creation and its own details."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.changes import diff, snapshot
from audit.services import audit_record
from mahallas.models import District, Mahalla, Region

from ..errors import RoadmapError
from ..models import EDITABLE_STATUSES, ReviewFrequency, Roadmap, RoadmapEvent
from .guards import require_not_history
from .trail import ROADMAP_AUDITED_FIELDS, ROADMAP_DETAIL_FIELDS, Action, audit_write, log_event


def _territory_kwargs(territory) -> dict:
    if isinstance(territory, Mahalla):
        return {"mahalla": territory}
    if isinstance(territory, District):
        return {"district": territory}
    if isinstance(territory, Region):
        return {"region": territory}
    raise RoadmapError("territory", _("A roadmap belongs to a region, a district or a mahalla."))


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
    log_event(by=by, roadmap=roadmap, action=RoadmapEvent.Action.CREATED)
    audit_write(by=by, obj=roadmap, before={}, fields=ROADMAP_AUDITED_FIELDS, action=Action.CREATE)
    return roadmap


@transaction.atomic
def roadmap_update(*, by: User, roadmap: Roadmap, title: str | None = None,
                   senior_official_name: str | None = None, senior_official_post: str | None = None,
                   review_frequency: str | None = None) -> Roadmap:
    """The roadmap's own details; the senior official of a red mahalla may be named at any time."""
    require_not_history(roadmap)
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
        log_event(by=by, roadmap=roadmap, action=RoadmapEvent.Action.UPDATED, from_status=roadmap.status,
                  comment=", ".join(sorted(changes)))
        audit_record(action=Action.CHANGE, actor=by, obj=roadmap, changes=changes)
    return roadmap
