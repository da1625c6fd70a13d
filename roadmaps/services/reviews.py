"""The senior official's reviews of a roadmap (for a red mahalla), recorded after they are held."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.dates import today

from ..errors import RoadmapError
from ..models import Roadmap, RoadmapReview
from .guards import require_not_history
from .trail import REVIEW_AUDITED_FIELDS, Action, audit_write
from .values import clean_date


@transaction.atomic
def review_add(*, by: User, roadmap: Roadmap, held_on, held_by: str, notes: str = "",
               decisions: str = "") -> RoadmapReview:
    require_not_history(roadmap)
    held_on = clean_date("held_on", held_on)
    if held_on is None:
        raise RoadmapError("held_on", _("This field is required."))
    if held_on > today():
        raise RoadmapError("held_on", _("A review is recorded after it was held."))
    held_by = (held_by or roadmap.senior_official_name or "").strip()[:200]
    if not held_by:
        raise RoadmapError("held_by", _("This field is required."))
    review = RoadmapReview.objects.create(roadmap=roadmap, held_on=held_on, held_by=held_by,
                                          notes=(notes or "").strip(), decisions=(decisions or "").strip(),
                                          recorded_by=by)
    audit_write(by=by, obj=review, before={}, fields=REVIEW_AUDITED_FIELDS, action=Action.CREATE, territory=roadmap)
    return review
