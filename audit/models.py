"""The audit trail: one append-only row per thing someone did or tried to do.

Append-only is enforced by PostgreSQL, not by Python (migration 0002): a statement trigger refuses every
UPDATE, DELETE and TRUNCATE of the table, and an insert trigger stamps `occurred_at` with the database
clock, so the application can neither rewrite history nor backdate it.

`FieldChange` holds the before and after of each field an event changed, under the same rules (migration
0003): one row per field, append-only, its `occurred_at` taken from its event by the database. Values of
personal fields (the model's `AUDIT_PERSONAL_FIELDS`) are never stored: only a keyed hash of each side, so
"changed back to what it was" can still be told without anybody reading the value.

Tamper evidence (migration 0004, `audit.chain`): each row of both tables carries a sha256 hash chained to the
previous row's, computed by the database on insert; `manage.py audit_verify` recomputes the chains and names the
first broken row, so a row deleted or edited even by a database superuser who disabled the triggers shows.

Retention: rows are kept at least one year and the application never deletes them. Archiving older rows
is a deliberate DBA operation (copy out, `ALTER TABLE audit_auditevent DISABLE TRIGGER
audit_event_append_only`, delete, re-enable), never a job of the application. For protection against a
compromised application as well, run the application under a database role that does not own this table
and holds only INSERT and SELECT on it.
"""

from datetime import UTC

from django.conf import settings
from django.contrib.postgres.indexes import BrinIndex
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from .querysets import AuditEventQuerySet, FieldChangeQuerySet


