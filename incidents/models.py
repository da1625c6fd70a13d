"""Field work: incidents and their status history, field visits, and targeted social-support cases.

Times are stored in UTC (USE_TZ) and shown in Asia/Tashkent. Every row hangs off a mahalla, so every read
goes through `visible_to(user)` (see mahallas.scope); writes go through `services`.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db.models import F, Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from mahallas.models import Mahalla

from .querysets import (
    FieldVisitQuerySet,
    IncidentCategoryQuerySet,
    IncidentChangeRequestQuerySet,
    IncidentQuerySet,
    SupportCaseQuerySet,
)


class IncidentCategory(models.Model):
    """A managed taxonomy: top-level offences and their sub-types (cybercrime -> bank-card fraud, ...)."""

    code = models.SlugField(_("code"), max_length=48, unique=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="children", verbose_name=_("parent category"))
    name_uz = models.CharField(_("name (Uzbek)"), max_length=120)
    name_ru = models.CharField(_("name (Russian)"), max_length=120, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    is_cyber = models.BooleanField(_("cybercrime"), default=False)
    is_drug = models.BooleanField(_("drug-related"), default=False)
    # Fraud and cybercrime are the offences where a victim's money loss is recorded.
    is_fraud = models.BooleanField(_("fraud"), default=False)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = IncidentCategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident category")
        verbose_name_plural = _("incident categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        lang = (get_language() or "uz")[:2]
        return {"ru": self.name_ru, "en": self.name_en}.get(lang) or self.name_uz

    @property
    def allows_financial_loss(self) -> bool:
        return self.is_cyber or self.is_fraud


class IncidentLegalKind(models.TextChoices):
    CRIME = "crime", _("crime")
    ADMINISTRATIVE = "administrative", _("administrative offence")


class IncidentSource(models.TextChoices):
    INSPECTOR = "inspector", _("prevention inspector")
    CITIZEN = "citizen", _("citizen report")
    DUTY_UNIT = "duty_unit", _("duty unit")
    CAMERA_ALERT = "camera_alert", _("camera alert")


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("reported")
    UNDER_VERIFICATION = "under_verification", _("under verification")
    REGISTERED = "registered", _("registered")
    UNFOUNDED = "unfounded", _("unfounded")
    REFERRED = "referred", _("referred to another body")
    CLOSED = "closed", _("closed")
    # Taken out of the count by an approved de-registration (see IncidentChangeRequest).
    DEREGISTERED = "deregistered", _("de-registered")


class CaseOutcome(models.TextChoices):
    """How a registered crime's case ended: closing records it, so a clearance rate exists. Closing never takes
    a crime out of the count."""

    SOLVED = "solved", _("solved")
    SENT_TO_COURT = "sent_to_court", _("sent to court")
    SUSPENDED = "suspended", _("suspended (offender not identified)")
    TRANSFERRED = "transferred", _("transferred to another body")


class Incident(models.Model):
    LegalKind = IncidentLegalKind
    Source = IncidentSource
    Status = IncidentStatus
    Outcome = CaseOutcome
    AUDIT_PERSONAL_FIELDS = frozenset({"description"})  # hashed, never in clear, in the audit change store

    mahalla = models.ForeignKey(Mahalla, on_delete=models.PROTECT, related_name="incidents",
                                verbose_name=_("mahalla"))
    location = models.PointField(_("location"), srid=4326, null=True, blank=True, spatial_index=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    reported_at = models.DateTimeField(_("reported at"))
    category = models.ForeignKey(IncidentCategory, on_delete=models.PROTECT, related_name="incidents",
                                 verbose_name=_("category"))
    legal_kind = models.CharField(_("legal kind"), max_length=16, choices=LegalKind.choices,
                                  default=LegalKind.CRIME)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.INSPECTOR)
    minor_involved = models.BooleanField(_("minor involved"), default=False)
    youth_involved = models.BooleanField(_("youth involved"), default=False)
    woman_victim = models.BooleanField(_("woman victim"), default=False)
    financial_loss = models.DecimalField(_("financial loss (UZS)"), max_digits=16, decimal_places=2,
                                         null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REPORTED)
    # When the crime entered the count. Set by registration and kept whatever happens to the case afterwards;
    # cleared only by an approved change request (de-registration, reopening). See IncidentQuerySet.counted.
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    outcome = models.CharField(_("case outcome"), max_length=16, choices=Outcome.choices, blank=True)
    # Bumped by every write: a change request is decided against the version it was made on.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # Lists are "newest first" within a scope: a mahalla (inspector), a set of mahallas (district,
            # region, joined through the mahalla), or everything (national).
            models.Index(F("mahalla"), F("occurred_at").desc(), F("id").desc(), name="incident_mahalla_time"),
            models.Index(F("occurred_at").desc(), F("id").desc(), name="incident_time"),
            models.Index(fields=["status", "mahalla"], name="incident_status"),
            models.Index(fields=["category", "occurred_at"], name="incident_category"),
            GinIndex(fields=["description"], opclasses=["gin_trgm_ops"], name="incident_description_trgm"),
            # The dashboards' sweep reads what changed since its watermark every few minutes.
            models.Index(fields=["updated_at"], name="incident_updated_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=IncidentStatus.values),
                                   name="incident_status_valid"),
            models.CheckConstraint(condition=Q(legal_kind__in=IncidentLegalKind.values),
                                   name="incident_legal_kind_valid"),
            models.CheckConstraint(condition=Q(source__in=IncidentSource.values),
                                   name="incident_source_valid"),
            models.CheckConstraint(condition=Q(financial_loss__isnull=True) | Q(financial_loss__gte=0),
                                   name="incident_financial_loss_not_negative"),
            models.CheckConstraint(condition=Q(reported_at__gte=F("occurred_at")),
                                   name="incident_reported_after_occurred"),
            models.CheckConstraint(condition=Q(outcome="") | Q(outcome__in=CaseOutcome.values),
                                   name="incident_outcome_valid"),
            # A crime in the count has been registered; a de-registered one is out of it.
            models.CheckConstraint(condition=~Q(status="registered") | Q(registered_at__isnull=False),
                                   name="incident_registered_has_time"),
            models.CheckConstraint(condition=~Q(status="deregistered") | Q(registered_at__isnull=True),
                                   name="incident_deregistered_not_counted"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category_id and self.category} ({self.get_status_display()})"


class IncidentTransition(models.Model):
    """Who moved an incident from which status to which, when, and why. Append-only by convention."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="transitions",
                                 verbose_name=_("incident"))
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Incident.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("by"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("incident status change")
        verbose_name_plural = _("incident status changes")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["incident", "at"], name="incident_transition_incident")]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class ChangeKind(models.TextChoices):
    DEREGISTER = "deregister", _("de-registration")
    REOPEN = "reopen", _("reopening to verification")
    EDIT = "edit", _("correction")


