"""The incident workflow: record, correct and move an incident through its statuses.

A counted crime never leaves its count here: that is a change request (incidents.change_requests) decided by
a second person, which writes through `validate_incident_data` and `apply_status` below.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import can
from audit.changes import diff, snapshot
from audit.models import AuditEvent
from audit.services import audit_record
from core.dates import local_date
from mahallas.models import Mahalla

from ..errors import FieldWorkError
from ..models import Incident, IncidentCategory, IncidentTransition
from .checks import as_point, check_location, check_not_future, on_commit_incident_changed

S = Incident.Status
# The whole incident workflow: allowed (from, to) pairs -> whether a reason is required. Anything not here
# is refused. Reopening (back to under verification from a decision or from closed) is always explicit.
# A counted crime never leaves the count here: reopening it, de-registering it or a correction that moves it out
# of its mahalla's or month's count is a change request (incidents.change_requests) decided by a second person.
TRANSITIONS: dict[tuple[str, str], bool] = {
    (S.REPORTED, S.UNDER_VERIFICATION): False,
    (S.UNDER_VERIFICATION, S.REGISTERED): False,
    (S.UNDER_VERIFICATION, S.UNFOUNDED): True,
    (S.UNDER_VERIFICATION, S.REFERRED): True,
    (S.REGISTERED, S.CLOSED): True,
    (S.UNFOUNDED, S.CLOSED): True,
    (S.REFERRED, S.CLOSED): True,
    (S.REGISTERED, S.UNDER_VERIFICATION): True,
    (S.UNFOUNDED, S.UNDER_VERIFICATION): True,
    (S.REFERRED, S.UNDER_VERIFICATION): True,
    (S.CLOSED, S.UNDER_VERIFICATION): True,
    (S.DEREGISTERED, S.UNDER_VERIFICATION): True,
}

INCIDENT_EDITABLE_FIELDS = frozenset({
    "mahalla", "location", "occurred_at", "reported_at", "category", "legal_kind", "source", "minor_involved",
    "youth_involved", "woman_victim", "financial_loss", "description",
})


def allowed_transitions(status: str) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == status]


def is_counted(incident: Incident) -> bool:
    """The row form of IncidentQuerySet.counted()."""
    return incident.legal_kind == Incident.LegalKind.CRIME and incident.registered_at is not None


def direct_transitions(incident: Incident) -> list[str]:
    """What may be done at once; for a counted crime, reopening needs a change request instead."""
    return [to for to in allowed_transitions(incident.status)
            if not (is_counted(incident) and to == S.UNDER_VERIFICATION)]


def _month(value: datetime.datetime) -> tuple[int, int]:
    day = local_date(value)
    return day.year, day.month


def _category_group(category: IncidentCategory) -> int:
    return category.parent_id or category.pk


def lowering_fields(incident: Incident, changes: dict) -> list[str]:
    """The fields of `changes` that would take a counted crime out of its mahalla's or calendar month's count
    (Tashkent time) or out of its category group: those need a second person's approval."""
    if not is_counted(incident):
        return []
    lowering = []
    if "legal_kind" in changes and changes["legal_kind"] != incident.legal_kind:
        lowering.append("legal_kind")
    if "mahalla" in changes and changes["mahalla"] is not None and changes["mahalla"].pk != incident.mahalla_id:
        lowering.append("mahalla")
    if ("occurred_at" in changes and changes["occurred_at"] is not None
            and _month(changes["occurred_at"]) != _month(incident.occurred_at)):
        lowering.append("occurred_at")
    if ("category" in changes and changes["category"] is not None
            and _category_group(changes["category"]) != _category_group(incident.category)):
        lowering.append("category")
    return lowering


def _validate_incident(*, by, incident: Incident, category_changed: bool, alert=None) -> None:
    from_camera = incident.pk is None and incident.source == Incident.Source.CAMERA_ALERT
    if from_camera and not can(by, "incidents.report_from_camera", alert):
        raise FieldWorkError("source", _("Only a confirmed camera alert becomes an incident from a camera."))
    if not (from_camera or can(by, "incidents.record_incident", incident.mahalla_id)):
        raise FieldWorkError("mahalla", _("You may record incidents only in mahallas you are assigned to "
                                          "or that lie in your territory."))
    validate_incident_data(incident, category_changed=category_changed)


def validate_incident_data(incident: Incident, *, category_changed: bool) -> None:
    """The rules of an incident's own values, whoever writes them (an approver applying a correction too)."""
    if category_changed and not incident.category.active:
        raise FieldWorkError("category", _("This category is no longer in use."))
    check_not_future("occurred_at", incident.occurred_at)
    check_not_future("reported_at", incident.reported_at)
    if incident.reported_at < incident.occurred_at:
        raise FieldWorkError("reported_at", _("An incident cannot be reported before it occurred."))
    if incident.legal_kind not in Incident.LegalKind.values:
        raise FieldWorkError("legal_kind", _("Unknown legal kind."))
    if incident.source not in Incident.Source.values:
        raise FieldWorkError("source", _("Unknown source."))
    if incident.financial_loss is not None:
        if not incident.category.allows_financial_loss:
            raise FieldWorkError("financial_loss", _("A financial loss is recorded only for fraud and "
                                                     "cybercrime."))
        if incident.financial_loss < 0:
            raise FieldWorkError("financial_loss", _("A loss cannot be negative."))
    check_location("location", incident.mahalla_id, incident.location)


