from __future__ import annotations

from dataclasses import dataclass
from itertools import islice

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext

from mahallas.models import District, Mahalla, Region

from .models import AuditEvent, FieldChange

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
    _attach_changes(events)
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


EXPORT_CHUNK = 2000


def audit_event_export_rows(*, user, filters: dict):
    """Matching events for a CSV export, streamed from a server-side cursor, each with its field changes
    (one query per chunk of events, not per event)."""
    events = AuditEvent.objects.visible_to(user).search(**filters).iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(islice(events, EXPORT_CHUNK)):
        _attach_changes(chunk)
        yield from chunk


@dataclass
class ChangeRow:
    """One changed field, ready for a page: the label in the reader's language, values as shown."""

    field: str
    label: str
    old: str
    new: str
    personal: bool
    # The stored JSON values, for exports (None for personal fields).
    old_value: object = None
    new_value: object = None
    who: str = ""
    when: object = None
    event_id: int | None = None
    object_type: str = ""
    object_id: str = ""

    @property
    def object_label(self) -> str:
        try:
            name = apps.get_model(self.object_type)._meta.verbose_name
        except (LookupError, ValueError):
            name = self.object_type
        return f"{str(name).capitalize()} #{self.object_id}"


def _model_field(object_type: str, name: str):
    try:
        return apps.get_model(object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


def _shown(field, value) -> str:
    """A stored value as a reader sees it: a choice's label, "—" for none, an id as "#id"."""
    if value is None or value == "":
        return "—"
    if field is not None and getattr(field, "flatchoices", None):
        labels = {str(key): label for key, label in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if field is not None and field.is_relation and isinstance(value, int):
        return f"#{value}"
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        # Stored in UTC (audit.changes): said so, instead of a "+00:00" few readers parse.
        return value.replace("T", " ").removesuffix("+00:00") + " UTC"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def change_row(change: FieldChange, **extra) -> ChangeRow:
    field = _model_field(change.object_type, change.field)
    label = str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else change.field
    if change.personal:
        return ChangeRow(field=change.field, label=label, old="", new="", personal=True, **extra)
    return ChangeRow(field=change.field, label=label, old=_shown(field, change.old_value),
                     new=_shown(field, change.new_value), personal=False, old_value=change.old_value,
                     new_value=change.new_value, **extra)


def _attach_changes(events) -> None:
    by_event: dict[int, list] = {event.pk: [] for event in events}
    if by_event:
        for change in FieldChange.objects.filter(event_id__in=list(by_event)).order_by("event_id", "field"):
            by_event[change.event_id].append(change_row(change))
    for event in events:
        event.field_changes = by_event[event.pk]


HISTORY_LIMIT = 200


def object_history(obj: models.Model, *, include=(), limit: int = HISTORY_LIMIT) -> list[ChangeRow]:
    """Field changes of `obj` (and of the instances in `include`, e.g. a roadmap's items), newest first,
    with who made them and when. The caller has already checked that its user may see `obj`: this is the
    object page's own history, not a search of the change store."""
    changes = (FieldChange.objects.for_objects([obj, *include]).select_related("event")
               .only("id", "field", "old_value", "new_value", "personal", "object_type", "object_id",
                     "occurred_at", "event_id", "event__actor_username")
               .order_by("-event_id", "field")[:limit])
    return [change_row(change, who=change.event.actor_username, when=change.occurred_at,
                       event_id=change.event_id, object_type=change.object_type, object_id=change.object_id)
            for change in changes]
