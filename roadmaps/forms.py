"""HTML forms: they parse and render; the rules live in services (`form.add_domain_error(exc)` puts a
RoadmapError on the field it names)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.bounds import MAX_ID
from core.dates import today
from core.forms import DomainErrorFormMixin

from .models import FocusArea, ItemStatus, KpiDirection, ReviewFrequency


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _years():
    this = today().year
    return [(y, y) for y in range(this - 1, this + 3)]


class ItemForm(DomainErrorFormMixin, forms.Form):
    focus_area = forms.ChoiceField(label=_("Focus area"), choices=FocusArea.choices)
    title = forms.CharField(label=_("Measure"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    responsible_organisation = forms.CharField(label=_("Responsible organisation"), max_length=200,
                                               required=False)
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=200, required=False)
    start_on = forms.DateField(label=_("Start"), required=False, widget=DateInput())
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=ItemStatus.choices, initial=ItemStatus.PLANNED)
    progress = forms.IntegerField(label=_("Progress, %"), min_value=0, max_value=100, initial=0)

    EXECUTION_FIELDS = ("status", "progress")

    def __init__(self, *args, plan_editable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan_editable = plan_editable
        if not plan_editable:
            for name in list(self.fields):
                if name not in self.EXECUTION_FIELDS:
                    del self.fields[name]
        for field in self.fields.values():
            css = "input"
            if isinstance(field.widget, forms.Select):
                css = "input select"
            field.widget.attrs.setdefault("class", css)


class ItemBulkForm(ItemForm):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=_years)
    mahallas = forms.ModelMultipleChoiceField(label=_("Mahallas"), queryset=None,
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, mahallas_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mahallas"].queryset = mahallas_qs
        self.fields["year"].initial = today().year
        self.fields["year"].widget.attrs["class"] = "input select"
        del self.fields["status"]
        del self.fields["progress"]


class RoadmapCreateForm(DomainErrorFormMixin, forms.Form):
    territory = forms.ChoiceField(label=_("Territory"))
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=_years)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)

    def __init__(self, *args, territories, **kwargs):
        super().__init__(*args, **kwargs)
        self.territories = {key: t for key, t, _label in territories}
        self.fields["territory"].choices = [(key, label) for key, _t, label in territories]
        self.fields["year"].initial = today().year
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "input select" if isinstance(field.widget, forms.Select)
                                          else "input")

    def clean_territory(self):
        return self.territories[self.cleaned_data["territory"]]


class FromTemplateForm(DomainErrorFormMixin, forms.Form):
    template = forms.ModelChoiceField(label=_("Regional template"), queryset=None)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=_years)

    def __init__(self, *args, templates_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates_qs
        self.fields["year"].initial = today().year
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "input select")


class RoadmapSettingsForm(DomainErrorFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    senior_official_name = forms.CharField(label=_("Senior official"), max_length=200, required=False,
                                           help_text=_("For a red mahalla: the senior official it is assigned to."))
    senior_official_post = forms.CharField(label=_("Post"), max_length=200, required=False)
    review_frequency = forms.ChoiceField(label=_("Review frequency"), required=False,
                                         choices=[("", "—"), *ReviewFrequency.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "input select" if isinstance(field.widget, forms.Select)
                                          else "input")


class ReturnForm(DomainErrorFormMixin, forms.Form):
    comment = forms.CharField(label=_("Comments for the author"), widget=forms.Textarea(attrs={"rows": 3,
                                                                                              "class": "input"}))


class ReviewForm(DomainErrorFormMixin, forms.Form):
    held_on = forms.DateField(label=_("Date held"), widget=DateInput(attrs={"class": "input"}))
    held_by = forms.CharField(label=_("Held by"), max_length=200, required=False,
                              widget=forms.TextInput(attrs={"class": "input"}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2,
                                                                                         "class": "input"}))
    decisions = forms.CharField(label=_("Decisions"), required=False,
                                widget=forms.Textarea(attrs={"rows": 2, "class": "input"}))


class KpiForm(DomainErrorFormMixin, forms.Form):
    indicator = forms.CharField(label=_("Indicator"), max_length=200, widget=forms.TextInput(attrs={"class": "input"}))
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False,
                           widget=forms.TextInput(attrs={"class": "input"}))
    baseline = forms.DecimalField(label=_("Baseline"), required=False, max_digits=14, decimal_places=2,
                                  widget=forms.NumberInput(attrs={"class": "input", "step": "any"}))
    target = forms.DecimalField(label=_("Target"), max_digits=14, decimal_places=2,
                                widget=forms.NumberInput(attrs={"class": "input", "step": "any"}))
    direction = forms.ChoiceField(label=_("Direction"), choices=KpiDirection.choices,
                                  widget=forms.Select(attrs={"class": "input select"}))


class KpiRecordForm(DomainErrorFormMixin, forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput(attrs={"class": "input"}), initial=today)
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2,
                               widget=forms.NumberInput(attrs={"class": "input", "step": "any"}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           widget=forms.TextInput(attrs={"class": "input"}))


class EvidenceForm(DomainErrorFormMixin, forms.Form):
    KIND_CHOICES = [("file", _("file")), ("field_visit", _("field visit")), ("incident", _("incident"))]

    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES,
                             widget=forms.Select(attrs={"class": "input select"}))
    file = forms.FileField(label=_("File"), required=False,
                           help_text=_("PDF, JPG, PNG, DOCX or XLSX, at most 10 MB."))
    linked_id = forms.IntegerField(label=_("Record number"), required=False, min_value=1, max_value=MAX_ID,
                                   widget=forms.NumberInput(attrs={"class": "input"}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           widget=forms.TextInput(attrs={"class": "input"}))


class ImportForm(DomainErrorFormMixin, forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"),
                           help_text=_("Fill in the blank template; at most 300 measures and 2 MB."))
