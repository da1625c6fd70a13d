"""Field visits: stored once per draft, whatever the phone resends."""

from __future__ import annotations

import datetime
import uuid

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.capabilities import can
from audit.models import AuditEvent
from audit.services import audit_record
from core.dates import local_date
from mahallas.models import Mahalla

from ..errors import FieldWorkError
from ..models import FieldVisit
from .checks import as_point, check_location, check_not_future


@transaction.atomic
def field_visit_create(*, by, mahalla: Mahalla, kind: str, visited_at: datetime.datetime,
                       client_uuid: uuid.UUID, address_or_household: str = "", people_reached: int = 0,
                       topics=(), notes: str = "", outcome: str = "",
                       follow_up_on: datetime.date | None = None, location=None,
                       accuracy_m: float | None = None) -> tuple[FieldVisit, bool]:
    """Store a visit once per `client_uuid`; returns (visit, created). A resent draft gets the stored row."""
    existing = FieldVisit.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        return _same_author(existing, by), False
    if not can(by, "incidents.log_visit", mahalla):
        raise FieldWorkError("mahalla", _("You may log visits only in mahallas you are assigned to."))
    if kind not in FieldVisit.Kind.values:
        raise FieldWorkError("kind", _("Unknown kind of visit."))
    check_not_future("visited_at", visited_at)
    if people_reached is None or people_reached < 0:
        raise FieldWorkError("people_reached", _("People reached cannot be negative."))
    topics = list(dict.fromkeys(topics or ()))
    if any(t not in FieldVisit.Topic.values for t in topics):
        raise FieldWorkError("topics", _("Unknown topic."))
    if follow_up_on is not None and follow_up_on < local_date(visited_at):
        raise FieldWorkError("follow_up_on", _("A follow-up cannot be before the visit."))
    if accuracy_m is not None and accuracy_m < 0:
        raise FieldWorkError("accuracy_m", _("Accuracy cannot be negative."))
    point = as_point(location)
    mahalla_id = mahalla.pk if isinstance(mahalla, Mahalla) else mahalla
    check_location("location", mahalla_id, point)
    visit = FieldVisit(mahalla_id=mahalla_id, by=by, kind=kind, visited_at=visited_at,
                       address_or_household=address_or_household or "", people_reached=people_reached,
                       topics=topics, notes=notes or "", outcome=outcome or "", follow_up_on=follow_up_on,
                       location=point, accuracy_m=accuracy_m if point is not None else None,
                       client_uuid=client_uuid)
    try:
        # Two copies of one draft can race (the phone retried while the first request was still running):
        # the unique client_uuid lets exactly one insert win, and the loser answers with the winner's row.
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        existing = FieldVisit.objects.filter(client_uuid=client_uuid).first()
        if existing is None:
            raise
        return _same_author(existing, by), False
    audit_record(action=AuditEvent.Action.CREATE, actor=by, obj=visit)
    return visit, True


def _same_author(visit: FieldVisit, by) -> FieldVisit:
    if visit.by_id != by.pk:
        raise FieldWorkError("client_uuid", _("This draft id is already used; the app must send a new one."))
    return visit
