from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken as KnoxAuthToken

from audit.admin_site import AuditedModelAdminMixin
from audit.models import AuditEvent
from audit.services import audit_record

from .api_tokens import api_token_revoke
from .capabilities import can
from .models import Assignment, User


def administrators_only(request) -> bool:
    """The admin edits every account and territory, so only the administrator role may enter it.

    `is_staff` alone is not enough: a ministry analyst flagged as staff by mistake must still be refused.
    """
    return can(request.user, "accounts.use_admin")


admin.site.has_permission = administrators_only
admin.site.site_header = _("Mahalla Safety administration")
admin.site.site_title = _("Mahalla Safety")
admin.site.index_title = _("Administration")


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fk_name = "user"
    extra = 0
    fields = ("mahalla", "role", "is_primary", "starts_on", "ends_on")
    autocomplete_fields = ("mahalla",)


def _account_action(obj, changes: dict, created: bool) -> str:
    """The trail's most telling action for an admin save of an account or an assignment."""
    Action = AuditEvent.Action
    if isinstance(obj, Assignment):
        return Action.ASSIGNMENT_CHANGE
    if created:
        return Action.CREATE
    if "role" in changes:
        return Action.ROLE_CHANGE
    if "locked_at" in changes:
        return Action.ACCOUNT_UNLOCKED if changes["locked_at"][1] is None else Action.ACCOUNT_LOCKED
    return Action.CHANGE


@admin.register(User)
class UserAdmin(AuditedModelAdminMixin, BaseUserAdmin):
    list_display = ("username", "last_name", "first_name", "role", "region", "district", "is_active",
                    "locked_at")
    list_filter = ("role", "is_active", "is_staff", "region")
    list_select_related = ("region", "district")
    search_fields = ("username", "first_name", "last_name", "email", "phone")
    autocomplete_fields = ("region", "district")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Role and territory"), {"fields": ("role", "region", "district", "phone", "locked_at")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role and territory"),
         {"fields": ("first_name", "last_name", "role", "region", "district", "phone")}),
    )
    inlines = [AssignmentInline]
    actions = ["unlock_selected"]

    def audit_action(self, obj, changes, created):
        return _account_action(obj, changes, created)

    def user_change_password(self, request, id, form_url=""):
        # Django's own password view saves without save_model: recorded here, as "changed" only (no value, no
        # hash: audit.changes.is_secret).
        user = self.get_object(request, unquote(id))
        before = user.password if user is not None else None
        response = super().user_change_password(request, id, form_url)
        if user is not None and request.method == "POST":
            after = User._base_manager.filter(pk=user.pk).values_list("password", flat=True).first()
            if after != before:
                audit_record(action=AuditEvent.Action.PASSWORD_CHANGE, request=request, obj=user,
                             changes={"password": (before, after)}, details={"via": "admin"})
        return response

    @admin.action(description=_("Unlock the selected accounts (also forgets their failed sign-ins)"))
    def unlock_selected(self, request, queryset):
        from .lockout import account_unlock

        count = sum(account_unlock(user=user, actor=request.user, request=request, via="admin action")
                    for user in queryset)
        self.message_user(request, _("%(count)d account(s) unlocked.") % {"count": count})


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ("user", "mahalla", "role", "is_primary", "starts_on", "ends_on")

    def clean(self):
        data = super().clean()
        user, role = data.get("user"), data.get("role")
        if user is not None and role and user.role != role:
            raise forms.ValidationError(_("The user's role must match the assignment's role."))
        return data


@admin.register(Assignment)
class AssignmentAdmin(AuditedModelAdminMixin, admin.ModelAdmin):
    form = AssignmentForm
    list_display = ("mahalla", "user", "role", "is_primary", "starts_on", "ends_on")
    list_filter = ("role", "is_primary", "mahalla__district__region")
    list_select_related = ("mahalla", "user")
    search_fields = ("mahalla__name_uz", "mahalla__code", "user__username", "user__last_name")
    autocomplete_fields = ("user", "mahalla")
    date_hierarchy = "starts_on"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def audit_action(self, obj, changes, created):
        return _account_action(obj, changes, created)


# knox's own admin lists every token's digest and prints a new token in a message, unaudited. Tokens are issued
# and revoked through accounts.api_tokens (audited); the admin only lists whose tokens exist and until when.
if admin.site.is_registered(KnoxAuthToken):
    admin.site.unregister(KnoxAuthToken)


@admin.register(KnoxAuthToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created", "expiry")
    fields = ("user", "created", "expiry")
    readonly_fields = fields
    search_fields = ("user__username",)
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        # Revoked through the service, so the trail says "API token revoked" with the token's prefix only.
        api_token_revoke(actor=request.user, prefix=obj.token_key, user_id=obj.user_id, request=request)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


def _name_third_party_models() -> None:
    """knox and django-otp name their models and apps with plain English strings that no catalogue can translate
    ("Otp_Totp", "static devices"): the admin would show them so in Uzbek and Russian. Their names are given here,
    lazily translated, where the admin is assembled."""
    from django.apps import apps
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    names = {
        KnoxAuthToken: (_("API token"), _("API tokens")),
        TOTPDevice: (_("authenticator app"), _("authenticator apps")),
        StaticDevice: (_("set of recovery codes"), _("sets of recovery codes")),
    }
    for model, (singular, plural) in names.items():
        model._meta.verbose_name, model._meta.verbose_name_plural = singular, plural
    for label, name in (("knox", _("API tokens")), ("otp_totp", _("Authenticator apps")),
                        ("otp_static", _("Recovery codes"))):
        if label in apps.app_configs:
            apps.get_app_config(label).verbose_name = name


_name_third_party_models()
