"""Assigning inspectors and social workers to mahallas.

Its natural home is `accounts`; it lives here until that app is free to change. The rule (capabilities
incidents.manage_assignments and incidents.assign_person): district officials and regional staff assign their
own staff within their territory; one primary per role per mahalla at a time (the exclusion constraint on
Assignment is the last word); history is never overwritten, an assignment is ended, not deleted.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.capabilities import can
from accounts.models import FIELD_ROLES, Assignment
from audit.changes import diff, snapshot
from audit.models import AuditEvent
from audit.services import audit_record
from core import formats
from core.dates import today
from mahallas.models import Mahalla

from .errors import FieldWorkError

# What the change store keeps of an assignment: everything that decides who covers which mahalla when.
AUDITED_FIELDS = ("user", "mahalla", "role", "is_primary", "starts_on", "ends_on")

_OVERLAP_MESSAGE = _("This mahalla already has a primary %(role)s for these dates; "
                     "end that assignment first.")


def _overlapping_primary(*, mahalla_id: int, role: str, starts_on, ends_on, exclude_pk=None):
    qs = Assignment.objects.filter(mahalla_id=mahalla_id, role=role, is_primary=True).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
    if ends_on is not None:
        qs = qs.filter(starts_on__lte=ends_on)
    return qs.exclude(pk=exclude_pk) if exclude_pk else qs


@transaction.atomic
def assignment_create(*, by, user, mahalla: Mahalla, role: str, starts_on: datetime.date,
                      ends_on: datetime.date | None = None, is_primary: bool = True) -> Assignment:
    if not can(by, "incidents.manage_assignments", mahalla):
        raise FieldWorkError("mahalla", _("You may assign staff only to mahallas of your territory."))
    if role not in [r.value for r in FIELD_ROLES]:
        raise FieldWorkError("role", _("Only inspectors and social workers are assigned to mahallas."))
    if user.role != role or not user.is_active:
        raise FieldWorkError("user", _("This person is not an active %(role)s.") % {"role": role_label(role)})
    if not can(by, "incidents.assign_person", (user, mahalla)):
        raise FieldWorkError("user", _("You may assign only inspectors and social workers of your territory."))
    if starts_on is None:
        raise FieldWorkError("starts_on", _("Set the first day of the assignment."))
    if ends_on is not None and ends_on < starts_on:
        raise FieldWorkError("ends_on", _("An assignment cannot end before it starts."))
    message = _OVERLAP_MESSAGE % {"role": role_label(role)}
    if is_primary and _overlapping_primary(mahalla_id=mahalla.pk, role=role, starts_on=starts_on,
                                           ends_on=ends_on).exists():
        raise FieldWorkError("mahalla", message)
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(user=user, mahalla=mahalla, role=role, starts_on=starts_on,
                                                   ends_on=ends_on, is_primary=is_primary, created_by=by)
    except IntegrityError as exc:
        # A concurrent assignment won the race; the exclusion constraint refused ours.
        raise FieldWorkError("mahalla", message) from exc
    audit_record(action=AuditEvent.Action.ASSIGNMENT_CHANGE, actor=by, obj=assignment,
                 details={"op": "create", "user": user.pk, "role": role, "starts_on": starts_on,
                          "ends_on": ends_on, "primary": is_primary},
                 changes=diff({}, snapshot(assignment, AUDITED_FIELDS)))
    return assignment


@transaction.atomic
def assignment_end(*, by, assignment: Assignment, ends_on: datetime.date | None = None) -> Assignment:
    """End an assignment on `ends_on` (default today): the last day it still counts."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not can(by, "incidents.manage_assignments", assignment.mahalla_id):
        raise FieldWorkError("mahalla", _("You may end assignments only in mahallas of your territory."))
    ends_on = ends_on or today()
    if ends_on < assignment.starts_on:
        raise FieldWorkError("ends_on", _("An assignment cannot end before it starts."))
    if assignment.ends_on is not None and assignment.ends_on < ends_on:
        raise FieldWorkError("ends_on", _("This assignment already ended on %(date)s.") % {
            "date": formats.day(assignment.ends_on)})
    previous = assignment.ends_on
    before = snapshot(assignment, AUDITED_FIELDS)
    assignment.ends_on = ends_on
    assignment.save(update_fields=["ends_on"])
    audit_record(action=AuditEvent.Action.ASSIGNMENT_CHANGE, actor=by, obj=assignment,
                 details={"op": "end", "user": assignment.user_id, "ends_on": ends_on, "previous": previous},
                 changes=diff(before, snapshot(assignment, AUDITED_FIELDS)))
    return assignment


def role_label(role: str) -> str:
    return str(dict((r.value, r.label) for r in FIELD_ROLES).get(role, role))
