from django.contrib import admin

from .models import AuditEvent, FieldChange
from .querysets import can_read_audit


class ReadOnlyTrailAdmin(admin.ModelAdmin):
    """Read-only: the database refuses changes anyway; the admin does not offer them."""

    show_full_result_count = False

    def has_view_permission(self, request, obj=None):
        return can_read_audit(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyTrailAdmin):
    list_display = ["occurred_at", "actor_username", "actor_role", "action", "outcome", "object_type",
                    "object_id", "object_repr", "ip"]
    list_filter = ["action", "outcome"]
    search_fields = ["=actor_username", "=object_id", "object_type"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]


@admin.register(FieldChange)
class FieldChangeAdmin(ReadOnlyTrailAdmin):
    list_display = ["occurred_at", "object_type", "object_id", "field", "old_value", "new_value", "personal",
                    "mahalla_id"]
    list_filter = ["personal"]
    search_fields = ["=object_id", "=field", "object_type"]
    raw_id_fields = ["event"]
    readonly_fields = [f.name for f in FieldChange._meta.fields]
