"""The Django admin, audited: every save and delete through it records its field changes like any service.

`AuditedAdminSite` is the project's default admin site (INSTALLED_APPS names `AuditedAdminConfig` in place of
`django.contrib.admin`), and it gives every ModelAdmin registered on it `AuditedModelAdminMixin`, so a model
registered by any app, at any layer, is covered without that app importing `audit`. A ModelAdmin that wants a
more precise action (a role change, an assignment change) inherits the mixin itself and overrides
`audit_action`.

This module is imported while the app registry is being populated: models only inside methods.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import FieldDoesNotExist


def _form_model_fields(form, model) -> list[str]:
    """The model fields the admin form edits: concrete fields and many-to-many, nothing computed."""
    names = []
    for name in getattr(form, "fields", {}):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a form-only field: password1, DELETE, ...
            continue
        if (field.concrete or field.many_to_many) and not field.primary_key and not field.auto_created:
            names.append(name)
    return names


def _stored(model, pk, fields) -> dict:
    from .changes import snapshot

    stored = model._base_manager.filter(pk=pk).first() if pk is not None else None
    return snapshot(stored, fields) if stored is not None else {}


class AuditedModelAdminMixin:
    def audit_action(self, obj, changes: dict, created: bool) -> str:
        from .models import AuditEvent

        return AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE

    def _audit(self, request, obj, *, action: str, changes: dict, object_id=None) -> None:
        from .services import audit_record

        audit_record(action=action, request=request, obj=obj, object_id=object_id, changes=changes,
                     details={"via": "admin"})

    def save_model(self, request, obj, form, change):
        # The form has already written the new values into `obj`: the old ones are read from the database.
        fields = _form_model_fields(form, type(obj))
        if change:
            # What the form changed, as the admin's own history says: a date-time shown to the second is not
            # "changed" because its stored microseconds are not shown.
            fields = [name for name in fields if name in form.changed_data]
        obj._audit_before = (_stored(type(obj), obj.pk, fields) if change else {}, fields, change)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # Many-to-many values are saved here, after save_model: the "after" is taken once they are.
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before, fields, changed = getattr(obj, "_audit_before", ({}, None, change))
        if fields is None:
            return
        from .changes import diff, snapshot

        changes = diff(before, snapshot(obj, fields))
        del obj._audit_before
        if changed and not changes:
            return
        self._audit(request, obj, action=self.audit_action(obj, changes, not changed), changes=changes)

    def save_formset(self, request, form, formset, change):
        from .changes import diff, snapshot
        from .models import AuditEvent

        model = formset.model
        fields = _form_model_fields(formset.forms[0], model) if formset.forms else []
        if not fields:
            return super().save_formset(request, form, formset, change)
        ids = [f.instance.pk for f in formset.forms if f.instance.pk is not None]
        before = {o.pk: snapshot(o, fields) for o in model._base_manager.filter(pk__in=ids)}
        deleted = {id(f.instance): f.instance.pk for f in formset.deleted_forms if f.instance.pk is not None}
        result = super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            changes = diff({}, snapshot(obj, fields))
            self._audit(request, obj, action=self.audit_action(obj, changes, True), changes=changes)
        for obj, _names in formset.changed_objects:
            changes = diff(before.get(obj.pk, {}), snapshot(obj, fields))
            if changes:
                self._audit(request, obj, action=self.audit_action(obj, changes, False), changes=changes)
        for obj in formset.deleted_objects:
            pk = deleted.get(id(obj))
            self._audit(request, obj, action=AuditEvent.Action.DELETE, object_id=pk,
                        changes=diff(before.get(pk, {}), {}))
        return result

    def delete_model(self, request, obj):
        from .changes import diff, snapshot
        from .models import AuditEvent

        pk, changes = obj.pk, diff(snapshot(obj), {})
        super().delete_model(request, obj)
        self._audit(request, obj, action=AuditEvent.Action.DELETE, object_id=pk, changes=changes)

    def delete_queryset(self, request, queryset):
        from .changes import diff, snapshot
        from .models import AuditEvent

        doomed = [(obj, obj.pk, diff(snapshot(obj), {})) for obj in queryset]
        super().delete_queryset(request, queryset)
        for obj, pk, changes in doomed:
            self._audit(request, obj, action=AuditEvent.Action.DELETE, object_id=pk, changes=changes)


def audited(admin_class: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    """`admin_class` with the mixin in front of it (unchanged if it already has it)."""
    if issubclass(admin_class, AuditedModelAdminMixin):
        return admin_class
    return type(admin_class.__name__, (AuditedModelAdminMixin, admin_class),
                {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__})


class AuditedAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        super().register(model_or_iterable, audited(admin_class or admin.ModelAdmin), **options)


class AuditedAdminConfig(AdminConfig):
    default_site = "audit.admin_site.AuditedAdminSite"
