"""Support cases: people at risk that a social worker follows, reviewed at set dates."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import can
from accounts.models import Assignment, Role
from audit.changes import diff, snapshot
from audit.models import AuditEvent
from audit.services import audit_record
from core.dates import today
from mahallas.models import Mahalla

from ..errors import FieldWorkError
from ..models import SupportCase, SupportCaseReview

CASE_EDITABLE_FIELDS = frozenset({
    "subject_name", "subject_age", "subject_address", "category", "needs", "actions", "social_worker",
    "next_review_on", "status", "notes",
})


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
    if value < today():
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
