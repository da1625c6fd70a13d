from django.contrib import admin

from .models import AuditEvent
from .querysets import can_read_audit


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the database refuses changes anyway; the admin does not offer them."""

    list_display = ["occurred_at", "actor_username", "actor_role", "action", "outcome", "object_type",
                    "object_id", "object_repr", "ip"]
    list_filter = ["action", "outcome"]
    search_fields = ["=actor_username", "=object_id", "object_type"]
    show_full_result_count = False
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_view_permission(self, request, obj=None):
        return can_read_audit(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