class DeregistrationReason(models.TextChoices):
    UNFOUNDED = "unfounded", _("found unfounded after registration")
    DECRIMINALISED = "decriminalised", _("decriminalised")
    DUPLICATE = "duplicate", _("registered twice")
    WRONG_TERRITORY = "wrong_territory", _("recorded in the wrong mahalla")


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


class IncidentChangeRequest(models.Model):
    """A change that would take a registered crime out of a mahalla's or a period's count: it waits for a
    second person (see incidents.changes). The incident counts as before until the request is approved.

    `counted_mahalla` and `counted_occurred_at` say where and when the crime counted when the request was made:
    the count-changes report reads "which crimes left the count of this territory and period" from them."""

    Kind = ChangeKind
    Reason = DeregistrationReason
    Status = ChangeRequestStatus

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="change_requests",
                                 verbose_name=_("incident"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    reason_code = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    reason = models.TextField(_("explanation"))
    # {field: new value} as JSON-safe values (ids for foreign keys, ISO times); `before` the same fields' values.
    changes = models.JSONField(_("requested changes"), default=dict)
    before = models.JSONField(_("values before"), default=dict)
    incident_version = models.PositiveIntegerField(_("incident version"))
    counted_mahalla = models.ForeignKey(Mahalla, on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("counted in mahalla"))
    counted_occurred_at = models.DateTimeField(_("counted as occurred at"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    # The capacity the request was made in decides who approves it, even if the requester's role changes later.
    requester_role = models.CharField(_("requester's role"), max_length=20)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)

    objects = IncidentChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident change request")
        verbose_name_plural = _("incident change requests")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["status", "requested_at"], name="change_request_status"),
            models.Index(fields=["counted_mahalla", "counted_occurred_at"], name="change_request_counted"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["incident"], condition=Q(status="pending"),
                                    name="one_pending_change_request_per_incident"),
            models.CheckConstraint(condition=Q(kind__in=ChangeKind.values), name="change_request_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ChangeRequestStatus.values),
                                   name="change_request_status_valid"),
            models.CheckConstraint(condition=~Q(kind="deregister") | Q(reason_code__in=DeregistrationReason.values),
                                   name="change_request_deregistration_has_reason"),
            models.CheckConstraint(condition=Q(status="pending") | Q(decided_at__isnull=False),
                                   name="change_request_decided_has_time"),
            models.CheckConstraint(condition=~Q(decided_by=F("requested_by")),
                                   name="change_request_not_decided_by_requester"),
        ]

    def __str__(self) -> str:
        return f"#{self.incident_id}: {self.get_kind_display()} ({self.get_status_display()})"


