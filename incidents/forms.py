"""HTML forms of field work. They parse and type-check; the rules live in `services` and `assignments`, whose
`FieldWorkError(field, message)` lands next to the named field (`add_service_error`)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import can
from accounts.models import FIELD_ROLES, Assignment, Role
from mahallas.models import District, Mahalla, Region
from mahallas.scope import ScopeLevel, scope_of

from .errors import FieldWorkError
from .models import FieldVisit, Incident, IncidentCategory, IncidentChangeRequest, SupportCase

User = get_user_model()

# An error about the point (`location`) is shown on the latitude input, which opens the location block.
FIELD_ALIASES = {"location": "latitude"}
# Above this many mahallas a <select> is no help: the lists offer districts (and regions) instead.
MAHALLA_SELECT_LIMIT = 400


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect
                      | forms.HiddenInput):
            continue
        css = "input select" if isinstance(widget, forms.Select) else "input"
        widget.attrs.setdefault("class", css)


class ServiceForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def add_service_error(self, exc: FieldWorkError) -> None:
        field = FIELD_ALIASES.get(exc.field, exc.field)
        self.add_error(field if field in self.fields else None, str(exc.message))


# --- choices ------------------------------------------------------------------------------------------

def category_choices(*, blank: str | None = None, with_inactive_id: int | None = None) -> list:
    """Top-level categories, and each parent with its sub-types as an <optgroup>."""
    rows = list(IncidentCategory.objects.filter(Q(active=True) | Q(pk=with_inactive_id or 0))
                .select_related("parent"))
    children: dict[int, list] = {}
    for c in rows:
        if c.parent_id:
            children.setdefault(c.parent_id, []).append(c)
    choices: list = [("", blank)] if blank is not None else []
    for c in rows:
        if c.parent_id:
            continue
        kids = children.get(c.pk)
        if kids:
            choices.append((c.name, [(c.pk, _("%(name)s (type not known)") % {"name": c.name}),
                                     *[(k.pk, k.name) for k in kids]]))
        else:
            choices.append((c.pk, c.name))
    return choices


def _mahalla_label(m: Mahalla, with_district: bool) -> str:
    return f"{m.name} — {m.district.name}" if with_district else m.name


def _spans_districts(user) -> bool:
    """Mahalla names repeat across districts: a list spanning several districts names each one's district."""
    return scope_of(user).level in (ScopeLevel.REGION, ScopeLevel.NATIONAL)


def source_choices(user, *, current: str | None = None) -> list[tuple[str, str]]:
    """Sources a person may type in. "Camera alert" takes an alert behind it (incidents.report_from_camera,
    asked here without one), so only an incident made from an alert carries it, and keeps it when edited."""
    camera = Incident.Source.CAMERA_ALERT
    return [(value, label) for value, label in Incident.Source.choices
            if value != camera or value == current or can(user, "incidents.report_from_camera")]


def mahalla_choices(qs, *, with_district: bool) -> list[tuple[int, str]]:
    qs = qs.defer("boundary")
    if with_district:
        qs = qs.select_related("district").defer("district__boundary").order_by("district__name_uz", "name_uz")
    else:
        qs = qs.order_by("name_uz")
    return [(m.pk, _mahalla_label(m, with_district)) for m in qs]


def writable_mahallas(user):
    """Mahallas where this user may record incidents: their assignments, or the territory they supervise."""
    # The territory a recorder sees is exactly where they record (incidents.record_incident per mahalla).
    return Mahalla.objects.visible_to(user) if can(user, "incidents.record_incident") else Mahalla.objects.none()


class MahallaField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(coerce=int, **kwargs)


# --- list filters -------------------------------------------------------------------------------------
# Only for rendering and for naming bad input: the filtering itself is the API's FilterSet (filters.py), so
# a page and its CSV/XLSX export always agree.

def _territory_filter_fields(form: forms.Form, user) -> None:
    level = user.scope.level if getattr(user, "is_authenticated", False) else "none"
    if level == "national":
        form.fields["region"].choices = [("", _("All regions")), *[
            (r.pk, r.name) for r in Region.objects.defer("boundary").order_by("name_uz")]]
    else:
        del form.fields["region"]
    if level in ("national", "region"):
        form.fields["district"].choices = [("", _("All districts")), *[
            (d.pk, d.name) for d in District.objects.visible_to(user).defer("boundary").order_by("name_uz")]]
    else:
        del form.fields["district"]
    mahallas = Mahalla.objects.visible_to(user)
    district = form.data.get("district") if form.is_bound else None
    if district and str(district).isdigit():
        mahallas = mahallas.filter(district_id=int(district))
    ids = list(mahallas.values_list("pk", flat=True)[:MAHALLA_SELECT_LIMIT + 1])
    if 1 < len(ids) <= MAHALLA_SELECT_LIMIT:
        form.fields["mahalla"].choices = [("", _("All mahallas")), *mahalla_choices(
            Mahalla.objects.filter(pk__in=ids), with_district=False)]
    else:
        del form.fields["mahalla"]


