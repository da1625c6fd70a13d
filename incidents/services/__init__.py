"""Writes of field work. Keyword-only, atomic, and every broken rule raises `FieldWorkError(field, message)`.

Nothing here trusts the caller's permission check: each service asks `accounts.capabilities.can` itself, so
the HTML views, the API and scripts get the same rules. `incidents` holds the incident workflow, `visits` the
field visits, `cases` the support cases, `checks` what they share; assignments are `incidents.assignments`,
corrections of counted crimes `incidents.change_requests`. Other apps call the services named here.
"""

from .cases import support_case_open, support_case_review, support_case_update
from .incidents import (
    TRANSITIONS,
    allowed_transitions,
    direct_transitions,
    incident_create,
    incident_transition,
    incident_update,
    is_counted,
    lowering_fields,
    validate_incident_data,
)
from .visits import field_visit_create

__all__ = [
    "TRANSITIONS", "allowed_transitions", "direct_transitions", "field_visit_create", "incident_create",
    "incident_transition", "incident_update", "is_counted", "lowering_fields", "support_case_open",
    "support_case_review", "support_case_update", "validate_incident_data",
]
