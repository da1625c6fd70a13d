"""Who may do what in field work (registered in IncidentsConfig.ready; see accounts.capabilities).

An inspector or social worker writes only in mahallas they are assigned to now; district officials and
regional staff edit incidents (and manage assignments and cases) in their territory; nobody else writes.
Reads go through `visible_to`. Rules whose object is optional answer "anywhere at all" for `obj=None`
(menus, buttons, which form fields to show).
"""

from accounts.capabilities import can, role_of, rule
from accounts.models import FIELD_ROLES, Role, User
from mahallas.models import Mahalla
from mahallas.scope import ScopeLevel, scope_of

SUPERVISOR_ROLES = (Role.DISTRICT, Role.REGIONAL)
EXPORT_ROLES = (Role.NATIONAL, Role.REGIONAL, Role.DISTRICT)


def _mahalla_id(mahalla) -> int | None:
    return mahalla.pk if isinstance(mahalla, Mahalla) else mahalla


def _assigned(user, mahalla) -> bool:
    """A field worker assigned to this mahalla today (their scope is exactly those mahallas)."""
    scope = scope_of(user)
    return (role_of(user) in FIELD_ROLES and scope.level == ScopeLevel.MAHALLAS
            and _mahalla_id(mahalla) in scope.mahalla_ids)


def _supervises(user, mahalla) -> bool:
    """A district official of the mahalla's district or regional staff of its region."""
    if role_of(user) not in SUPERVISOR_ROLES:
        return False
    return Mahalla.objects.visible_to(user).filter(pk=_mahalla_id(mahalla)).exists()


@rule("incidents.record_incident")
def record_incident(user, mahalla=None) -> bool:
    """Record (or move) an incident in this mahalla; `None`: in some mahalla."""
    if mahalla is None:
        return role_of(user) in (*FIELD_ROLES, *SUPERVISOR_ROLES)
    return _assigned(user, mahalla) or _supervises(user, mahalla)


@rule("incidents.report_from_camera")
def report_from_camera(user, alert=None) -> bool:
    """Turn a camera alert under review into a reported incident (source: camera alert). Only with the alert
    behind it: an incident typed in by hand (API, form; `alert=None`) never claims a camera as its source."""
    if alert is None or alert.incident_id is not None or alert.mahalla_id is None:
        return False
    return (can(user, "surveillance.review_alert", alert)
            and Mahalla.objects.visible_to(user).filter(pk=alert.mahalla_id).exists())


@rule("incidents.edit_incident")
def edit_incident(user, incident) -> bool:
    """Edit or move an incident through its workflow. A social worker changes only incidents they created."""
    if role_of(user) == Role.SOCIAL_WORKER:
        return incident.created_by_id == user.pk and _assigned(user, incident.mahalla_id)
    return _assigned(user, incident.mahalla_id) or _supervises(user, incident.mahalla_id)


@rule("incidents.log_visit")
def log_visit(user, mahalla=None) -> bool:
    """Log a field visit in this mahalla; `None`: the user logs visits at all."""
    if mahalla is None:
        return role_of(user) in FIELD_ROLES
    return _assigned(user, mahalla)


@rule("incidents.view_field_work")
def view_field_work(user, obj=None) -> bool:
    """See the lists of field visits and support cases (each list still shows only what `visible_to` gives)."""
    return role_of(user) in (*FIELD_ROLES, *EXPORT_ROLES)


@rule("incidents.read_household_details")
def read_household_details(user, obj=None) -> bool:
    """See a field visit's household address, notes, outcome and location: the field staff who make visits and
    their supervisors. Operators, national staff, registrars and administrators see that a visit happened."""
    return role_of(user) in (*FIELD_ROLES, *SUPERVISOR_ROLES)


@rule("incidents.open_case")
def open_case(user, mahalla=None) -> bool:
    """Open a support case in this mahalla; `None`: in some mahalla."""
    role = role_of(user)
    if mahalla is None:
        if role == Role.SOCIAL_WORKER:
            return Mahalla.objects.visible_to(user).exists()
        return role in SUPERVISOR_ROLES and scope_of(user).level != ScopeLevel.NONE
    return (role == Role.SOCIAL_WORKER and _assigned(user, mahalla)) or _supervises(user, mahalla)


