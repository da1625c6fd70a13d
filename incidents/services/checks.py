"""Checks every field-work service makes: times not in the future, points near their mahalla."""

from __future__ import annotations

import datetime

from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.geo import wgs84_point

from ..errors import FieldWorkError
from ..models import Incident
from ..signals import incident_changed

# A point may lie a little outside the drawn boundary (GPS error, a boundary drawn roughly, a street on the
# edge); farther than this it is almost surely the wrong mahalla or a wrong fix.
LOCATION_TOLERANCE_M = 2000
# Phones' clocks drift; a time this little ahead of the server is "now", not the future.
CLOCK_SKEW = datetime.timedelta(minutes=5)


def check_not_future(field: str, value: datetime.datetime | None) -> None:
    if value is not None and value > timezone.now() + CLOCK_SKEW:
        raise FieldWorkError(field, _("This time is in the future."))


def check_location(field: str, mahalla_id: int, point: Point | None) -> None:
    if point is None:
        return
    point = wgs84_point(point)
    if point is None:
        raise FieldWorkError(field, _("Coordinates are out of range."))
    # Distances on geography are in metres, so the tolerance means the same everywhere in the country.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT boundary IS NULL OR ST_DWithin(boundary::geography, "
            "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s) FROM mahallas_mahalla WHERE id = %s",
            [point.x, point.y, LOCATION_TOLERANCE_M, mahalla_id],
        )
        row = cursor.fetchone()
    if not row or not row[0]:
        message = _("This point is more than %(km)s km outside the mahalla's boundary; check the mahalla "
                    "or the location.") % {"km": LOCATION_TOLERANCE_M // 1000}
        raise FieldWorkError(field, message)


def as_point(location) -> Point | None:
    if location is None or isinstance(location, Point):
        return location
    lon, lat = location
    return Point(float(lon), float(lat), srid=4326)


def on_commit_incident_changed(incident_id: int, *mahalla_ids: int) -> None:
    ids = frozenset(m for m in mahalla_ids if m is not None)
    transaction.on_commit(lambda: incident_changed.send(sender=Incident, incident_id=incident_id,
                                                        mahalla_ids=ids))
