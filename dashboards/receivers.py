"""Dashboards listen to the layers below; nothing imports dashboards."""

from django.db import transaction
from django.db.models.signals import post_delete

from incidents.models import FieldVisit, Incident
from incidents.signals import incident_changed

from .stats import mahallas_mark_dirty


def _mark(mahalla_ids) -> None:
    # The broker is only a doorbell: with it down nothing fails, and the beat sweep drains the marks.
    mahallas_mark_dirty(mahalla_ids or (), ring=True)


def incident_changed_mark(sender, mahalla_ids=frozenset(), **kwargs):
    _mark(mahalla_ids)


def row_deleted_mark(sender, instance, **kwargs):
    mahalla_id = instance.mahalla_id
    transaction.on_commit(lambda: _mark([mahalla_id]), robust=True)


def alert_routed_mark(sender, mahalla_ids=frozenset(), **kwargs):
    _mark(mahalla_ids)


def alert_reviewed_mark(sender, mahalla_id=None, **kwargs):
    _mark([mahalla_id] if mahalla_id else [])


def connect() -> None:
    incident_changed.connect(incident_changed_mark, dispatch_uid="dashboards.incident_changed")
    post_delete.connect(row_deleted_mark, sender=Incident, dispatch_uid="dashboards.incident_deleted")
    post_delete.connect(row_deleted_mark, sender=FieldVisit, dispatch_uid="dashboards.visit_deleted")
    from surveillance.signals import alert_reviewed, alert_routed

    alert_routed.connect(alert_routed_mark, dispatch_uid="dashboards.alert_routed")
    alert_reviewed.connect(alert_reviewed_mark, dispatch_uid="dashboards.alert_reviewed")