@rule("incidents.edit_case")
def edit_case(user, case) -> bool:
    """Edit or review a support case: its own social worker while assigned there, or a supervisor."""
    if _supervises(user, case.mahalla_id):
        return True
    return role_of(user) == Role.SOCIAL_WORKER and case.social_worker_id == user.pk and _assigned(
        user, case.mahalla_id)


@rule("incidents.supervise_cases")
def supervise_cases(user, mahalla=None) -> bool:
    """Choose or change the social worker of cases in this mahalla; `None`: somewhere."""
    if mahalla is None:
        return role_of(user) in SUPERVISOR_ROLES
    return _supervises(user, mahalla)


@rule("incidents.manage_assignments")
def manage_assignments(user, mahalla=None) -> bool:
    """Assign staff to (and end assignments in) this mahalla; `None`: somewhere."""
    if mahalla is None:
        return role_of(user) in SUPERVISOR_ROLES and scope_of(user).level != ScopeLevel.NONE
    return _supervises(user, mahalla)


@rule("incidents.assign_person")
def assign_person(user, person_and_mahalla) -> bool:
    """Assign this person to this mahalla: an active inspector or social worker the official may see (their
    own staff), to a mahalla of the official's territory. The API and the HTML form both ask this."""
    person, mahalla = person_and_mahalla
    return (role_of(person) in FIELD_ROLES and manage_assignments(user, mahalla)
            and User.objects.visible_to(user).filter(pk=person.pk).exists())


@rule("incidents.export")
def export(user, obj=None) -> bool:
    return role_of(user) in EXPORT_ROLES and scope_of(user).level != ScopeLevel.NONE


@rule("incidents.view_coverage")
def view_coverage(user, obj=None) -> bool:
    return role_of(user) in EXPORT_ROLES and scope_of(user).level != ScopeLevel.NONE


# --- integrity of the count (incidents.change_requests) -----------------------------------------------------

@rule("incidents.request_change")
def request_change(user, incident) -> bool:
    """Ask for a change that takes a counted crime out of a count: whoever may edit the incident asks; nobody
    lowers a count alone."""
    return edit_incident(user, incident)


@rule("incidents.decide_change_request")
def decide_change_request(user, request) -> bool:
    """Outside the chain judged by the figure: the region's registrar (its regional staff where it has none)
    for requests of inspectors, social workers and district officials; national staff for regional staff's;
    never the author (IncidentChangeRequestQuerySet.decidable_by is the one definition)."""
    from .models import IncidentChangeRequest

    if request is None or request.requested_by_id == user.pk or request.status != "pending":
        return False
    if role_of(user) not in (Role.NATIONAL, Role.REGISTRAR, Role.REGIONAL):
        return False
    return IncidentChangeRequest.objects.filter(pk=request.pk).decidable_by(user).exists()


@rule("incidents.view_change_requests")
def view_change_requests(user, obj=None) -> bool:
    """The change-requests page: approvers, and everyone who may file a request (their own)."""
    return role_of(user) in (Role.NATIONAL, Role.REGISTRAR, Role.REGIONAL, Role.DISTRICT, Role.INSPECTOR,
                             Role.SOCIAL_WORKER)


@rule("incidents.view_incidents")
def view_incidents(user, obj=None) -> bool:
    """The incidents list as a page of its own (field staff reach incidents from their mahallas and visits)."""
    return role_of(user) in (Role.NATIONAL, Role.REGIONAL, Role.REGISTRAR, Role.DISTRICT, Role.OPERATOR)


@rule("incidents.decide_change_requests")
def decide_change_requests(user, obj=None) -> bool:
    """Has a list of change requests to decide or to follow (the menu entry); each request asks
    `incidents.decide_change_request`."""
    return role_of(user) in (Role.NATIONAL, Role.REGIONAL, Role.REGISTRAR, Role.DISTRICT)
