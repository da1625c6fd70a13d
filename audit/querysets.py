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
               mahalla_id: int | None = None, occurred_from=None, occurred_to=None):
        qs = self
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
