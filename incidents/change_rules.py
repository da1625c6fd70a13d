"""Capabilities of the change-request workflow (see incidents.change_requests), in the capability registry."""

from accounts.capabilities import role_of, rule
from accounts.models import Role

from . import permissions


@rule("incidents.write_in_mahalla")
def write_in_mahalla(user, mahalla) -> bool:
    return permissions.can_write_incident_in(user, mahalla)


@rule("incidents.request_change")
def request_change(user, incident) -> bool:
    """Whoever may edit the incident asks; nobody lowers a count alone."""
    return permissions.can_edit_incident(user, incident)


@rule("incidents.decide_change_request")
def decide_change_request(user, request) -> bool:
    """Outside the chain judged by the figure: the region's registrar (its regional staff where it has none)
    for requests of inspectors, social workers and district officials; national staff for regional staff's;
    never the author."""
    from .models import IncidentChangeRequest

    if request is None or request.requested_by_id == user.pk or request.status != "pending":
        return False
    if role_of(user) not in (Role.NATIONAL, Role.REGISTRAR, Role.REGIONAL):
        return False
    return IncidentChangeRequest.objects.filter(pk=request.pk).decidable_by(user).exists()


@rule("incidents.view_change_requests")
def view_change_requests(user, obj=None) -> bool:
    """The pending-requests page: approvers, and everyone who may file a request (their own)."""
    return role_of(user) in (Role.NATIONAL, Role.REGISTRAR, Role.REGIONAL, Role.DISTRICT, Role.INSPECTOR,
                             Role.SOCIAL_WORKER)
