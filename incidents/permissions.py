"""Small named write checks, shared by the API and the HTML views. Reads go through `visible_to`.

The rule: an inspector or social worker writes only in mahallas they are assigned to now; district officials
and regional staff edit incidents (and manage assignments and cases) in their territory; nobody else writes.
"""

from accounts.models import Role
from mahallas.models import Mahalla
from mahallas.scope import ScopeLevel, scope_of

FIELD_ROLES = (Role.INSPECTOR, Role.SOCIAL_WORKER)
TERRITORY_EDITOR_ROLES = (Role.DISTRICT, Role.REGIONAL)
EXPORT_ROLES = (Role.NATIONAL, Role.REGIONAL, Role.DISTRICT)


def _role(user) -> str:
    return getattr(user, "role", "") if getattr(user, "is_authenticated", False) else ""


def _mahalla_id(mahalla) -> int | None:
    return mahalla.pk if isinstance(mahalla, Mahalla) else mahalla


def is_assigned_to(user, mahalla) -> bool:
    """A field worker assigned to this mahalla today (their scope is exactly those mahallas)."""
    scope = scope_of(user)
    return (_role(user) in FIELD_ROLES and scope.level == ScopeLevel.MAHALLAS
            and _mahalla_id(mahalla) in scope.mahalla_ids)


def supervises(user, mahalla) -> bool:
    """A district official of the mahalla's district or regional staff of its region."""
    if _role(user) not in TERRITORY_EDITOR_ROLES:
        return False
    return Mahalla.objects.visible_to(user).filter(pk=_mahalla_id(mahalla)).exists()


def can_write_incident_in(user, mahalla) -> bool:
    return is_assigned_to(user, mahalla) or supervises(user, mahalla)


def can_report_from_camera_in(user, mahalla) -> bool:
    """A surveillance operator turns a confirmed camera alert into a reported incident in their district;
    verifying and registering it stays with inspectors and district staff."""
    return _role(user) == Role.OPERATOR and Mahalla.objects.visible_to(user).filter(pk=_mahalla_id(mahalla)).exists()


def can_edit_incident(user, incident) -> bool:
    return can_write_incident_in(user, incident.mahalla_id)


def can_log_visit_in(user, mahalla) -> bool:
    return is_assigned_to(user, mahalla)


def can_open_case_in(user, mahalla) -> bool:
    return (_role(user) == Role.SOCIAL_WORKER and is_assigned_to(user, mahalla)) or supervises(user, mahalla)


def can_edit_case(user, case) -> bool:
    if supervises(user, case.mahalla_id):
        return True
    return (_role(user) == Role.SOCIAL_WORKER and case.social_worker_id == user.pk
            and is_assigned_to(user, case.mahalla_id))


def can_manage_assignments_in(user, mahalla) -> bool:
    return supervises(user, mahalla)


def can_export(user) -> bool:
    return _role(user) in EXPORT_ROLES and scope_of(user).level != ScopeLevel.NONE


def can_view_coverage(user) -> bool:
    return can_export(user)
