from django.contrib import admin

from .models import District, Mahalla, Region

# Boundaries come from `manage.py import_boundaries`; the admin edits names and figures only, so no
# map widget (and none of its inline scripts) is needed here.
NAME_FIELDS = ("code", "name_uz", "name_uz_cyrl", "name_ru", "name_en")


class TerritoryAdmin(admin.ModelAdmin):
    search_fields = ("code", "name_uz", "name_ru", "name_en", "name_uz_cyrl")
    readonly_fields = ("updated_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("boundary")


@admin.register(Region)
class RegionAdmin(TerritoryAdmin):
    list_display = ("code", "name_uz", "name_ru")
    fields = (*NAME_FIELDS, "updated_at")


@admin.register(District)
class DistrictAdmin(TerritoryAdmin):
    list_display = ("code", "name_uz", "kind", "region")
    list_filter = ("kind", "region")
    list_select_related = ("region",)
    autocomplete_fields = ("region",)
    fields = (*NAME_FIELDS, "region", "kind", "updated_at")


@admin.register(Mahalla)
class MahallaAdmin(TerritoryAdmin):
    list_display = ("code", "name_uz", "district", "population", "households")
    list_filter = ("district__region",)
    list_select_related = ("district",)
    autocomplete_fields = ("district",)
    fields = (*NAME_FIELDS, "district", "population", "households", "updated_at")