class ClockTimestamp(models.Func):
    """PostgreSQL's clock_timestamp(): the moment of the insert, not the start of its transaction."""

    template = "clock_timestamp()"
    output_field = models.DateTimeField()


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        LOGIN_OK = "login_ok", _("signed in")
        LOGIN_FAILED = "login_failed", _("sign-in failed")
        LOGOUT = "logout", _("signed out")
        VIEW = "view", _("viewed")
        CREATE = "create", _("created")
        CHANGE = "change", _("changed")
        DELETE = "delete", _("deleted")
        EXPORT = "export", _("exported")
        PERMISSION_DENIED = "permission_denied", _("permission denied")
        PASSWORD_CHANGE = "password_change", _("password changed")
        ROLE_CHANGE = "role_change", _("role changed")
        ASSIGNMENT_CHANGE = "assignment_change", _("assignment changed")
        ACCOUNT_LOCKED = "account_locked", _("account locked")
        ACCOUNT_UNLOCKED = "account_unlocked", _("account unlocked")
        TWO_FACTOR_OK = "two_factor_ok", _("second factor accepted")
        TWO_FACTOR_FAILED = "two_factor_failed", _("second factor refused")
        TWO_FACTOR_SETUP = "two_factor_setup", _("second factor set up")
        RECOVERY_CODE_USED = "recovery_code_used", _("recovery code used")
        API_TOKEN_ISSUED = "api_token_issued", _("API token issued")
        API_TOKEN_REFUSED = "api_token_refused", _("API token refused")
        API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
        SIGNIN_THROTTLED = "signin_throttled", _("sign-in attempts throttled")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("success")
        DENIED = "denied", _("denied")
        FAILED = "failed", _("failed")

    occurred_at = models.DateTimeField(_("occurred at"), db_default=ClockTimestamp(), editable=False)
    # PROTECT (and the database foreign key behind it): a user with history cannot be deleted, only
    # deactivated, so "who" always resolves. The copied username and role still say who it was and in
    # which capacity, even after the user is renamed or changes role.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("user"))
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    actor_role = models.CharField(_("role"), max_length=32, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # Plain ids, not foreign keys: the record states where the object was when it happened and must
    # neither block a territory re-import or merge nor change when the tree does.
    region_id = models.BigIntegerField(_("region id"), null=True, blank=True)
    district_id = models.BigIntegerField(_("district id"), null=True, blank=True)
    mahalla_id = models.BigIntegerField(_("mahalla id"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    # Set by the database's insert trigger, whatever the application sends (migration 0004, audit.chain).
    chain_seq = models.BigIntegerField(_("chain position"), null=True, blank=True, editable=False)
    row_hash = models.CharField(_("chain hash"), max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        # The id follows insertion order, like occurred_at, and its primary-key index serves "newest first"
        # on a table of millions of rows; BRIN on occurred_at serves time ranges at a tiny size.
        ordering = ["-id"]
        indexes = [
            BrinIndex(fields=["occurred_at"], name="audit_occurred_brin"),
            models.Index(fields=["actor_username", "id"], name="audit_actor_idx"),
            models.Index(fields=["object_type", "object_id", "id"], name="audit_object_idx"),
            models.Index(fields=["action", "id"], name="audit_action_idx"),
            models.Index(fields=["region_id", "id"], name="audit_region_idx"),
            models.Index(fields=["district_id", "id"], name="audit_district_idx"),
            models.Index(fields=["mahalla_id", "id"], name="audit_mahalla_idx"),
        ]
        constraints = [models.UniqueConstraint(fields=["chain_seq"], name="audit_event_chain_seq_unique")]

    def __str__(self) -> str:
        return f"{self.occurred_at_utc} {self.actor_username or '-'} {self.action} {self.object_type}"

    @property
    def actor_role_label(self) -> str:
        """The role in the reader's language. The trail keeps the code it was recorded with; the labels belong to
        the user model's `role` choices (a layer above audit, so asked for through the user model, not imported).
        A role that no longer exists shows its code."""
        if not self.actor_role:
            return ""
        from django.contrib.auth import get_user_model

        try:
            choices = dict(get_user_model()._meta.get_field("role").flatchoices)
        except FieldDoesNotExist:
            return self.actor_role
        return str(choices.get(self.actor_role, self.actor_role))

    @property
    def occurred_at_utc(self) -> str:
        """ISO 8601 in UTC to the millisecond, as shown on the page and in exports."""
        if self.occurred_at is None:
            return ""
        return self.occurred_at.astimezone(UTC).isoformat(timespec="milliseconds")


class FieldChange(models.Model):
    """The old and new value of one field changed by one audited write.

    Object and territory are copied from the event, so "who changed field F of objects of type T in mahalla M"
    needs no join. Readable only by audit readers (`visible_to`); an object's own page shows the history of
    that object after the page has checked that its user may see the object (`audit.selectors.object_history`).
    """

    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="changes",
                              verbose_name=_("audit event"))
    occurred_at = models.DateTimeField(_("occurred at"), db_default=ClockTimestamp(), editable=False)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    region_id = models.BigIntegerField(_("region id"), null=True, blank=True)
    district_id = models.BigIntegerField(_("district id"), null=True, blank=True)
    mahalla_id = models.BigIntegerField(_("mahalla id"), null=True, blank=True)
    field = models.CharField(_("field"), max_length=100)
    # JSON null for "no value" and always for personal fields, whose values live only as hashes.
    old_value = models.JSONField(_("old value"), null=True, blank=True, encoder=DjangoJSONEncoder)
    new_value = models.JSONField(_("new value"), null=True, blank=True, encoder=DjangoJSONEncoder)
    personal = models.BooleanField(_("personal"), default=False)
    old_hash = models.CharField(_("old value hash"), max_length=64, blank=True)
    new_hash = models.CharField(_("new value hash"), max_length=64, blank=True)
    chain_seq = models.BigIntegerField(_("chain position"), null=True, blank=True, editable=False)
    row_hash = models.CharField(_("chain hash"), max_length=64, blank=True, editable=False)

    objects = FieldChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("field change")
        verbose_name_plural = _("field changes")
        ordering = ["-id"]
        indexes = [
            BrinIndex(fields=["occurred_at"], name="audit_change_occurred_brin"),
            models.Index(fields=["object_type", "object_id", "id"], name="audit_change_object_idx"),
            models.Index(fields=["mahalla_id", "field", "id"], name="audit_change_mahalla_idx"),
        ]
        constraints = [models.UniqueConstraint(fields=["chain_seq"], name="audit_change_chain_seq_unique")]

    def __str__(self) -> str:
        return f"{self.object_type} #{self.object_id} {self.field}"
