"""Writes of roadmaps: keyword-only, atomic, one error type (RoadmapError) naming the field at fault.

Views check who may do what (rules.py) before calling; services keep the rules that hold whoever calls:
the workflow's transitions (workflow.py), the frozen plan of an approved roadmap (guards.py), the four-eyes
rule of approval, and the validity of every value (values.py). Every change of an item leaves an ItemChange
row with a field-level before/after (trail.py).

Callers import the services from here; the modules are the package's own layout.
"""

from ..errors import RoadmapError
from .bulk import items_create_for_mahallas, items_import, roadmap_start_from_template
from .evidence import evidence_add_file, evidence_add_link
from .items import item_create, item_delete, item_duplicate, item_move, item_update
from .kpis import kpi_create, kpi_record
from .reviews import review_add
from .roadmaps import roadmap_create, roadmap_update
from .workflow import roadmap_approve, roadmap_return, roadmap_revise, roadmap_submit

__all__ = [
    "RoadmapError",
    "evidence_add_file", "evidence_add_link",
    "item_create", "item_delete", "item_duplicate", "item_move", "item_update",
    "items_create_for_mahallas", "items_import", "roadmap_start_from_template",
    "kpi_create", "kpi_record",
    "review_add",
    "roadmap_create", "roadmap_update",
    "roadmap_approve", "roadmap_return", "roadmap_revise", "roadmap_submit",
]
