"""ANPR number plates are personal data (a vehicle, so its keeper). Every read of one is audited: the alert's
page and the API's alert answers call `alert_plate_read` whenever they show a plate. The plates of old alerts
are erased with their pictures (retention.alert_media_purge)."""

from __future__ import annotations

from audit.models import AuditEvent
from audit.services import audit_record

from ..models import Alert

PAGE, API = "page", "api"


def alert_plate_read(*, by, alert: Alert, via: str) -> bool:
    """Record that `by` was shown the alert's plate (never the plate itself: the trail holds no personal
    values). Nothing to record when the alert has none. Returns whether a read was recorded."""
    if not alert.plate:
        return False
    audit_record(action=AuditEvent.Action.VIEW, actor=by, obj=alert, details={"read": "plate", "via": via})
    return True
