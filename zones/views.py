"""Zone pages: the crime-free question by region, and the policy. Views validate, call one selector or service,
render."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.capabilities import can
from core.forms import add_domain_error
from core.htmx import render_page
from core.periods import choices, default_period

from . import selectors, services
from .errors import ZoneError
from .forms import PeriodForm, PolicyForm
from .recompute import policy_current


@login_required
def crime_free(request):
    """How many mahallas had zero registered crimes in a period, by region (your regions only)."""
    form = PeriodForm(request.GET or None)
    period = form.cleaned_data["period"] if form.is_valid() else default_period()
    rows = selectors.counts_by_territory(request.user, period, by="region")
    context = {
        "form": form, "period": period, "rows": rows, "total": selectors.totals(rows),
        "last_day": period.effective_end() - datetime.timedelta(days=1),
        "computed": selectors.period_threshold(period), "choices": choices(),
    }
    return render_page(request, "zones/crime_free.html", context, fragment="zones/_crime_free_rows.html")


@login_required
@require_http_methods(["GET", "POST"])
def policy(request):
    current = policy_current()
    editable = can(request.user, "zones.edit_policy")
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                created = services.policy_create(by=request.user, **form.cleaned_data)
            except ZoneError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Policy version %(v)s is in force; statuses are being recomputed.") %
                                 {"v": created.version})
                return redirect("zones:policy")
    else:
        form = PolicyForm(initial={"green_max_crimes": current.green_max_crimes,
                                   "red_min_crimes": current.red_min_crimes,
                                   "red_rate_top_percent": current.red_rate_top_percent})
    return render(request, "zones/policy.html", {"policy": current, "form": form if editable else None,
                                                 "versions": selectors.policy_versions()[:50]})
