"""False-positive rates per camera and per event type: which analytics to trust."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .. import presenters, selectors
from ..forms import RateFilterForm
from ..models import Alert
from .tabs import tabs


@login_required
def false_positives(request):
    form = RateFilterForm(request.GET)
    alerts = Alert.objects.visible_to(request.user)
    if form.is_valid():
        alerts = form.apply(alerts)
    sort = request.GET.get("sort", "-rate")
    if sort.lstrip("-") not in presenters.RATE_SORTS:
        sort = "-rate"
    rates = presenters.rates_decorate(selectors.false_positive_rates(user=request.user, alerts=alerts))
    base_query = urlencode([(k, v) for k, v in request.GET.items() if k != "sort" and v])
    context = {
        "form": form, "sort": sort, "base_query": base_query,
        "by_camera": presenters.rates_sorted(rates["by_camera"], sort, "name"),
        "by_event_type": presenters.rates_sorted(rates["by_event_type"], sort, "name"),
        "by_reason": rates["by_reason"],
        "reliable_from": presenters.RATE_RELIABLE_FROM,
        "camera_headers": presenters.rate_headers(_("Camera")),
        "type_headers": presenters.rate_headers(_("Event type")),
        **tabs(request, "rates"),
    }
    return render(request, "surveillance/false_positives.html", context)
