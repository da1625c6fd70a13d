"""Four eyes on every change that lowers a count.

A registered crime counts for the mahalla and month in which it occurred, whatever happens to its case. A change
that would take it out of a count (de-registration, reopening to verification, another legal kind, mahalla,
calendar month or category group) is stored here as a change request with its reason; the incident keeps counting
as before until a second person approves it:

- requests of inspectors, social workers and district officials: the crime registrar of the incident's region,
  or, where the region has none, its regional staff;
- requests of regional staff: national staff;
- never the requester (also a database constraint).

A request is decided against the incident version it was made on: if the incident changed meanwhile, it can only
be rejected (and asked for again). One pending request per incident (a partial unique index).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import can
from accounts.models import Role, User
from accounts.notifications import notify
from audit.changes import diff, json_value, snapshot
from audit.models import AuditEvent
from audit.services import audit_record
from mahallas.models import Mahalla

from .errors import FieldWorkError
from .models import Incident, IncidentCategory, IncidentChangeRequest
from .querysets import registrar_appointed
from .services.checks import on_commit_incident_changed
from .services.incidents import apply_status, incident_update, is_counted, lowering_fields, validate_incident_data

Kind = IncidentChangeRequest.Kind
Status = IncidentChangeRequest.Status
# Where each kind leaves the incident once approved.
TARGET_STATUS = {Kind.DEREGISTER: Incident.Status.DEREGISTERED, Kind.REOPEN: Incident.Status.UNDER_VERIFICATION}
EDIT_FIELDS = ("legal_kind", "mahalla", "occurred_at", "category")
REASON_MAX = 2000


@dataclass
class EditResult:
    incident: Incident
    change_request: IncidentChangeRequest | None


# --- who approves -------------------------------------------------------------------------------------------

def change_request_approvers(request: IncidentChangeRequest):
    """The people to notify: those for whom IncidentChangeRequestQuerySet.decidable_by (the rule
    `incidents.decide_change_request`) holds, read from the request's side."""
    users = User.objects.filter(is_active=True).exclude(pk=request.requested_by_id)
    if request.requester_role == Role.REGIONAL:
        return users.filter(role=Role.NATIONAL)
    region_id = _region_id(request)
    role = Role.REGISTRAR if registrar_appointed(region_id) else Role.REGIONAL
    return users.filter(role=role, region_id=region_id)


def _region_id(request: IncidentChangeRequest) -> int | None:
    return Mahalla.objects.filter(pk=request.counted_mahalla_id).values_list("district__region_id", flat=True).first()


# --- values read back from JSON ---------------------------------------------------------------------------

def _load(field: str, value):
    if field == "mahalla":
        return Mahalla.objects.defer("boundary").get(pk=value)
    if field == "category":
        return IncidentCategory.objects.get(pk=value)
    if field == "occurred_at":
        return datetime.datetime.fromisoformat(value)
    return value


# Where a de-registration or a reopening may start from (a counted crime in any of these statuses).
_ALLOWED_FROM = {
    (Incident.Status.REGISTERED, Incident.Status.DEREGISTERED),
    (Incident.Status.CLOSED, Incident.Status.DEREGISTERED),
    (Incident.Status.REFERRED, Incident.Status.DEREGISTERED),
    (Incident.Status.UNDER_VERIFICATION, Incident.Status.DEREGISTERED),
    (Incident.Status.REGISTERED, Incident.Status.UNDER_VERIFICATION),
    (Incident.Status.CLOSED, Incident.Status.UNDER_VERIFICATION),
    (Incident.Status.REFERRED, Incident.Status.UNDER_VERIFICATION),
}


# --- requests -----------------------------------------------------------------------------------------------

def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise FieldWorkError("reason", _("Say why: a reason is required for this request."))
    if len(reason) > REASON_MAX:
        raise FieldWorkError("reason", _("Keep the reason under %(n)s characters.") % {"n": REASON_MAX})
    return reason


