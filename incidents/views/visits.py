"""Pages of field visits: the form a field worker logs one with (offline-capable), the list, the week grid, a
visit's page."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.capabilities import can
from core.htmx import render_page
from mahallas.models import Mahalla
from mahallas.scope import ScopeLevel

from .. import selectors
from ..errors import FieldWorkError
from ..filters import FieldVisitFilter
from ..forms.common import mahalla_choices
from ..forms.filters import VisitFilterForm
from ..forms.visits import VisitForm
from ..models import FieldVisit
from ..selectors.paging import keyset_page
from ..selectors.week import field_visit_week, week_start
from ..services.visits import field_visit_create
from .common import filter_query, has_filters, is_field_worker

VISIT_FILTERS = ("district", "mahalla", "kind", "topic", "date_from", "date_to")


def _visit_messages() -> dict:
    """Texts that static/js/visit-form.js shows (passed with json_script: the CSP allows no inline script)."""
    return {
        "offline": _("Saved on this phone — will be sent when the network returns."),
        "sending": _("Sending the visits saved on this phone…"),
        "signed_out": _("Saved on this phone. Sign in again to send it."),
        "refused": _("A visit saved on this phone was refused. Open “Log a visit” to correct it."),
        "sent": _("Visit saved."),
        "already_sent": _("This visit was already saved."),
        "sent_from_outbox": _("The visits saved on this phone have been sent."),
        "locating": _("Finding your position…"),
        "located": _("Location added."),
        "located_accuracy": _("Location added (accuracy ±%(m)s m)."),
        "geo_error": _("Your position is not available; the visit can be saved without it."),
    }


def _visit_mahallas(user) -> list[tuple[int, str]]:
    """The mahallas a field worker logs visits in: their assignments today."""
    if not is_field_worker(user):
        return []
    return mahalla_choices(Mahalla.objects.visible_to(user), with_district=False)


@login_required
@require_http_methods(["GET", "POST"])
def visit_create_view(request):
    mahallas = _visit_mahallas(request.user)
    if not mahallas:
        raise PermissionDenied
    # Several mahallas: the one of their last visit is the likeliest, so it comes preselected.
    last = FieldVisit.objects.filter(by=request.user).order_by("-visited_at").values_list("mahalla_id", flat=True)[:1]
    ids = [pk for pk, _label in mahallas]
    initial = {"client_uuid": uuid.uuid4(), "visited_at": timezone.localtime().replace(second=0, microsecond=0),
               "mahalla": last[0] if last and last[0] in ids else ids[0]}
    form = VisitForm(request.POST or None, initial=initial, mahallas=mahallas)
    if request.method == "POST" and form.is_valid():
        try:
            visit, created = field_visit_create(by=request.user, **form.service_kwargs())
        except FieldWorkError as exc:
            form.add_domain_error(exc)
        else:
            if created:
                messages.success(request, _("Visit saved."))
            else:
                messages.info(request, _("This visit was already saved."))
            return redirect(f"{reverse('incidents:visit-list')}?{urlencode({'mine': 'true'})}")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "mahallas": mahallas, "single_mahalla": mahallas[0] if len(mahallas) == 1 else None,
               "visit_messages": _visit_messages()}
    return render_page(request, "incidents/visit_form.html", context, status=status)


def _visit_filters(request):
    """Field workers see their own visits unless they ask for all visits of their mahallas."""
    params = request.GET.copy()
    if is_field_worker(request.user) and "mine" not in params:
        params["mine"] = "true"
    return params


@login_required
@require_GET
def visit_list(request):
    if request.user.scope.level == ScopeLevel.NONE:
        raise PermissionDenied
    params = _visit_filters(request)
    form = VisitFilterForm(params, user=request.user)
    form.is_valid()
    filterset = FieldVisitFilter(params, queryset=selectors.field_visit_list(user=request.user), request=request)
    page = keyset_page(filterset.qs, params, field="visited_at")
    context = {
        "form": form, "page": page, "query": filter_query(params), "mine": params.get("mine") == "true",
        "has_filters": has_filters(params, VISIT_FILTERS),
        "is_field_worker": is_field_worker(request.user),
        "can_export": can(request.user, "incidents.export"),
        "can_log": bool(_visit_mahallas(request.user)), "visit_messages": _visit_messages(),
        "show_household": can(request.user, "incidents.read_household_details"),
    }
    selectors.personal_read_record(request, object_type="incidents.fieldvisit",
                                   ids=[visit.pk for visit in page.rows])
    return render_page(request, "incidents/visit_list.html", context, fragment="incidents/_visit_rows.html")


@login_required
@require_GET
def visit_week(request):
    if request.user.scope.level == ScopeLevel.NONE:
        raise PermissionDenied
    params = _visit_filters(request)
    start = week_start(request.GET.get("week"))
    form = VisitFilterForm(params, user=request.user)
    form.is_valid()
    # The week replaces the list's date range.
    for name in ("date_from", "date_to", "week"):
        params.pop(name, None)
    filterset = FieldVisitFilter(params, queryset=selectors.field_visit_list(user=request.user), request=request)
    week = field_visit_week(filterset.qs, start=start)
    context = {
        "form": form, "columns": week.columns, "start": week.start, "end": week.end,
        "prev": week.previous_start.isoformat(), "next": week.next_start.isoformat(),
        "is_current": week.is_current, "query": filter_query(params), "mine": params.get("mine") == "true",
        "total": week.total, "has_filters": has_filters(params, VISIT_FILTERS),
        "is_field_worker": is_field_worker(request.user),
        "can_log": bool(_visit_mahallas(request.user)), "visit_messages": _visit_messages(),
    }
    return render_page(request, "incidents/visit_week.html", context)


@login_required
@require_GET
def visit_detail(request, pk: int):
    visit = get_object_or_404(selectors.field_visit_list(user=request.user), pk=pk)
    selectors.personal_read_record(request, object_type="incidents.fieldvisit", obj=visit)
    return render_page(request, "incidents/visit_detail.html", {
        "visit": visit, "show_household": can(request.user, "incidents.read_household_details")})
