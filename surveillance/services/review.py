"""Review: an operator or inspector confirms an alert (linking or creating an incident), dismisses it as a false
positive, or escalates it. Each decision is audited and announced (signals.alert_reviewed) after the commit.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import can
from audit.models import AuditEvent
from audit.services import audit_record

from .. import labels
from ..errors import SurveillanceError
from ..models import Alert
from ..signals import alert_reviewed


def _reviewable(by, alert: Alert) -> Alert:
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if not can(by, "surveillance.review_alert", alert):
        raise SurveillanceError("alert", _("You may not review this alert."))
    if alert.is_final:
        raise SurveillanceError("status", _("This alert has already been reviewed."))
    return alert


def _reviewed(by, alert: Alert, fields: list[str]) -> Alert:
    alert.reviewed_by, alert.reviewed_at, alert.updated_at = by, timezone.now(), timezone.now()
    alert.save(update_fields=[*fields, "reviewed_by", "reviewed_at", "updated_at"])
    audit_record(action=AuditEvent.Action.CHANGE, actor=by, obj=alert,
                 details={"status": alert.status, "incident": alert.incident_id})
    payload = {"alert_id": alert.pk, "status": alert.status, "is_urgent": alert.is_urgent,
               "mahalla_id": alert.mahalla_id, "district_id": alert.district_id, "incident_id": alert.incident_id,
               "by_id": by.pk}
    transaction.on_commit(lambda: alert_reviewed.send(sender=Alert, **payload), robust=True)
    return alert


@transaction.atomic
def alert_confirm(*, by, alert: Alert, incident_id: int | None = None, category_code: str = "",
                  legal_kind: str = "", note: str = "") -> Alert:
    """Confirm an alert: link an incident the reviewer can see, or create one (source: camera alert).

    Incidents are created through incidents.services.incident_create, so the incident rules (who may record
    one in which mahalla, location within the mahalla) apply unchanged."""
    from incidents.errors import FieldWorkError
    from incidents.models import Incident, IncidentCategory
    from incidents.services import incident_create

    alert = _reviewable(by, alert)
    if incident_id is not None:
        incident = Incident.objects.visible_to(by).filter(pk=incident_id).first()
        if incident is None:
            raise SurveillanceError("incident", _("No such incident."))
    else:
        if alert.mahalla_id is None:
            raise SurveillanceError("incident", _("This alert has no mahalla: link an existing incident."))
        code = category_code or alert.suggested_category_code
        category = IncidentCategory.objects.active().filter(code=code).first()
        if category is None:
            raise SurveillanceError("category", _("Unknown category."))
        camera = alert.camera
        description = _("Camera alert #%(id)s: %(what)s, camera “%(camera)s”.") % {
            "id": alert.pk, "what": labels.alert_title(alert.event_type, alert.label),
            "camera": camera.name if camera else alert.device_id}
        try:
            incident = incident_create(
                by=by, mahalla=alert.mahalla, category=category, occurred_at=alert.started_at,
                legal_kind=legal_kind or Incident.LegalKind.CRIME, source=Incident.Source.CAMERA_ALERT,
                location=camera.location if camera else None,
                description=f"{description}\n{note}".strip(), alert=alert)
        except FieldWorkError as exc:
            raise SurveillanceError(exc.field if exc.field != "mahalla" else "incident", exc.message) from None
    alert.status, alert.incident, alert.review_note = Alert.Status.CONFIRMED, incident, note or ""
    return _reviewed(by, alert, ["status", "incident", "review_note"])


@transaction.atomic
def alert_dismiss(*, by, alert: Alert, reason: str = "", code: str = "") -> Alert:
    """Dismiss with a reason code (the figures count by it) and free text, required for "other" and when no
    code is given (then the code is "other": what a free-text-only dismissal always meant)."""
    reason, code = (reason or "").strip(), (code or "").strip()
    if code and code not in Alert.DismissReason.values:
        raise SurveillanceError("dismiss_code", _("Choose a reason from the list."))
    if not reason and code in ("", Alert.DismissReason.OTHER):
        raise SurveillanceError("reason", _("Say why this is a false positive."))
    alert = _reviewable(by, alert)
    alert.status, alert.dismiss_code = Alert.Status.DISMISSED, code or Alert.DismissReason.OTHER
    alert.dismiss_reason = reason
    return _reviewed(by, alert, ["status", "dismiss_code", "dismiss_reason"])


@transaction.atomic
def alert_escalate(*, by, alert: Alert, note: str = "") -> Alert:
    alert = _reviewable(by, alert)
    if alert.status == Alert.Status.ESCALATED:
        raise SurveillanceError("status", _("This alert is already escalated."))
    alert.status, alert.review_note = Alert.Status.ESCALATED, note or ""
    return _reviewed(by, alert, ["status", "review_note"])
