from django.contrib import admin

from .models import Roadmap, RoadmapTemplate, RoadmapTemplateItem


class RoadmapTemplateItemInline(admin.TabularInline):
    model = RoadmapTemplateItem
    extra = 1


@admin.register(RoadmapTemplate)
class RoadmapTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "year")
    list_filter = ("region",)
    inlines = [RoadmapTemplateItemInline]
    raw_id_fields = ("region", "created_by")


@admin.register(Roadmap)
class RoadmapAdmin(admin.ModelAdmin):
    """Read-only: roadmaps change through the workflow (services), never behind its back."""

    list_display = ("__str__", "year", "revision", "status")
    list_filter = ("status", "year")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