class IncidentFilterForm(ServiceForm):
    search = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = forms.ChoiceField(label=_("Region"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    mahalla = forms.ChoiceField(label=_("Mahalla"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *Incident.Status.choices])
    occurred_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    occurred_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    minor_involved = forms.BooleanField(label=_("Minor involved"), required=False)
    youth_involved = forms.BooleanField(label=_("Youth involved"), required=False)
    woman_victim = forms.BooleanField(label=_("Woman victim"), required=False)
    decision_overdue = forms.BooleanField(label=_("Waiting for a decision too long"), required=False)

    def __init__(self, data, *, user):
        super().__init__(data)
        _territory_filter_fields(self, user)
        self.fields["category"].choices = category_choices(blank=_("All categories"))
        for name in ("minor_involved", "youth_involved", "woman_victim", "decision_overdue"):
            self.fields[name].widget.attrs["value"] = "true"

    def clean(self):
        data = super().clean()
        start, end = data.get("occurred_from"), data.get("occurred_to")
        if start and end and end < start:
            self.add_error("occurred_to", _("The end date is before the start date."))
        return data


class VisitFilterForm(ServiceForm):
    search = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = forms.ChoiceField(label=_("Region"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    mahalla = forms.ChoiceField(label=_("Mahalla"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("Any kind")), *FieldVisit.Kind.choices])
    topic = forms.ChoiceField(label=_("Topic"), required=False,
                              choices=[("", _("Any topic")), *FieldVisit.Topic.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, data, *, user):
        super().__init__(data)
        _territory_filter_fields(self, user)
        # The region filter of the visits API is by district and mahalla only.
        self.fields.pop("region", None)


class CaseFilterForm(ServiceForm):
    search = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = forms.ChoiceField(label=_("Region"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    mahalla = forms.ChoiceField(label=_("Mahalla"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("Any category")), *SupportCase.Category.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *SupportCase.Status.choices])
    overdue = forms.BooleanField(label=_("Review overdue"), required=False)

    def __init__(self, data, *, user):
        super().__init__(data)
        _territory_filter_fields(self, user)
        self.fields.pop("region", None)
        self.fields["overdue"].widget.attrs["value"] = "true"


# --- incidents ----------------------------------------------------------------------------------------

class LocationFields(forms.Form):
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90,
                                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180,
                                 widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None) and not self.has_error("latitude") and not self.has_error("longitude"):
            self.add_error("latitude", _("Give both latitude and longitude, or neither."))
        return data

    def location(self):
        lat, lon = self.cleaned_data.get("latitude"), self.cleaned_data.get("longitude")
        return None if lat is None or lon is None else (lon, lat)


class IncidentForm(ServiceForm, LocationFields):
    mahalla = MahallaField(label=_("Mahalla"))
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    occurred_at = forms.DateTimeField(label=_("Occurred at (Tashkent time)"), widget=DateTimeInput(),
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    reported_at = forms.DateTimeField(label=_("Reported at (Tashkent time)"), widget=DateTimeInput(),
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"], required=False,
                                      help_text=_("Leave empty for now."))
    legal_kind = forms.ChoiceField(label=_("Legal kind"), choices=Incident.LegalKind.choices)
    source = forms.ChoiceField(label=_("Source"), choices=Incident.Source.choices)
    minor_involved = forms.BooleanField(label=_("A minor is involved"), required=False)
    youth_involved = forms.BooleanField(label=_("Youth is involved"), required=False)
    woman_victim = forms.BooleanField(label=_("The victim is a woman"), required=False)
    financial_loss = forms.DecimalField(label=_("Financial loss (UZS)"), required=False, min_value=0,
                                        max_digits=16, decimal_places=2,
                                        help_text=_("Only for fraud and cybercrime."),
                                        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}))
    description = forms.CharField(label=_("Description"), required=False, max_length=20000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    change_reason = forms.CharField(
        label=_("Why this correction"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when a change takes a registered crime out of its mahalla's, month's or category's "
                    "count: that part waits for the registrar's approval."))

    field_order = ["mahalla", "category", "occurred_at", "reported_at", "legal_kind", "source",
                   "minor_involved", "youth_involved", "woman_victim", "financial_loss", "description",
                   "latitude", "longitude", "change_reason"]

    def __init__(self, *args, user, instance: Incident | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = incident_initial(instance)
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)
        mahallas = writable_mahallas(user)
        if instance is not None:
            mahallas = mahallas | Mahalla.objects.filter(pk=instance.mahalla_id)
        with_district = _spans_districts(user)
        self.fields["mahalla"].choices = mahalla_choices(mahallas.distinct(), with_district=with_district)
        if len(self.fields["mahalla"].choices) > 1:
            self.fields["mahalla"].choices = [("", "—"), *self.fields["mahalla"].choices]
        self.fields["category"].choices = [("", "—"), *category_choices(
            with_inactive_id=instance.category_id if instance else None)]
        self.fields["source"].choices = source_choices(user, current=instance.source if instance else None)
        if instance is None:
            self.fields["occurred_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        if instance is None or instance.registered_at is None:
            del self.fields["change_reason"]

    def clean_category(self):
        pk = self.cleaned_data["category"]
        category = IncidentCategory.objects.filter(pk=pk).first()
        if category is None:
            raise forms.ValidationError(_("Choose a category."))
        return category

    def clean_mahalla(self):
        return Mahalla.objects.defer("boundary").get(pk=self.cleaned_data["mahalla"])

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {name: data[name] for name in (
            "mahalla", "category", "occurred_at", "legal_kind", "source", "minor_involved", "youth_involved",
            "woman_victim", "financial_loss", "description")}
        kwargs["location"] = self.location()
        return kwargs


def incident_initial(incident: Incident) -> dict:
    initial = {name: getattr(incident, name) for name in (
        "occurred_at", "reported_at", "legal_kind", "source", "minor_involved", "youth_involved", "woman_victim",
        "financial_loss", "description")}
    initial["occurred_at"] = timezone.localtime(incident.occurred_at)
    initial["reported_at"] = timezone.localtime(incident.reported_at)
    initial.update(mahalla=incident.mahalla_id, category=incident.category_id)
    if incident.location is not None:
        initial.update(latitude=incident.location.y, longitude=incident.location.x)
    return initial


class TransitionForm(ServiceForm):
    to_status = forms.ChoiceField(choices=Incident.Status.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.ChoiceField(label=_("How the case ended"), required=False,
                                choices=[("", "—"), *Incident.Outcome.choices])


class ChangeRequestForm(ServiceForm):
    """Ask for a de-registration or a reopening of a counted crime (kind hidden: one form per action)."""

    kind = forms.ChoiceField(choices=[(k, k) for k in ("deregister", "reopen")], widget=forms.HiddenInput)
    reason_code = forms.ChoiceField(label=_("Why it leaves the count"), required=False,
                                    choices=[("", "—"), *IncidentChangeRequest.Reason.choices])
    reason = forms.CharField(label=_("Explanation"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ChangeRequestDecisionForm(ServiceForm):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")], widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


# --- field visits -------------------------------------------------------------------------------------

class VisitForm(ServiceForm, LocationFields):
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    mahalla = MahallaField(label=_("Mahalla"), widget=forms.RadioSelect)
    kind = forms.ChoiceField(label=_("Kind of visit"), choices=FieldVisit.Kind.choices, widget=forms.RadioSelect)
    visited_at = forms.DateTimeField(label=_("When"), widget=DateTimeInput(),
                                     input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    people_reached = forms.IntegerField(label=_("People reached"), min_value=0, max_value=100000, initial=1,
                                        widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=FieldVisit.Topic.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    address_or_household = forms.CharField(label=_("Address or household"), max_length=255, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=20000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.CharField(label=_("Outcome"), required=False, max_length=20000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    follow_up_on = forms.DateField(label=_("Follow up on"), required=False, widget=DateInput())
    accuracy_m = forms.FloatField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, mahallas: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mahalla"].choices = mahallas
        if len(mahallas) == 1:
            self.fields["mahalla"].widget = forms.HiddenInput()
            self.fields["mahalla"].initial = mahallas[0][0]
        for name in ("latitude", "longitude"):
            self.fields[name].widget = forms.HiddenInput()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {name: data[name] for name in (
            "client_uuid", "kind", "visited_at", "address_or_household", "people_reached", "topics", "notes",
            "outcome", "follow_up_on")}
        kwargs["mahalla"] = Mahalla.objects.defer("boundary").get(pk=data["mahalla"])
        kwargs["location"] = self.location()
        kwargs["accuracy_m"] = data.get("accuracy_m") if kwargs["location"] else None
        return kwargs


# --- support cases ------------------------------------------------------------------------------------

def social_worker_choices(user, mahalla_ids=None) -> list[tuple[int, str]]:
    """Social workers assigned now to a mahalla of the supervisor's territory."""
    active = Assignment.objects.active().filter(role=Role.SOCIAL_WORKER).filter(
        mahalla__in=Mahalla.objects.visible_to(user))
    if mahalla_ids is not None:
        active = active.filter(mahalla_id__in=mahalla_ids)
    users = User.objects.filter(pk__in=active.values("user_id"), is_active=True).order_by(
        "last_name", "first_name", "username")
    return [(u.pk, u.get_full_name() or u.get_username()) for u in users]


class CaseForm(ServiceForm):
    mahalla = MahallaField(label=_("Mahalla"))
    subject_name = forms.CharField(label=_("Person or household"), max_length=200)
    subject_age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=130)
    subject_address = forms.CharField(label=_("Address"), max_length=255, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=SupportCase.Category.choices)
    needs = forms.CharField(label=_("Needs"), required=False, max_length=20000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    actions = forms.MultipleChoiceField(label=_("Actions"), choices=SupportCase.Action.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple)
    social_worker = forms.TypedChoiceField(label=_("Social worker"), coerce=int, required=False)
    next_review_on = forms.DateField(label=_("Next review on"), widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=SupportCase.Status.choices)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=20000,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, instance: SupportCase | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(instance, name) for name in (
                "subject_name", "subject_age", "subject_address", "category", "needs", "actions",
                "next_review_on", "status", "notes")}
            kwargs["initial"]["social_worker"] = instance.social_worker_id
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.is_supervisor = can(user, "incidents.supervise_cases")
        if instance is None:
            del self.fields["status"]
            qs = Mahalla.objects.visible_to(user) if can(user, "incidents.open_case") else Mahalla.objects.none()
            choices = mahalla_choices(qs, with_district=_spans_districts(user))
            self.fields["mahalla"].choices = choices if len(choices) == 1 else [("", "—"), *choices]
        else:
            del self.fields["mahalla"]
        if self.is_supervisor:
            ids = [instance.mahalla_id] if instance is not None else None
            self.fields["social_worker"].choices = [("", "—"), *social_worker_choices(user, ids)]
            self.fields["social_worker"].required = True
        else:
            del self.fields["social_worker"]

    def clean_social_worker(self):
        pk = self.cleaned_data.get("social_worker")
        return User.objects.filter(pk=pk).first() if pk else None

    def clean_mahalla(self):
        return Mahalla.objects.defer("boundary").get(pk=self.cleaned_data["mahalla"])

    def service_kwargs(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items()}


class CaseReviewForm(ServiceForm):
    note = forms.CharField(label=_("What happened since the last review"), required=False, max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label=_("Status"), choices=SupportCase.Status.choices)
    next_review_on = forms.DateField(label=_("Next review on"), required=False, widget=DateInput(),
                                     help_text=_("Required unless the case is closed."))


# --- assignments --------------------------------------------------------------------------------------

def field_staff_for(manager):
    """Inspectors and social workers a supervisor may assign (incidents.assign_person): their own staff, the
    active field workers they may see (of their district or region, or working in it)."""
    return (User.objects.visible_to(manager).filter(role__in=[r.value for r in FIELD_ROLES], is_active=True)
            .order_by("role", "last_name", "first_name", "username"))


class AssignmentForm(ServiceForm):
    user = forms.TypedChoiceField(label=_("Person"), coerce=int)
    mahalla = MahallaField(label=_("Mahalla"))
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until (optional)"), required=False, widget=DateInput())
    is_primary = forms.BooleanField(label=_("Primary for this mahalla"), required=False, initial=True)

    def __init__(self, *args, manager, mahallas_qs, **kwargs):
        super().__init__(*args, **kwargs)
        people = list(field_staff_for(manager))
        self.people = {u.pk: u for u in people}
        self.fields["user"].choices = [("", "—"), *[
            (u.pk, f"{u.get_full_name() or u.get_username()} — {u.get_role_display()}") for u in people]]
        self.fields["mahalla"].choices = [("", "—"), *mahalla_choices(mahallas_qs, with_district=False)]
        self.fields["starts_on"].initial = timezone.localdate()

    def clean_user(self):
        user = self.people.get(self.cleaned_data["user"])
        if user is None:
            raise forms.ValidationError(_("Choose an inspector or social worker."))
        return user

    def clean_mahalla(self):
        return Mahalla.objects.defer("boundary").get(pk=self.cleaned_data["mahalla"])

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"user": data["user"], "mahalla": data["mahalla"], "role": data["user"].role,
                "starts_on": data["starts_on"], "ends_on": data["ends_on"], "is_primary": data["is_primary"]}


class AssignmentEndForm(ServiceForm):
    ends_on = forms.DateField(label=_("Last day"), required=False, widget=DateInput(),
                              help_text=_("Empty means today."))
