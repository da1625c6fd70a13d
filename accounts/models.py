from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import F, Func, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core import dates
from mahallas.models import District, Mahalla, Region
from mahallas.scope import TerritoryScope

from .querysets import AssignmentQuerySet, UserQuerySet


class Role(models.TextChoices):
    NATIONAL = "national", _("Ministry (national)")
    REGIONAL = "regional", _("Regional staff")
    # Keeps the region's crime register: decides the change requests that would take a crime out of the count,
    # outside the chain (inspectors, district officials) whose figures it judges.
    REGISTRAR = "registrar", _("Crime registrar (region)")
    DISTRICT = "district", _("District official")
    INSPECTOR = "inspector", _("Prevention inspector")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    OPERATOR = "operator", _("Surveillance operator")
    ADMIN = "admin", _("Administrator")


# Which territorial scope field a role must have; field roles are scoped by assignments instead.
ROLE_SCOPE_FIELD = {
    Role.REGIONAL: "region",
    Role.REGISTRAR: "region",
    Role.DISTRICT: "district",
    Role.OPERATOR: "district",
}
FIELD_ROLES = (Role.INSPECTOR, Role.SOCIAL_WORKER)
# Roles that see a whole region or the nation, or manage accounts, sign in with a second factor.
TWO_FACTOR_ROLES = (Role.NATIONAL, Role.REGIONAL, Role.REGISTRAR, Role.ADMIN)


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="staff", verbose_name=_("region"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="staff", verbose_name=_("district"))
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True,
                                     help_text=_("Set after too many failed sign-ins; an administrator unlocks."))

    objects = ScopedUserManager()

    # Stored only as a hash plus "changed" in the audit change store (audit.changes).
    AUDIT_PERSONAL_FIELDS = frozenset({"first_name", "last_name", "email", "phone"})

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=~Q(role__in=["regional", "registrar"]) | Q(region__isnull=False),
                                   name="regional_staff_has_region"),
            models.CheckConstraint(condition=~Q(role__in=["district", "operator"]) | Q(district__isnull=False),
                                   name="district_roles_have_district"),
        ]

    @cached_property
    def scope(self) -> TerritoryScope:
        """The one answer to "which territory may this user see"; see mahallas.scope."""
        if not self.is_active:
            return TerritoryScope.none()
        if self.role in (Role.NATIONAL, Role.ADMIN):
            return TerritoryScope.national()
        if self.role in (Role.REGIONAL, Role.REGISTRAR):
            return TerritoryScope.of_region(self.region_id)
        if self.role in (Role.DISTRICT, Role.OPERATOR):
            return TerritoryScope.of_district(self.district_id)
        if self.role in FIELD_ROLES:
            ids = self.assignments.active().filter(role=self.role).values_list("mahalla_id", flat=True)
            return TerritoryScope.of_mahallas(ids)
        return TerritoryScope.none()

    @property
    def role_label(self) -> str:
        return self.get_role_display() if self.role else ""

    @property
    def requires_two_factor(self) -> bool:
        return self.role in TWO_FACTOR_ROLES


class LoginFailure(models.Model):
    """One failed sign-in, kept per typed username so that unknown usernames lock out exactly like real ones."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["username", "at"])]

    def __str__(self) -> str:
        return f"{self.username} @ {self.at:%Y-%m-%d %H:%M}"


class DateRange(Func):
    function = "DATERANGE"
    output_field = models.Field()


class Assignment(models.Model):
    """An inspector or social worker assigned to a mahalla for a period; history is never overwritten."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("user"))
    mahalla = models.ForeignKey(Mahalla, on_delete=models.PROTECT, related_name="assignments",
                                verbose_name=_("mahalla"))
    role = models.CharField(_("role"), max_length=20,
                            choices=[(r.value, r.label) for r in FIELD_ROLES])
    is_primary = models.BooleanField(_("primary"), default=True)
    starts_on = models.DateField(_("starts on"), default=dates.today)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["mahalla", "role"]), models.Index(fields=["user", "ends_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                                   name="assignment_ends_after_start"),
            # One primary inspector and one primary social worker per mahalla at any moment.
            ExclusionConstraint(
                name="one_primary_per_role_per_mahalla",
                expressions=[
                    ("mahalla", RangeOperators.EQUAL),
                    ("role", RangeOperators.EQUAL),
                    (DateRange("starts_on", "ends_on", models.Value("[]")), RangeOperators.OVERLAPS),
                ],
                condition=Q(is_primary=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.mahalla} ({self.get_role_display()})"


class Notification(models.Model):
    """An in-app message to one user (e.g. "a mahalla of yours turned red"); higher apps send them via
    accounts.notifications.notify()."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.title


class UserSession(AbstractBaseSession):
    """A session (accounts.sessions), with the id of its signed-in user to find all of one user's sessions."""

    user_id = models.BigIntegerField(null=True, db_index=True)

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_usersession"