@transaction.atomic
def change_request_create(*, by, incident: Incident, kind: str, reason: str, reason_code: str = "",
                          changes: dict | None = None) -> IncidentChangeRequest:
    """File a request to take a counted crime out of a count. `changes` ({field: new value, model instances for
    mahalla and category}) only for a correction (kind "edit")."""
    incident = Incident.objects.select_for_update().select_related("category").get(pk=incident.pk)
    if not can(by, "incidents.request_change", incident):
        raise FieldWorkError("incident", _("You may not request changes to this incident."))
    if kind not in Kind.values:
        raise FieldWorkError("kind", _("Unknown kind of request."))
    if not is_counted(incident):
        raise FieldWorkError("incident", _("This incident is not in the count: change it directly."))
    reason = _clean_reason(reason)
    if kind == Kind.DEREGISTER:
        if reason_code not in IncidentChangeRequest.Reason.values:
            raise FieldWorkError("reason_code", _("Choose why the crime leaves the count."))
    elif reason_code:
        raise FieldWorkError("reason_code", _("A reason code is given only for a de-registration."))
    if kind == Kind.EDIT:
        target_mahalla = (changes or {}).get("mahalla")
        if target_mahalla is not None and not can(by, "incidents.record_incident", target_mahalla):
            raise FieldWorkError("mahalla", _("You may move incidents only to mahallas you work in."))
        requested, before = _edit_values(incident, changes or {})
    else:
        if changes:
            raise FieldWorkError("changes", _("Only a correction carries field changes."))
        target = TARGET_STATUS[kind]
        if (incident.status, target) not in _ALLOWED_FROM:
            raise FieldWorkError("kind", _("This request does not apply to an incident in status “%(s)s”.") % {
                "s": incident.get_status_display()})
        requested, before = {"status": target}, {"status": incident.status}
    request = IncidentChangeRequest(
        incident=incident, kind=kind, reason_code=reason_code, reason=reason, changes=requested, before=before,
        incident_version=incident.version, counted_mahalla_id=incident.mahalla_id,
        counted_occurred_at=incident.occurred_at, requested_by=by, requester_role=by.role)
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:
        raise FieldWorkError("incident", _("A request for this incident is already waiting for a decision.")) from exc
    audit_record(action=AuditEvent.Action.CREATE, actor=by, obj=request, territory=incident.mahalla,
                 details={"incident": incident.pk, "kind": kind, "reason_code": reason_code,
                          "changes": requested, "before": before})
    transaction.on_commit(lambda: _notify_approvers(request.pk))
    return request



def _edit_values(incident: Incident, changes: dict) -> tuple[dict, dict]:
    unknown = set(changes) - set(EDIT_FIELDS)
    if unknown:
        raise FieldWorkError(sorted(unknown)[0], _("Only the legal kind, mahalla, time of occurrence and category "
                                                   "are corrected through a request."))
    lowering = lowering_fields(incident, changes)
    if not lowering:
        raise FieldWorkError("changes", _("Nothing in this correction takes the crime out of a count: save it "
                                          "directly."))
    # The approver is asked to approve a valid incident only: check the values as they would stand.
    proposed = Incident.objects.select_related("category").get(pk=incident.pk)
    for field in lowering:
        setattr(proposed, field, changes[field])
    validate_incident_data(proposed, category_changed="category" in lowering)
    # The change store's own JSON form (ids for foreign keys, ISO times in UTC): what `_load` reads back.
    return ({f: json_value(changes[f]) for f in lowering}, snapshot(incident, lowering))


@transaction.atomic
def incident_edit(*, by, incident: Incident, reason: str = "", **changes) -> EditResult:
    """What the edit form and the API's PATCH call: changes that keep the counts are saved at once; those that
    would lower one are filed as one change request (with `reason`), and the incident counts as before."""
    current = Incident.objects.select_for_update().select_related("category").get(pk=incident.pk)
    lowering = lowering_fields(current, changes)
    direct = {f: v for f, v in changes.items() if f not in lowering}
    if lowering and not (reason or "").strip():
        raise FieldWorkError("reason", _("This change takes a registered crime out of a count: say why, so that "
                                         "the approver can decide."))
    incident = incident_update(by=by, incident=current, **direct) if direct else current
    request = None
    if lowering:
        request = change_request_create(by=by, incident=incident, kind=Kind.EDIT, reason=reason,
                                        changes={f: changes[f] for f in lowering})
    return EditResult(incident=incident, change_request=request)


