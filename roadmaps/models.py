"""Prevention roadmaps: a plan of measures for one territory (region, district or mahalla) and one year.

A roadmap goes draft -> submitted -> approved (or back to returned with comments). An approved roadmap's *plan*
(which measures, what they say, who does them by when, KPI targets) is frozen: it changes only through a new
revision that copies the items, goes through the same workflow and, once approved, supersedes its parent. What
happens while the plan is carried out (item status and progress, KPI updates, evidence, reviews) is recorded
against the roadmap in force; that is the point of having one.

Reads start from `visible_to(user)` (querysets.py); writes go through services.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from mahallas.models import District, Mahalla, Region

from .querysets import EvidenceQuerySet, KpiQuerySet, RoadmapItemQuerySet, RoadmapQuerySet


class FocusArea(models.TextChoices):
    DIGITAL_MONITORING = "digital_monitoring", _("Digital monitoring")
    OUTREACH = "outreach", _("Educational outreach and legal literacy")
    SOCIAL_SERVICES = "social_services", _("Social services")
    LAW_ENFORCEMENT = "law_enforcement", _("Law-enforcement staffing")
    CYBERSECURITY = "cybersecurity", _("Cybersecurity")


class RoadmapStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")
    # An approved roadmap whose newer revision was approved: kept as history, no longer in force.
    SUPERSEDED = "superseded", _("superseded")


EDITABLE_STATUSES = (RoadmapStatus.DRAFT, RoadmapStatus.RETURNED)


class ReviewFrequency(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    HALF_YEARLY = "half_yearly", _("half-yearly")


class Roadmap(models.Model):
    Status = RoadmapStatus

    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="roadmaps",
                               verbose_name=_("region"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="roadmaps", verbose_name=_("district"))
    mahalla = models.ForeignKey(Mahalla, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="roadmaps", verbose_name=_("mahalla"))
    year = models.PositiveSmallIntegerField(_("year"))
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    parent = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="next_revision", verbose_name=_("previous revision"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(_("title"), max_length=200, blank=True)
    # Red mahallas are assigned by name to a senior official who reviews them on a fixed rhythm.
    senior_official_name = models.CharField(_("senior official"), max_length=200, blank=True)
    senior_official_post = models.CharField(_("post of the senior official"), max_length=200, blank=True)
    review_frequency = models.CharField(_("review frequency"), max_length=16, choices=ReviewFrequency.choices,
                                        blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    return_comment = models.TextField(_("comments on return"), blank=True)

    objects = RoadmapQuerySet.as_manager()

    class Meta:
        verbose_name = _("roadmap")
        verbose_name_plural = _("roadmaps")
        ordering = ["-year", "id"]
        indexes = [
            models.Index(fields=["mahalla", "year"], name="roadmap_mahalla_year"),
            models.Index(fields=["district", "year"], name="roadmap_district_year"),
            models.Index(fields=["region", "year"], name="roadmap_region_year"),
            models.Index(fields=["status", "year"], name="roadmap_status_year"),
        ]
        constraints = [
            # Exactly one territory: a region's, a district's or a mahalla's roadmap.
            models.CheckConstraint(
                condition=(Q(region__isnull=False, district__isnull=True, mahalla__isnull=True)
                           | Q(region__isnull=True, district__isnull=False, mahalla__isnull=True)
                           | Q(region__isnull=True, district__isnull=True, mahalla__isnull=False)),
                name="roadmap_exactly_one_territory"),
            models.CheckConstraint(condition=Q(status__in=RoadmapStatus.values), name="roadmap_status_valid"),
            models.CheckConstraint(condition=Q(year__gte=2000) & Q(year__lte=2100), name="roadmap_year_plausible"),
            models.CheckConstraint(condition=Q(revision__gte=1), name="roadmap_revision_positive"),
            models.CheckConstraint(condition=Q(review_frequency="") | Q(review_frequency__in=ReviewFrequency.values),
                                   name="roadmap_review_frequency_valid"),
            models.UniqueConstraint(fields=["region", "year", "revision"], condition=Q(region__isnull=False),
                                    name="roadmap_unique_region_year_revision"),
            models.UniqueConstraint(fields=["district", "year", "revision"], condition=Q(district__isnull=False),
                                    name="roadmap_unique_district_year_revision"),
            models.UniqueConstraint(fields=["mahalla", "year", "revision"], condition=Q(mahalla__isnull=False),
                                    name="roadmap_unique_mahalla_year_revision"),
        ]

    def __str__(self) -> str:
        return _("Roadmap %(year)s: %(territory)s (rev. %(revision)s)") % {
            "year": self.year, "territory": self.territory, "revision": self.revision}

    @property
    def territory(self):
        return self.mahalla or self.district or self.region

    @property
    def level(self) -> str:
        if self.mahalla_id:
            return "mahalla"
        if self.district_id:
            return "district"
        return "region"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def has_senior_official(self) -> bool:
        return bool(self.senior_official_name)


class RoadmapEvent(models.Model):
    """The workflow history of a roadmap: created, submitted, approved, returned, revised, superseded."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned with comments")
        REVISED = "revised", _("new revision started")
        SUPERSEDED = "superseded", _("superseded by a new revision")
        IMPORTED = "imported", _("items imported")
        UPDATED = "updated", _("details changed")

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="events",
                                verbose_name=_("roadmap"))
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("by"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("roadmap event")
        verbose_name_plural = _("roadmap events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["roadmap", "at"], name="roadmap_event_roadmap")]

    def __str__(self) -> str:
        return f"{self.roadmap_id} {self.action}"


class RoadmapReview(models.Model):
    """A review of a red mahalla's roadmap held by the senior official it is assigned to."""

    # Minutes may name the people the measures are about: the audit change store keeps only their hashes.
    AUDIT_PERSONAL_FIELDS = frozenset({"notes", "decisions"})

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="reviews",
                                verbose_name=_("roadmap"))
    held_on = models.DateField(_("date held"))
    held_by = models.CharField(_("held by"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("roadmap review")
        verbose_name_plural = _("roadmap reviews")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.roadmap_id} @ {self.held_on}"


class ItemStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


CLOSED_ITEM_STATUSES = (ItemStatus.DONE, ItemStatus.CANCELLED)


class RoadmapItem(models.Model):
    """One measure. "Overdue" is derived (deadline passed and neither done nor cancelled), never stored:
    see RoadmapItemQuerySet.with_overdue()."""

    FocusArea = FocusArea
    Status = ItemStatus

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="items", verbose_name=_("roadmap"))
    position = models.PositiveIntegerField(_("position"), default=0)
    focus_area = models.CharField(_("focus area"), max_length=24, choices=FocusArea.choices)
    title = models.CharField(_("measure"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    responsible_organisation = models.CharField(_("responsible organisation"), max_length=200, blank=True)
    responsible_person = models.CharField(_("responsible person"), max_length=200, blank=True)
    start_on = models.DateField(_("start"), null=True, blank=True)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    # The item of the previous revision this one was copied from: progress reported on the roadmap in force
    # while a revision is being prepared reaches the copy too.
    origin = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies",
                               verbose_name=_("copied from"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RoadmapItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("roadmap item")
        verbose_name_plural = _("roadmap items")
        ordering = ["roadmap", "position", "id"]
        indexes = [
            models.Index(fields=["roadmap", "position"], name="roadmap_item_position"),
            models.Index(fields=["deadline", "status"], name="roadmap_item_deadline"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0) & Q(progress__lte=100),
                                   name="roadmap_item_progress_0_100"),
            models.CheckConstraint(condition=Q(focus_area__in=FocusArea.values), name="roadmap_item_focus_valid"),
            models.CheckConstraint(condition=Q(status__in=ItemStatus.values), name="roadmap_item_status_valid"),
            models.CheckConstraint(condition=Q(start_on__isnull=True) | Q(deadline__gte=F("start_on")),
                                   name="roadmap_item_deadline_after_start"),
        ]

    def __str__(self) -> str:
        return self.title


class KpiDirection(models.TextChoices):
    INCREASE = "increase", _("higher is better")
    DECREASE = "decrease", _("lower is better")


class Kpi(models.Model):
    Direction = KpiDirection

    item = models.ForeignKey(RoadmapItem, on_delete=models.CASCADE, related_name="kpis", verbose_name=_("item"))
    indicator = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    actual = models.DecimalField(_("actual"), max_digits=14, decimal_places=2, null=True, blank=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices,
                                 default=Direction.INCREASE)
    origin = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies")

    objects = KpiQuerySet.as_manager()

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["item", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(direction__in=KpiDirection.values), name="kpi_direction_valid"),
        ]

    def __str__(self) -> str:
        return self.indicator

    @property
    def is_behind(self) -> bool:
        if self.actual is None:
            return False
        if self.direction == KpiDirection.DECREASE:
            return self.actual > self.target
        return self.actual < self.target


class KpiUpdate(models.Model):
    """A dated value of a KPI; the latest by date is the KPI's actual."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="updates", verbose_name=_("KPI"))
    on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("KPI update")
        verbose_name_plural = _("KPI updates")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.kpi_id} {self.on}: {self.value}"


class EvidenceKind(models.TextChoices):
    FILE = "file", _("file")
    FIELD_VISIT = "field_visit", _("field visit")
    INCIDENT = "incident", _("incident")


def evidence_upload_to(instance, filename: str) -> str:
    # The stored name is ours, never the uploader's: no path tricks, no personal data in file names.
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"roadmaps/evidence/{uuid.uuid4().hex}.{ext}"


class Evidence(models.Model):
    """Proof that a measure was carried out: an uploaded file (served only through an access-checked view), or a
    link to a field visit or an incident, stored as (kind, id) and resolved through incidents' visible_to."""

    Kind = EvidenceKind

    item = models.ForeignKey(RoadmapItem, on_delete=models.CASCADE, related_name="evidence",
                             verbose_name=_("item"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=evidence_upload_to, blank=True, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    linked_id = models.PositiveBigIntegerField(_("linked record"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EvidenceKind.values), name="evidence_kind_valid"),
            models.CheckConstraint(
                condition=(Q(kind="file") & ~Q(file="") & Q(linked_id__isnull=True))
                | (~Q(kind="file") & Q(file="") & Q(linked_id__isnull=False)),
                name="evidence_file_or_link"),
        ]

    def __str__(self) -> str:
        return self.original_name or f"{self.get_kind_display()} #{self.linked_id}"


class RoadmapTemplate(models.Model):
    """A region's standard measures; a district roadmap can start from it."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="roadmap_templates",
                               verbose_name=_("region"))
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("roadmap template")
        verbose_name_plural = _("roadmap templates")
        ordering = ["region", "name"]

    def __str__(self) -> str:
        return self.name


class RoadmapTemplateItem(models.Model):
    template = models.ForeignKey(RoadmapTemplate, on_delete=models.CASCADE, related_name="items",
                                 verbose_name=_("template"))
    position = models.PositiveIntegerField(_("position"), default=0)
    focus_area = models.CharField(_("focus area"), max_length=24, choices=FocusArea.choices)
    title = models.CharField(_("measure"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    responsible_organisation = models.CharField(_("responsible organisation"), max_length=200, blank=True)
    # The deadline of a copied item: this many days after the start of the roadmap's year.
    deadline_days = models.PositiveSmallIntegerField(_("deadline (days into the year)"), default=180)

    class Meta:
        verbose_name = _("template item")
        verbose_name_plural = _("template items")
        ordering = ["template", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(focus_area__in=FocusArea.values), name="template_item_focus_valid"),
            models.CheckConstraint(condition=Q(deadline_days__lte=365), name="template_item_deadline_in_year"),
        ]

    def __str__(self) -> str:
        return self.title


class ItemChange(models.Model):
    """Every change of an item: who, when, and field by field what it was and what it became."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("changed")
        DELETED = "deleted", _("deleted")
        MOVED = "moved", _("moved")

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="item_changes",
                                verbose_name=_("roadmap"))
    # SET_NULL: the history of a deleted item stays on its roadmap.
    item = models.ForeignKey(RoadmapItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes",
                             verbose_name=_("item"))
    item_title = models.CharField(_("measure"), max_length=300)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("by"))
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("item change")
        verbose_name_plural = _("item changes")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["item", "at"], name="item_change_item"),
            models.Index(fields=["roadmap", "at"], name="item_change_roadmap"),
        ]

    def __str__(self) -> str:
        return f"{self.item_title}: {self.action}"
