"""Reads that pages and the API need, each starting from `visible_to(user)`.

`records` reads lists and single records, `coverage` the staffing of a territory; `paging` and `week` shape
the lists of the pages. The reads views and API call most are named here, so `selectors.incident_list(...)`
stays one name to find (and to patch in a test)."""

from .coverage import COVERAGE_WINDOW_DAYS, GAPS, coverage, coverage_gaps
from .records import (
    assignment_list,
    change_request_get,
    change_request_list,
    field_visit_list,
    incident_get,
    incident_list,
    personal_read_record,
    support_case_get,
    support_case_list,
    writable_mahallas,
)

__all__ = [
    "COVERAGE_WINDOW_DAYS", "GAPS", "assignment_list", "change_request_get", "change_request_list", "coverage",
    "coverage_gaps", "field_visit_list", "incident_get", "incident_list", "personal_read_record",
    "support_case_get", "support_case_list", "writable_mahallas",
]
