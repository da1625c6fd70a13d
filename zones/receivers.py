"""Zones listens to the layers below it; they never import zones."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from incidents.models import Incident
from incidents.signals import incident_changed

from .services import mahallas_mark_dirty


@receiver(incident_changed, dispatch_uid="zones.incident_changed")
def incident_changed_mark_dirty(sender, mahalla_ids=frozenset(), **kwargs):
    # Sent after the incident's transaction committed: the recompute will see the change.
    mahallas_mark_dirty(mahalla_ids)


@receiver(post_delete, sender=Incident, dispatch_uid="zones.incident_deleted")
def incident_deleted_mark_dirty(sender, instance, **kwargs):
    # No service deletes incidents (an unfounded one is a status); this covers the admin and scripts.
    mahalla_id = instance.mahalla_id
    transaction.on_commit(lambda: mahallas_mark_dirty([mahalla_id]), robust=True)


def connect_surveillance() -> bool:
    """Urgent alerts arriving or being reviewed change a watch flag; connect if surveillance offers signals."""
    try:
        from surveillance.signals import alert_reviewed, alert_routed
    except ImportError:
        return False

    def routed(sender, urgent_ids=frozenset(), mahalla_ids=frozenset(), **kwargs):
        if urgent_ids:
            mahallas_mark_dirty(mahalla_ids)

    def reviewed(sender, is_urgent=False, mahalla_id=None, **kwargs):
        if is_urgent and mahalla_id:
            mahallas_mark_dirty([mahalla_id])

    alert_routed.connect(routed, weak=False, dispatch_uid="zones.alert_routed")
    alert_reviewed.connect(reviewed, weak=False, dispatch_uid="zones.alert_reviewed")
    return True
