"""Pages of incidents: the list, an incident's page with its status changes and change requests, the form."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.capabilities import can
from audit.selectors import object_history
from core.htmx import render_page
from mahallas.scope import ScopeLevel

from .. import selectors
from ..change_requests import incident_edit
from ..errors import FieldWorkError
from ..filters import IncidentFilter
from ..forms.filters import IncidentFilterForm
from ..forms.incidents import ChangeRequestForm, IncidentForm, TransitionForm
from ..models import Incident
from ..selectors.paging import keyset_page
from ..services.incidents import TRANSITIONS, direct_transitions, incident_create, incident_transition, is_counted
from .common import filter_query, has_filters

INCIDENT_FILTERS = ("region", "district", "mahalla", "category", "status", "occurred_from", "occurred_to",
                    "minor_involved", "youth_involved", "woman_victim")


@login_required
@require_GET
def incident_list(request):
    if request.user.scope.level == ScopeLevel.NONE:
        raise PermissionDenied
    form = IncidentFilterForm(request.GET, user=request.user)
    form.is_valid()
    filterset = IncidentFilter(request.GET, queryset=selectors.incident_list(user=request.user), request=request)
    page = keyset_page(filterset.qs, request.GET, field="occurred_at")
    context = {
        "form": form, "page": page, "query": filter_query(request.GET),
        "has_filters": has_filters(request.GET, INCIDENT_FILTERS),
        "can_create": selectors.writable_mahallas(request.user).exists(),
        "can_export": can(request.user, "incidents.export"),
    }
    selectors.personal_read_record(request, object_type="incidents.incident",
                                   ids=[incident.pk for incident in page.rows])
    return render_page(request, "incidents/list.html", context, fragment="incidents/_incident_rows.html")


def incident_or_404(request, pk) -> Incident:
    try:
        return selectors.incident_get(user=request.user, pk=pk)
    except Incident.DoesNotExist as exc:
        raise Http404 from exc


def _transition_forms(incident: Incident, failed: TransitionForm | None = None) -> list[dict]:
    rows = []
    for to in direct_transitions(incident):
        form = failed if failed is not None and failed.data.get("to_status") == to else \
            TransitionForm(initial={"to_status": to}, prefix=None)
        rows.append({"to": to, "label": Incident.Status(to).label, "form": form,
                     "reason_required": TRANSITIONS[(incident.status, to)],
                     "outcome_required": (incident.status, to) == (Incident.Status.REGISTERED, Incident.Status.CLOSED),
                     "reopen": to == Incident.Status.UNDER_VERIFICATION and incident.status != "reported"})
    return rows


def _change_request_forms(incident: Incident, failed: ChangeRequestForm | None = None) -> list[dict]:
    rows = []
    for kind, label in (("deregister", _("Request de-registration")), ("reopen", _("Request reopening"))):
        if kind == "reopen" and incident.status == Incident.Status.UNDER_VERIFICATION:
            continue
        form = failed if failed is not None and failed.data.get("kind") == kind else \
            ChangeRequestForm(initial={"kind": kind})
        rows.append({"kind": kind, "label": label, "form": form})
    return rows


def incident_detail_context(request, incident, failed=None, failed_request=None) -> dict:
    """The incident's page; `failed` / `failed_request` put a refused status change or change request back
    in its place with its errors."""
    can_edit = can(request.user, "incidents.edit_incident", incident)
    pending = incident.change_requests.filter(status="pending").select_related("requested_by").first()
    may_request = (is_counted(incident) and pending is None
                   and can(request.user, "incidents.request_change", incident))
    return {
        "incident": incident,
        "counted": is_counted(incident),
        "transitions": list(incident.transitions.all()),
        "can_edit": can_edit and incident.status not in (Incident.Status.CLOSED, Incident.Status.DEREGISTERED),
        "can_transition": can_edit,
        "transition_forms": _transition_forms(incident, failed) if can_edit else [],
        "pending_request": pending,
        "change_request_forms": _change_request_forms(incident, failed_request) if may_request else [],
        "change_requests": list(incident.change_requests.exclude(status="pending").select_related(
            "requested_by", "decided_by")[:20]),
        # The incident was read through visible_to (`incident_or_404`): its field history may be shown.
        "history": object_history(incident),
    }


@login_required
@require_GET
def incident_detail(request, pk: int):
    incident = incident_or_404(request, pk)
    selectors.personal_read_record(request, object_type="incidents.incident", obj=incident)
    return render_page(request, "incidents/detail.html", incident_detail_context(request, incident))


@login_required
@require_POST
def incident_transition_view(request, pk: int):
    incident = incident_or_404(request, pk)
    if not can(request.user, "incidents.edit_incident", incident):
        raise PermissionDenied
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            incident_transition(by=request.user, incident=incident, to_status=form.cleaned_data["to_status"],
                                reason=form.cleaned_data["reason"], outcome=form.cleaned_data["outcome"])
        except FieldWorkError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Status changed to “%(status)s”.") % {
                "status": Incident.Status(form.cleaned_data["to_status"]).label})
            return redirect("incidents:detail", pk=incident.pk)
    incident = incident_or_404(request, pk)
    return render_page(request, "incidents/detail.html", incident_detail_context(request, incident, form),
                       status=400)


@login_required
@require_http_methods(["GET", "POST"])
def incident_create_view(request):
    if not selectors.writable_mahallas(request.user).exists():
        raise PermissionDenied
    form = IncidentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            incident = incident_create(by=request.user, reported_at=form.cleaned_data["reported_at"],
                                       **form.service_kwargs())
        except FieldWorkError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Incident #%(id)s recorded.") % {"id": incident.pk})
            return redirect("incidents:detail", pk=incident.pk)
    status = 400 if request.method == "POST" else 200
    return render_page(request, "incidents/form.html", {"form": form, "incident": None,
                                                        "tiles_url": settings.MAP_TILES_URL}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def incident_edit_view(request, pk: int):
    incident = incident_or_404(request, pk)
    if (not can(request.user, "incidents.edit_incident", incident)
            or incident.status in (Incident.Status.CLOSED, Incident.Status.DEREGISTERED)):
        raise PermissionDenied
    form = IncidentForm(request.POST or None, user=request.user, instance=incident)
    if request.method == "POST" and form.is_valid():
        changes = form.service_kwargs()
        changes["reported_at"] = form.cleaned_data["reported_at"] or incident.reported_at
        try:
            result = incident_edit(by=request.user, incident=incident,
                                   reason=form.cleaned_data.get("change_reason", ""), **changes)
        except FieldWorkError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Changes saved."))
            if result.change_request is not None:
                messages.info(request, _("The correction that takes the crime out of a count was sent for "
                                         "approval; until then it counts as before."))
            return redirect("incidents:detail", pk=incident.pk)
    status = 400 if request.method == "POST" else 200
    return render_page(request, "incidents/form.html", {"form": form, "incident": incident,
                                                        "tiles_url": settings.MAP_TILES_URL}, status=status)
