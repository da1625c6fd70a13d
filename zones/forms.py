from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.periods import Period, PeriodError, default_period

from .models import Policy


class PolicyForm(forms.Form):
    green_max_crimes = forms.IntegerField(label=Policy._meta.get_field("green_max_crimes").verbose_name,
                                          help_text=Policy._meta.get_field("green_max_crimes").help_text,
                                          min_value=0, max_value=1000)
    red_min_crimes = forms.IntegerField(label=Policy._meta.get_field("red_min_crimes").verbose_name,
                                        min_value=1, max_value=1000)
    red_rate_top_percent = forms.DecimalField(label=Policy._meta.get_field("red_rate_top_percent").verbose_name,
                                              help_text=Policy._meta.get_field("red_rate_top_percent").help_text,
                                              min_value=Decimal(0), max_value=Decimal(100), max_digits=5,
                                              decimal_places=2)
    note = forms.CharField(label=_("Why this change"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                           help_text=_("Kept with the version: the decision, order or letter behind it."))

    def clean(self):
        data = super().clean()
        green, red = data.get("green_max_crimes"), data.get("red_min_crimes")
        if green is not None and red is not None and red <= green:
            self.add_error("red_min_crimes", _("The red threshold must be above the green one."))
        return data


class PeriodField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return default_period()
        try:
            return Period.parse(value)
        except PeriodError:
            raise forms.ValidationError(_("Give a period like H1-2025, Q3-2025, 2025 or current.")) from None


class PeriodForm(forms.Form):
    period = PeriodField(label=_("Period"))