class VisitKind(models.TextChoices):
    HOUSEHOLD = "household", _("household visit")
    CONVERSATION = "conversation", _("preventive conversation")
    SCHOOL = "school", _("school or college")
    ACTIVISTS = "activists", _("meeting with mahalla activists")
    PATROL = "patrol", _("patrol")
    LEGAL_LITERACY = "legal_literacy", _("legal-literacy session (incl. cyber-safety)")
    FOLLOW_UP = "follow_up", _("follow-up")


class VisitTopic(models.TextChoices):
    CYBER_SAFETY = "cyber_safety", _("cyber-safety")
    DRUGS = "drugs", _("drugs")
    DOMESTIC_VIOLENCE = "domestic_violence", _("domestic violence")
    YOUTH_EMPLOYMENT = "youth_employment", _("youth employment")
    LEGAL_LITERACY = "legal_literacy", _("legal literacy")
    OTHER = "other", _("other")


class FieldVisit(models.Model):
    Kind = VisitKind
    Topic = VisitTopic
    AUDIT_PERSONAL_FIELDS = frozenset({"address_or_household", "notes", "outcome"})  # see Incident

    mahalla = models.ForeignKey(Mahalla, on_delete=models.PROTECT, related_name="field_visits",
                                verbose_name=_("mahalla"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="field_visits",
                           verbose_name=_("by"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    visited_at = models.DateTimeField(_("visited at"))
    address_or_household = models.CharField(_("address or household"), max_length=255, blank=True)
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)
    topics = ArrayField(models.CharField(max_length=24, choices=Topic.choices), verbose_name=_("topics"),
                        default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    location = models.PointField(_("location"), srid=4326, null=True, blank=True, spatial_index=False)
    accuracy_m = models.FloatField(_("location accuracy (m)"), null=True, blank=True)
    # The id the phone gave its offline draft: a draft resent after a network drop is stored once.
    client_uuid = models.UUIDField(_("client draft id"), unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = FieldVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("field visit")
        verbose_name_plural = _("field visits")
        ordering = ["-visited_at", "-id"]
        indexes = [
            models.Index(F("mahalla"), F("visited_at").desc(), F("id").desc(), name="visit_mahalla_time"),
            models.Index(F("by"), F("visited_at").desc(), F("id").desc(), name="visit_by_time"),
            models.Index(F("visited_at").desc(), F("id").desc(), name="visit_time"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=VisitKind.values), name="visit_kind_valid"),
            models.CheckConstraint(condition=Q(people_reached__gte=0),
                                   name="visit_people_reached_not_negative"),
            models.CheckConstraint(condition=Q(accuracy_m__isnull=True) | Q(accuracy_m__gte=0),
                                   name="visit_accuracy_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.visited_at:%Y-%m-%d}"


class CaseCategory(models.TextChoices):
    YOUTH_NEET = "youth_neet", _("youth not in education or work")
    CONFLICT_FAMILY = "conflict_family", _("conflict-prone family")
    MINOR_AT_RISK = "minor_at_risk", _("minor at risk")
    FORMER_PRISONER = "former_prisoner", _("person back from prison")
    DOMESTIC_VIOLENCE_VICTIM = "dv_victim", _("victim of domestic violence")


class CaseAction(models.TextChoices):
    EMPLOYMENT = "employment", _("employment")
    EDUCATION = "education", _("education")
    PSYCHOLOGICAL = "psychological", _("psychological help")
    BENEFITS = "benefits", _("benefits")


class CaseStatus(models.TextChoices):
    # A context of their own: Russian agrees the word with its noun ("случай ... открыт", but "происшествие закрыто").
    OPEN = "open", pgettext_lazy("support case", "open")
    IN_PROGRESS = "in_progress", _("in progress")
    CLOSED = "closed", pgettext_lazy("support case", "closed")


class SupportCase(models.Model):
    """Targeted social support for a person or household at risk. Holds personal data: narrower visibility
    than the territory (see `SupportCaseQuerySet.visible_to`) and every read is audited."""

    Category = CaseCategory
    Action = CaseAction
    Status = CaseStatus
    AUDIT_PERSONAL_FIELDS = frozenset({"subject_name", "subject_address", "needs", "notes"})  # see Incident

    mahalla = models.ForeignKey(Mahalla, on_delete=models.PROTECT, related_name="support_cases",
                                verbose_name=_("mahalla"))
    subject_name = models.CharField(_("person or household"), max_length=200)
    subject_age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    subject_address = models.CharField(_("address"), max_length=255, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    needs = models.TextField(_("needs"), blank=True)
    actions = ArrayField(models.CharField(max_length=16, choices=Action.choices), verbose_name=_("actions"),
                         default=list, blank=True)
    social_worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      related_name="support_cases", verbose_name=_("social worker"))
    next_review_on = models.DateField(_("next review on"))
    last_reviewed_at = models.DateTimeField(_("last reviewed at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = SupportCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("support case")
        verbose_name_plural = _("support cases")
        ordering = ["next_review_on", "id"]
        indexes = [
            models.Index(fields=["mahalla", "status", "next_review_on"], name="case_mahalla_status"),
            models.Index(fields=["social_worker", "status", "next_review_on"], name="case_worker_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="case_status_valid"),
            models.CheckConstraint(condition=Q(category__in=CaseCategory.values), name="case_category_valid"),
            models.CheckConstraint(condition=Q(subject_age__isnull=True) | Q(subject_age__lte=130),
                                   name="case_subject_age_plausible"),
            models.CheckConstraint(condition=~Q(status="closed") | Q(closed_at__isnull=False),
                                   name="case_closed_has_closed_at"),
        ]

    def __str__(self) -> str:
        # Never the subject's name: this text lands in audit records and logs.
        return _("Support case #%(id)s") % {"id": self.pk}


class SupportCaseReview(models.Model):
    """One periodic review of a case: who looked at it, what they noted, when the next one is due."""

    case = models.ForeignKey(SupportCase, on_delete=models.CASCADE, related_name="reviews",
                             verbose_name=_("support case"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("by"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=SupportCase.Status.choices)
    next_review_on = models.DateField(_("next review on"), null=True, blank=True)

    class Meta:
        verbose_name = _("support case review")
        verbose_name_plural = _("support case reviews")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "at"], name="case_review_case")]

    def __str__(self) -> str:
        return f"{self.case_id} @ {self.at:%Y-%m-%d}"
