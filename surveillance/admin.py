"""The administrators' alert type → incident category table. Registered on the project's audited admin site
(audit.admin_site), so every change records who made it and what it was before."""

from django.contrib import admin

from .models import AlertCategoryRule


@admin.register(AlertCategoryRule)
class AlertCategoryRuleAdmin(admin.ModelAdmin):
    list_display = ["event_type", "object_label", "category", "updated_at"]
    list_filter = ["category"]
    search_fields = ["event_type", "object_label"]
    list_select_related = ["category"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":
            from incidents.models import IncidentCategory

            kwargs["queryset"] = IncidentCategory.objects.active().select_related("parent")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
