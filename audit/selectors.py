from dataclasses import dataclass

from mahallas.models import District, Mahalla, Region

from .models import AuditEvent

PAGE_SIZE = 50


@dataclass
class AuditPage:
    events: list
    number: int
    has_previous: bool
    has_next: bool


def audit_event_page(*, user, filters: dict, number: int = 1, size: int = PAGE_SIZE) -> AuditPage:
    """One page of matching events, newest first, with territory names attached.

    No COUNT(*): over a year of events it would cost more than the page itself, so the page only knows
    whether there is a next one (it fetches one row more than it shows).
    """
    number = max(1, number)
    qs = AuditEvent.objects.visible_to(user).search(**filters)
    rows = list(qs[(number - 1) * size:number * size + 1])
    events = rows[:size]
    _attach_territory_names(events)
    return AuditPage(events=events, number=number, has_previous=number > 1, has_next=len(rows) > size)


def _attach_territory_names(events) -> None:
    # Three small lookups per page instead of a join per row; units that no longer exist show their id.
    for model, attr in ((Region, "region_id"), (District, "district_id"), (Mahalla, "mahalla_id")):
        ids = {getattr(e, attr) for e in events if getattr(e, attr) is not None}
        names = {unit.pk: unit.name for unit in model.objects.filter(pk__in=ids).only(
            "id", "name_uz", "name_ru", "name_en")} if ids else {}
        for event in events:
            unit_id = getattr(event, attr)
            setattr(event, attr.replace("_id", "_name"), names.get(unit_id, unit_id))
    for event in events:
        event.territory_names = [name for name in (event.region_name, event.district_name, event.mahalla_name)
                                 if name is not None]


def audit_event_export_rows(*, user, filters: dict):
    """Matching events for a CSV export, streamed from a server-side cursor."""
    return AuditEvent.objects.visible_to(user).search(**filters).iterator(chunk_size=2000)
