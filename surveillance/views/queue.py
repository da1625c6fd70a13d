"""The review queue, and the list of alerts from devices that are not registered yet."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode

from accounts.capabilities import can
from core.htmx import render_page

from .. import presenters, selectors
from ..forms import AlertFilterForm
from ..models import Alert
from .tabs import tabs

QUEUE_PAGE_SIZE = 25


def _queue(request, *, unmatched: bool):
    user = request.user
    form = AlertFilterForm(request.GET, **selectors.alert_filter_choices(user=user))
    base = selectors.alert_list(user=user).filter(camera__isnull=unmatched)
    qs = form.apply(base)
    page = Paginator(qs, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = presenters.alerts_decorate(list(page.object_list))
    page.object_list = rows
    seen = presenters.page_fingerprint(page)
    if request.htmx and request.GET.get("seen") == seen:
        response = HttpResponse(status=204)
        patch_vary_headers(response, ["HX-Request"])
        return response
    query = urlencode([(k, v) for k, v in request.GET.items() if k not in ("page", "seen") and v],)
    counts = selectors.alert_queue_counts(user=user)
    devices = presenters.devices_decorate(list(selectors.unmatched_devices(user=user)[:20])) if unmatched else []
    context = {
        "form": form, "page": page, "rows": rows, "seen": seen, "query": query, "unmatched": unmatched,
        "needs_review": form.needs_review,
        "points": presenters.alert_points(rows), "can_review": can(user, "surveillance.review_alerts"),
        "list_url": reverse("surveillance:unmatched" if unmatched else "surveillance:alerts"),
        "devices": devices, "dismiss_reasons": Alert.DismissReason.choices,
        **tabs(request, "unmatched" if unmatched else "queue", counts), **presenters.map_context(),
    }
    return render_page(request, "surveillance/queue.html", context, fragment="surveillance/_alert_rows.html")


@login_required
def alert_queue(request):
    return _queue(request, unmatched=False)


@login_required
def alert_unmatched(request):
    """Alerts from devices that are not registered yet: the operators' list of cameras to register."""
    if not can(request.user, "surveillance.manage_cameras"):
        raise Http404
    return _queue(request, unmatched=True)
