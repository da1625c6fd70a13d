from django.contrib import admin

from .models import ColourChange, MahallaStatus, Policy


class ReadOnlyAdmin(admin.ModelAdmin):
    """Derived rows and policy versions are written by services only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Policy)
class PolicyAdmin(ReadOnlyAdmin):
    list_display = ["version", "green_max_crimes", "red_min_crimes", "red_rate_top_percent", "author", "created_at"]


@admin.register(MahallaStatus)
class MahallaStatusAdmin(ReadOnlyAdmin):
    list_display = ["mahalla", "period", "colour", "total", "rate", "policy", "computed_at"]
    list_filter = ["period", "colour"]
    raw_id_fields = ["mahalla"]
    list_select_related = ["mahalla", "policy"]


@admin.register(ColourChange)
class ColourChangeAdmin(ReadOnlyAdmin):
    list_display = ["mahalla", "period", "from_colour", "to_colour", "at"]
    list_filter = ["period", "to_colour"]
    list_select_related = ["mahalla"]