@transaction.atomic
def incident_create(*, by, mahalla: Mahalla, category: IncidentCategory, occurred_at: datetime.datetime,
                    reported_at: datetime.datetime | None = None,
                    legal_kind: str = Incident.LegalKind.CRIME, source: str = Incident.Source.INSPECTOR,
                    location=None, minor_involved: bool = False, youth_involved: bool = False,
                    woman_victim: bool = False, financial_loss: Decimal | None = None,
                    description: str = "", alert=None) -> Incident:
    incident = Incident(
        mahalla=mahalla, category=category, occurred_at=occurred_at,
        reported_at=reported_at or timezone.now(), legal_kind=legal_kind, source=source,
        location=as_point(location), minor_involved=minor_involved, youth_involved=youth_involved,
        woman_victim=woman_victim, financial_loss=financial_loss, description=description or "",
        status=S.REPORTED, created_by=by,
    )
    _validate_incident(by=by, incident=incident, category_changed=True, alert=alert)
    incident.save()
    IncidentTransition.objects.create(incident=incident, from_status="", to_status=S.REPORTED, by=by)
    audit_record(action=AuditEvent.Action.CREATE, actor=by, obj=incident)
    on_commit_incident_changed(incident.pk, incident.mahalla_id)
    return incident


@transaction.atomic
def incident_update(*, by, incident: Incident, **changes) -> Incident:
    """Apply changes at once. A change that would take a counted crime out of a count is refused here: it goes
    through `incident_edit`, which files it as a change request."""
    unknown = set(changes) - INCIDENT_EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"incident_update() got unexpected fields: {sorted(unknown)}")
    incident = Incident.objects.select_for_update().select_related("category").get(pk=incident.pk)
    if not can(by, "incidents.edit_incident", incident):
        raise FieldWorkError("mahalla", _("You may not edit incidents of this mahalla."))
    if incident.status in (S.CLOSED, S.DEREGISTERED):
        raise FieldWorkError("status", _("A closed incident cannot be edited; reopen it first."))
    if lowering := lowering_fields(incident, changes):
        raise FieldWorkError(lowering[0], _("This change would take a registered crime out of its count: it "
                                            "needs a change request and a second person's approval."))
    old_mahalla_id = incident.mahalla_id
    if "location" in changes:
        changes["location"] = as_point(changes["location"])
    before = snapshot(incident, changes)
    changed = []
    for field, value in changes.items():
        current = getattr(incident, field)
        if field in ("mahalla", "category"):
            current = getattr(incident, f"{field}_id")
            value_id = value.pk if value is not None else None
            if current != value_id:
                setattr(incident, field, value)
                changed.append(field)
            continue
        if current != value:
            setattr(incident, field, value)
            changed.append(field)
    if not changed:
        return incident
    _validate_incident(by=by, incident=incident, category_changed="category" in changed)
    incident.version += 1
    incident.save(update_fields=[*changed, "version", "updated_at"])
    audit_record(action=AuditEvent.Action.CHANGE, actor=by, obj=incident,
                 changes=diff(before, snapshot(incident, before)))
    on_commit_incident_changed(incident.pk, old_mahalla_id, incident.mahalla_id)
    return incident


@transaction.atomic
def incident_transition(*, by, incident: Incident, to_status: str, reason: str = "", outcome: str = "") -> Incident:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not can(by, "incidents.edit_incident", incident):
        raise FieldWorkError("mahalla", _("You may not change incidents of this mahalla."))
    if to_status not in S.values:
        raise FieldWorkError("to_status", _("Unknown status."))
    pair = (incident.status, to_status)
    if pair not in TRANSITIONS:
        raise FieldWorkError("to_status", _("An incident cannot move from “%(from)s” to “%(to)s”.") % {
            "from": S(incident.status).label, "to": S(to_status).label})
    if to_status not in direct_transitions(incident):
        raise FieldWorkError("to_status", _("Reopening a registered crime takes it out of the count: request it "
                                            "for approval instead."))
    reason = (reason or "").strip()
    if TRANSITIONS[pair] and not reason:
        raise FieldWorkError("reason", _("Say why: a reason is required for this change."))
    outcome = (outcome or "").strip()
    closing_a_crime = pair == (S.REGISTERED, S.CLOSED)
    if closing_a_crime and outcome not in Incident.Outcome.values:
        raise FieldWorkError("outcome", _("Say how the case ended (solved, sent to court, ...)."))
    if outcome and not closing_a_crime:
        raise FieldWorkError("outcome", _("An outcome is recorded only when a registered crime's case is closed."))
    apply_status(by=by, incident=incident, to_status=to_status, reason=reason, outcome=outcome)
    return incident


# What a status change can touch, for the change store's before and after.
STATUS_FIELDS = ("status", "registered_at", "outcome", "version")


def apply_status(*, by, incident: Incident, to_status: str, reason: str, outcome: str = "",
                  leaves_count: bool = False) -> None:
    """Write a status change of a locked incident with its history row; `leaves_count` only from an approved
    change request."""
    before = snapshot(incident, STATUS_FIELDS)
    from_status = incident.status
    incident.status = to_status
    fields = ["status", "version", "updated_at"]
    if to_status == S.REGISTERED and incident.registered_at is None:
        incident.registered_at = timezone.now()
        fields.append("registered_at")
    if leaves_count:
        incident.registered_at = None
        fields.append("registered_at")
    if to_status == S.CLOSED or incident.outcome:
        incident.outcome = outcome if to_status == S.CLOSED else ""
        fields.append("outcome")
    incident.version += 1
    incident.save(update_fields=fields)
    IncidentTransition.objects.create(incident=incident, from_status=from_status, to_status=to_status, by=by,
                                      reason=reason)
    audit_record(action=AuditEvent.Action.CHANGE, actor=by, obj=incident,
                 details={"status": [from_status, to_status], **({"outcome": outcome} if outcome else {})},
                 changes=diff(before, snapshot(incident, STATUS_FIELDS)))
    on_commit_incident_changed(incident.pk, incident.mahalla_id)
