"""Writes of field work. Keyword-only, atomic, and every broken rule raises `FieldWorkError(field, message)`.

Nothing here trusts the caller's permission check: each service asks `accounts.capabilities.can` itself, so
the HTML views, the API and scripts get the same rules.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.contrib.gis.geos import Point
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import can
from accounts.models import Assignment, Role
from audit.changes import diff, snapshot
from audit.models import AuditEvent
from audit.services import audit_record
from mahallas.models import Mahalla

from .errors import FieldWorkError
from .models import FieldVisit, Incident, IncidentCategory, IncidentTransition, SupportCase, SupportCaseReview
from .signals import incident_changed

# A point may lie a little outside the drawn boundary (GPS error, a boundary drawn roughly, a street on the
# edge); farther than this it is almost surely the wrong mahalla or a wrong fix.
LOCATION_TOLERANCE_M = 2000
# Phones' clocks drift; a time this little ahead of the server is "now", not the future.
CLOCK_SKEW = datetime.timedelta(minutes=5)

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
CASE_EDITABLE_FIELDS = frozenset({
    "subject_name", "subject_age", "subject_address", "category", "needs", "actions", "social_worker",
    "next_review_on", "status", "notes",
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
    local = timezone.localtime(value)
    return local.year, local.month


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


# --- shared checks -------------------------------------------------------------------------------------

def _check_not_future(field: str, value: datetime.datetime | None) -> None:
    if value is not None and value > timezone.now() + CLOCK_SKEW:
        raise FieldWorkError(field, _("This time is in the future."))


def _check_location(field: str, mahalla_id: int, point: Point | None) -> None:
    if point is None:
        return
    if point.srid not in (None, 4326):
        point = point.transform(4326, clone=True)
    if not (-180 <= point.x <= 180 and -90 <= point.y <= 90):
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


def _as_point(location) -> Point | None:
    if location is None or isinstance(location, Point):
        return location
    lon, lat = location
    return Point(float(lon), float(lat), srid=4326)


def _on_commit_incident_changed(incident_id: int, *mahalla_ids: int) -> None:
    ids = frozenset(m for m in mahalla_ids if m is not None)
    transaction.on_commit(lambda: incident_changed.send(sender=Incident, incident_id=incident_id,
                                                        mahalla_ids=ids))


# --- incidents -----------------------------------------------------------------------------------------

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
    _check_not_future("occurred_at", incident.occurred_at)
    _check_not_future("reported_at", incident.reported_at)
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
    _check_location("location", incident.mahalla_id, incident.location)


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
        location=_as_point(location), minor_involved=minor_involved, youth_involved=youth_involved,
        woman_victim=woman_victim, financial_loss=financial_loss, description=description or "",
        status=S.REPORTED, created_by=by,
    )
    _validate_incident(by=by, incident=incident, category_changed=True, alert=alert)
    incident.save()
    IncidentTransition.objects.create(incident=incident, from_status="", to_status=S.REPORTED, by=by)
    audit_record(action=AuditEvent.Action.CREATE, actor=by, obj=incident)
    _on_commit_incident_changed(incident.pk, incident.mahalla_id)
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
        changes["location"] = _as_point(changes["location"])
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
    _on_commit_incident_changed(incident.pk, old_mahalla_id, incident.mahalla_id)
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
    _apply_status(by=by, incident=incident, to_status=to_status, reason=reason, outcome=outcome)
    return incident


# What a status change can touch, for the change store's before and after.
STATUS_FIELDS = ("status", "registered_at", "outcome", "version")


def _apply_status(*, by, incident: Incident, to_status: str, reason: str, outcome: str = "",
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
    _on_commit_incident_changed(incident.pk, incident.mahalla_id)


# --- field visits --------------------------------------------------------------------------------------

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
    _check_not_future("visited_at", visited_at)
    if people_reached is None or people_reached < 0:
        raise FieldWorkError("people_reached", _("People reached cannot be negative."))
    topics = list(dict.fromkeys(topics or ()))
    if any(t not in FieldVisit.Topic.values for t in topics):
        raise FieldWorkError("topics", _("Unknown topic."))
    if follow_up_on is not None and follow_up_on < timezone.localdate(visited_at):
        raise FieldWorkError("follow_up_on", _("A follow-up cannot be before the visit."))
    if accuracy_m is not None and accuracy_m < 0:
        raise FieldWorkError("accuracy_m", _("Accuracy cannot be negative."))
    point = _as_point(location)
    mahalla_id = mahalla.pk if isinstance(mahalla, Mahalla) else mahalla
    _check_location("location", mahalla_id, point)
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


# --- support cases -------------------------------------------------------------------------------------

def _check_social_worker(*, by, social_worker, mahalla_id: int) -> None:
    if social_worker.pk != by.pk and not can(by, "incidents.supervise_cases", mahalla_id):
        raise FieldWorkError("social_worker", _("A social worker opens cases for themselves; a supervisor "
                                                "reassigns them."))
    assigned = Assignment.objects.active().filter(user=social_worker, mahalla_id=mahalla_id,
                                                  role=Role.SOCIAL_WORKER).exists()
    if social_worker.role != Role.SOCIAL_WORKER or not social_worker.is_active or not assigned:
        raise FieldWorkError("social_worker", _("Choose a social worker assigned to this mahalla now."))


def _check_review_date(value: datetime.date | None, *, required: bool) -> None:
    if value is None:
        if required:
            raise FieldWorkError("next_review_on", _("Set the date of the next review."))
        return
    if value < timezone.localdate():
        raise FieldWorkError("next_review_on", _("The next review cannot be in the past."))


def _check_case_choices(*, category: str, actions, status: str) -> list[str]:
    if category not in SupportCase.Category.values:
        raise FieldWorkError("category", _("Unknown category."))
    if status not in SupportCase.Status.values:
        raise FieldWorkError("status", _("Unknown status."))
    actions = list(dict.fromkeys(actions or ()))
    if any(a not in SupportCase.Action.values for a in actions):
        raise FieldWorkError("actions", _("Unknown action."))
    return actions


@transaction.atomic
def support_case_open(*, by, mahalla: Mahalla, subject_name: str, category: str,
                      next_review_on: datetime.date, subject_age: int | None = None,
                      subject_address: str = "", needs: str = "", actions=(), social_worker=None,
                      notes: str = "") -> SupportCase:
    mahalla_id = mahalla.pk if isinstance(mahalla, Mahalla) else mahalla
    if not can(by, "incidents.open_case", mahalla_id):
        raise FieldWorkError("mahalla", _("You may open cases only in mahallas you are assigned to or that "
                                          "lie in your territory."))
    if social_worker is None:
        if getattr(by, "role", "") != Role.SOCIAL_WORKER:
            raise FieldWorkError("social_worker", _("Choose the social worker who will handle the case."))
        social_worker = by
    _check_social_worker(by=by, social_worker=social_worker, mahalla_id=mahalla_id)
    if not (subject_name or "").strip():
        raise FieldWorkError("subject_name", _("Name the person or household."))
    if subject_age is not None and not 0 <= subject_age <= 130:
        raise FieldWorkError("subject_age", _("Enter a real age."))
    actions = _check_case_choices(category=category, actions=actions, status=SupportCase.Status.OPEN)
    _check_review_date(next_review_on, required=True)
    case = SupportCase.objects.create(
        mahalla_id=mahalla_id, subject_name=subject_name.strip(), subject_age=subject_age,
        subject_address=subject_address or "", category=category, needs=needs or "", actions=actions,
        social_worker=social_worker, next_review_on=next_review_on, notes=notes or "", created_by=by)
    audit_record(action=AuditEvent.Action.CREATE, actor=by, obj=case)
    return case


@transaction.atomic
def support_case_update(*, by, case: SupportCase, **changes) -> SupportCase:
    unknown = set(changes) - CASE_EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"support_case_update() got unexpected fields: {sorted(unknown)}")
    case = SupportCase.objects.select_for_update().get(pk=case.pk)
    if not can(by, "incidents.edit_case", case):
        raise FieldWorkError("mahalla", _("You may not edit this case."))
    before = snapshot(case, [*changes, "closed_at"])
    changed = []
    for field, value in changes.items():
        current = case.social_worker_id if field == "social_worker" else getattr(case, field)
        new = value.pk if field == "social_worker" and value is not None else value
        if current != new:
            setattr(case, field, value)
            changed.append(field)
    if not changed:
        return case
    if "social_worker" in changed:
        if case.social_worker is None:
            raise FieldWorkError("social_worker", _("A case always has a social worker."))
        if not can(by, "incidents.supervise_cases", case.mahalla_id):
            raise FieldWorkError("social_worker", _("Only a supervisor reassigns a case."))
        _check_social_worker(by=by, social_worker=case.social_worker, mahalla_id=case.mahalla_id)
    if "subject_name" in changed and not (case.subject_name or "").strip():
        raise FieldWorkError("subject_name", _("Name the person or household."))
    if case.subject_age is not None and not 0 <= case.subject_age <= 130:
        raise FieldWorkError("subject_age", _("Enter a real age."))
    case.actions = _check_case_choices(category=case.category, actions=case.actions, status=case.status)
    if "next_review_on" in changed:
        _check_review_date(case.next_review_on, required=case.status != SupportCase.Status.CLOSED)
    if "status" in changed:
        case.closed_at = timezone.now() if case.status == SupportCase.Status.CLOSED else None
        changed.append("closed_at")
    case.save(update_fields=[*changed, "updated_at"])
    audit_record(action=AuditEvent.Action.CHANGE, actor=by, obj=case, changes=diff(before, snapshot(case, before)))
    return case


@transaction.atomic
def support_case_review(*, by, case: SupportCase, note: str = "", next_review_on: datetime.date | None = None,
                        status: str | None = None) -> SupportCaseReview:
    """Record a periodic review; an open case must name its next review date."""
    case = SupportCase.objects.select_for_update().get(pk=case.pk)
    if not can(by, "incidents.edit_case", case):
        raise FieldWorkError("mahalla", _("You may not review this case."))
    if not status:
        status = SupportCase.Status.IN_PROGRESS if case.status == SupportCase.Status.OPEN else case.status
    _check_case_choices(category=case.category, actions=case.actions, status=status)
    closing = status == SupportCase.Status.CLOSED
    _check_review_date(next_review_on, required=not closing)
    now = timezone.now()
    fields = ["last_reviewed_at", "status", "closed_at", "updated_at"]
    before = snapshot(case, ["last_reviewed_at", "status", "closed_at", "next_review_on"])
    case.last_reviewed_at = now
    case.closed_at = (case.closed_at or now) if closing else None
    case.status = status
    if next_review_on is not None:
        case.next_review_on = next_review_on
        fields.append("next_review_on")
    case.save(update_fields=fields)
    review = SupportCaseReview.objects.create(case=case, by=by, note=note or "", status=status,
                                              next_review_on=next_review_on)
    audit_record(action=AuditEvent.Action.CHANGE, actor=by, obj=case, details={"review": review.pk,
                                                                               "status": status},
                 changes=diff(before, snapshot(case, before)))
    return review
