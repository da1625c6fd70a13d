"""The states and sizes a roadmap must be in for a write, whoever asks."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..errors import RoadmapError
from ..models import EDITABLE_STATUSES, Roadmap, RoadmapStatus

MAX_ITEMS_PER_ROADMAP = 500


def require_editable(roadmap: Roadmap) -> None:
    if roadmap.status not in EDITABLE_STATUSES:
        raise RoadmapError("roadmap", _("This roadmap is %(status)s: its plan changes only through a new "
                                        "revision.") % {"status": roadmap.get_status_display()})


def require_not_history(roadmap: Roadmap) -> None:
    if roadmap.status == RoadmapStatus.SUPERSEDED:
        raise RoadmapError("roadmap", _("This revision was superseded; work on the roadmap in force."))


def check_room(roadmap: Roadmap, adding: int = 1) -> None:
    if roadmap.items.count() + adding > MAX_ITEMS_PER_ROADMAP:
        raise RoadmapError("roadmap", _("A roadmap holds at most %(n)d measures.") % {"n": MAX_ITEMS_PER_ROADMAP})
