"""Watch flags: facts shown beside a mahalla's colour that do not change it.

Each function returns a queryset of `mahalla_id` values (compiled into the recompute statement as a subquery,
so flags and colours come from one snapshot), or None when the app that knows the answer is not installed or
does not offer it yet; the stored flag is then NULL ("unknown"), never a reassuring False.

Found when this was written: `surveillance` offers `Alert.objects.awaiting_review()` and `is_urgent`; `roadmaps` offers
`RoadmapItem.objects.overdue().in_force()` with the mahalla at `roadmap__mahalla`. Each is looked up through the
app registry, so zones still works (flag NULL) where one of them is not installed.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldError
from django.db.models import QuerySet

from accounts.models import Assignment, Role


def _model(app_label: str, name: str):
    if not apps.is_installed(app_label):
        return None
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def _has_fields(model, *names: str) -> bool:
    present = {f.name for f in model._meta.get_fields()}
    return all(n in present for n in names)


def no_active_staff_mahallas(role: str) -> QuerySet:
    """Mahallas with an active assignment of this role: the flag is "mahalla NOT IN this"."""
    return Assignment.objects.active().filter(role=role).order_by().values("mahalla_id")


def inspector_mahallas() -> QuerySet:
    return no_active_staff_mahallas(Role.INSPECTOR)


def social_worker_mahallas() -> QuerySet:
    return no_active_staff_mahallas(Role.SOCIAL_WORKER)


def urgent_alert_mahallas() -> QuerySet | None:
    """Mahallas with an urgent alert awaiting review, asked of surveillance's own queryset
    (`Alert.objects.awaiting_review()`): what "awaiting review" means is surveillance's rule."""
    alert = _model("surveillance", "Alert")
    if alert is None or not hasattr(alert.objects, "awaiting_review") or not _has_fields(alert, "is_urgent",
                                                                                            "mahalla"):
        return None
    qs = alert.objects.awaiting_review().filter(is_urgent=True, mahalla__isnull=False)
    return qs.order_by().values("mahalla_id")


def overdue_roadmap_mahallas() -> QuerySet | None:
    """Mahallas whose roadmap in force has an overdue measure, asked of roadmaps' own queryset
    (`RoadmapItem.objects.overdue().in_force()`), never re-derived here: what "overdue" means is roadmaps' rule."""
    item = _model("roadmaps", "RoadmapItem")
    if item is None or not hasattr(item.objects, "overdue"):
        return None
    qs = item.objects.overdue()
    if hasattr(qs, "in_force"):
        qs = qs.in_force()
    try:
        return qs.filter(roadmap__mahalla__isnull=False).order_by().values("roadmap__mahalla_id")
    except FieldError:  # roadmaps changed shape: say "unknown" rather than guess
        return None
