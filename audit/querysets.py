from django.db import models

# Only these roles read the audit trail; audit sits below accounts, so roles are compared as strings.
AUDIT_READER_ROLES = ("admin", "national")


def can_read_audit(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and getattr(user, "is_active", False) and getattr(user, "role", None) in AUDIT_READER_ROLES)


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Deny by default: administrators and national staff see the whole trail, nobody else any of it."""
        return self.all() if can_read_audit(user) else self.none()

    def search(self, *, user: str = "", action: str = "", outcome: str = "", object_type: str = "",
               object_id: str = "", region_id: int | None = None, district_id: int | None = None,
               mahalla_id: int | None = None, occurred_from=None, occurred_to=None, field: str = ""):
        qs = self
        if field:
            changes = self.model._meta.get_field("changes").related_model
            qs = qs.filter(models.Exists(changes.objects.filter(event_id=models.OuterRef("pk"), field=field)))
        exact = {
            "actor_username": user, "action": action, "outcome": outcome, "object_type": object_type,
            "object_id": object_id, "region_id": region_id, "district_id": district_id,
            "mahalla_id": mahalla_id,
        }
        qs = qs.filter(**{field: value for field, value in exact.items() if value not in (None, "")})
        if occurred_from is not None:
            qs = qs.filter(occurred_at__gte=occurred_from)
        if occurred_to is not None:
            qs = qs.filter(occurred_at__lte=occurred_to)
        return qs


def _object_key(obj=None, *, object_type: str | None = None, object_id=None) -> tuple[str, str]:
    if obj is not None:
        return obj._meta.label_lower, str(obj.pk)
    if not object_type or object_id in (None, ""):
        raise ValueError("for_object() needs a model instance or an object type and id")
    return object_type, str(object_id)


class FieldChangeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Audit readers search every change; anybody else reads an object's history only on that object's own
        page, which checks the object's `visible_to` first and then asks `for_object` directly."""
        return self.all() if can_read_audit(user) else self.none()

    def for_object(self, obj=None, *, object_type: str | None = None, object_id=None):
        """Changes of one object: `for_object(incident)` or `for_object(object_type="incidents.incident",
        object_id=7)`."""
        object_type, object_id = _object_key(obj, object_type=object_type, object_id=object_id)
        return self.filter(object_type=object_type, object_id=object_id)

    def for_objects(self, objects):
        """Changes of several model instances, of one type or more, in one query."""
        ids: dict[str, set[str]] = {}
        for obj in objects:
            ids.setdefault(obj._meta.label_lower, set()).add(str(obj.pk))
        condition = models.Q(pk__in=[])
        for object_type, object_ids in ids.items():
            condition |= models.Q(object_type=object_type, object_id__in=sorted(object_ids))
        return self.filter(condition)