@transaction.atomic
def change_request_decide(*, by, request: IncidentChangeRequest, approve: bool,
                          comment: str = "") -> IncidentChangeRequest:
    request = IncidentChangeRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != Status.PENDING:
        raise FieldWorkError("status", _("This request was already decided."))
    if not can(by, "incidents.decide_change_request", request):
        raise FieldWorkError("request", _("You may not decide this request: it goes to someone outside the "
                                          "chain whose figures it changes, never to its author."))
    comment = (comment or "").strip()
    if not approve and not comment:
        raise FieldWorkError("comment", _("Say why the request is rejected."))
    incident = Incident.objects.select_for_update().select_related("category").get(pk=request.incident_id)
    if approve:
        if incident.version != request.incident_version:
            raise FieldWorkError("incident", _("The incident changed after this request was made: reject it and "
                                               "ask for a new one."))
        _apply(request, incident, by=by)
    request.status = Status.APPROVED if approve else Status.REJECTED
    request.decided_by, request.decided_at, request.decision_comment = by, timezone.now(), comment
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
    audit_record(action=AuditEvent.Action.CHANGE, actor=by, obj=request, territory=incident.mahalla,
                 details={"incident": incident.pk, "decision": request.status, "kind": request.kind})
    transaction.on_commit(lambda: _notify_requester(request.pk))
    return request


def _apply(request: IncidentChangeRequest, incident: Incident, *, by) -> None:
    reason = _("Approved request #%(id)s: %(reason)s") % {"id": request.pk, "reason": request.reason}
    if request.kind in TARGET_STATUS:
        apply_status(by=by, incident=incident, to_status=TARGET_STATUS[request.kind], reason=reason,
                      leaves_count=True)
        return
    old_mahalla_id = incident.mahalla_id
    before = snapshot(incident, [*request.changes, "version"])
    fields = []
    for field, value in request.changes.items():
        setattr(incident, field, _load(field, value))
        fields.append(field)
    validate_incident_data(incident, category_changed="category" in fields)
    incident.version += 1
    incident.save(update_fields=[*fields, "version", "updated_at"])
    audit_record(action=AuditEvent.Action.CHANGE, actor=by, obj=incident, details={"change_request": request.pk},
                 changes=diff(before, snapshot(incident, before)))
    on_commit_incident_changed(incident.pk, old_mahalla_id, incident.mahalla_id)


@transaction.atomic
def change_request_withdraw(*, by, request: IncidentChangeRequest) -> IncidentChangeRequest:
    request = IncidentChangeRequest.objects.select_for_update().get(pk=request.pk)
    if request.requested_by_id != by.pk:
        raise FieldWorkError("request", _("Only its author withdraws a request."))
    if request.status != Status.PENDING:
        raise FieldWorkError("status", _("This request was already decided."))
    request.status, request.decided_at = Status.WITHDRAWN, timezone.now()
    request.save(update_fields=["status", "decided_at"])
    audit_record(action=AuditEvent.Action.CHANGE, actor=by, obj=request, details={"decision": "withdrawn"})
    return request


# --- notifications ------------------------------------------------------------------------------------------

def _notify_approvers(request_id: int) -> None:
    request = IncidentChangeRequest.objects.get(pk=request_id)
    notify(users=change_request_approvers(request), kind="change_request",
           title=_("Approval needed: %(kind)s of incident #%(id)s") % {"kind": request.get_kind_display(),
                                                                        "id": request.incident_id},
           body=request.reason[:500], url=reverse("incidents:change_request", args=[request.pk]))


def _notify_requester(request_id: int) -> None:
    request = IncidentChangeRequest.objects.select_related("requested_by").get(pk=request_id)
    title = (_("Approved: %(kind)s of incident #%(id)s") if request.status == Status.APPROVED
             else _("Rejected: %(kind)s of incident #%(id)s")) % {"kind": request.get_kind_display(),
                                                                  "id": request.incident_id}
    notify(users=[request.requested_by], kind="change_request_decided", title=title,
           body=request.decision_comment[:500], url=reverse("incidents:change_request", args=[request.pk]))
