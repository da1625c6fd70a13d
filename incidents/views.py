"""HTML pages of field work: incidents, field visits, support cases, assignments and coverage.

Views parse input, check one named permission, call one service or selector, render. Everything starts from
`visible_to(user)` (through `selectors`): an id outside the user's scope answers 404 like a missing one;
something in scope that the user may read but not change answers 403. Lists filter with the API's
FilterSets, so the export buttons pass the same query string and get the same rows. An HTMX request gets
only the rows fragment; every page works without JavaScript.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.capabilities import can
from audit.models import AuditEvent
from audit.selectors import object_history
from audit.services import audit_record
from mahallas.models import District, Mahalla, Region
from mahallas.scope import ScopeLevel, scope_of

from . import forms, selectors
from .assignments import assignment_create, assignment_end
from .change_requests import incident_edit
from .errors import FieldWorkError
from .filters import FieldVisitFilter, IncidentFilter, SupportCaseFilter, filters_used
from .models import FieldVisit, Incident, SupportCase
from .services import (
    TRANSITIONS,
    direct_transitions,
    field_visit_create,
    incident_create,
    incident_transition,
    is_counted,
    support_case_open,
    support_case_review,
    support_case_update,
)

PAGE_SIZE = 25
CASE_PAGE_SIZE = 50
COVERAGE_PAGE_SIZE = 50
# The week view lists at most this many visits; the per-day counts are always complete.
WEEK_MAX_ROWS = 400
VISIT_FILTERS = ("district", "mahalla", "kind", "topic", "date_from", "date_to")
PAGING_PARAMS = ("before", "after", "page")
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


# --- helpers ------------------------------------------------------------------------------------------

def _fragment(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _render(request, template: str, context: dict, *, rows_template: str | None = None, status: int = 200):
    chosen = rows_template if rows_template and _fragment(request) else template
    response = render(request, chosen, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _filter_query(params) -> str:
    """The list's filters as a query string, without paging: for export links and paging links."""
    kept = [(k, v) for k in params for v in params.getlist(k) if k not in PAGING_PARAMS and v != ""]
    return urlencode(kept)


def _has_filters(params, names) -> bool:
    return any(params.get(name) for name in names)


def _is_field_worker(user) -> bool:
    """Field workers log visits (and their visit list starts at their own)."""
    return can(user, "incidents.log_visit")


@dataclass
class KeysetPage:
    """One page of a "newest first" list, with cursors to the next older and newer pages.

    Keyset paging costs the same on page 1 and page 10,000 and needs no COUNT(*) over a big table."""

    rows: list
    older: str | None
    newer: str | None


def _cursor(obj, field: str) -> str:
    micros = (getattr(obj, field) - EPOCH) // datetime.timedelta(microseconds=1)
    return f"{micros}.{obj.pk}"


def _parse_cursor(value: str | None):
    try:
        micros, pk = (value or "").split(".")
        return EPOCH + datetime.timedelta(microseconds=int(micros)), int(pk)
    except (ValueError, OverflowError):
        return None


def keyset_page(qs, params, *, field: str, size: int = PAGE_SIZE) -> KeysetPage:
    before, after = _parse_cursor(params.get("before")), _parse_cursor(params.get("after"))
    if after:
        at, pk = after
        chunk = list(qs.filter(**{f"{field}__gte": at}).filter(Q(**{f"{field}__gt": at}) | Q(pk__gt=pk))
                     .order_by(field, "pk")[:size + 1])
        rows = list(reversed(chunk[:size]))
        if rows:
            return KeysetPage(rows, _cursor(rows[-1], field), _cursor(rows[0], field) if len(chunk) > size else None)
    if before:
        at, pk = before
        qs = qs.filter(**{f"{field}__lte": at}).filter(Q(**{f"{field}__lt": at}) | Q(pk__lt=pk))
    chunk = list(qs.order_by(f"-{field}", "-pk")[:size + 1])
    rows = chunk[:size]
    older = _cursor(rows[-1], field) if len(chunk) > size else None
    newer = _cursor(rows[0], field) if before and rows else None
    return KeysetPage(rows, older, newer)


def _mahalla_or_404(user, pk) -> Mahalla:
    return get_object_or_404(Mahalla.objects.visible_to(user).defer("boundary"), pk=pk)


# --- incidents ----------------------------------------------------------------------------------------

@login_required
@require_GET
def incident_list(request):
    if request.user.scope.level == ScopeLevel.NONE:
        raise PermissionDenied
    form = forms.IncidentFilterForm(request.GET, user=request.user)
    form.is_valid()
    filterset = IncidentFilter(request.GET, queryset=selectors.incident_list(user=request.user), request=request)
    page = keyset_page(filterset.qs, request.GET, field="occurred_at")
    query = _filter_query(request.GET)
    context = {
        "form": form, "page": page, "query": query,
        "has_filters": _has_filters(request.GET, ("region", "district", "mahalla", "category", "status",
                                                  "occurred_from", "occurred_to", "minor_involved",
                                                  "youth_involved", "woman_victim")),
        "can_create": forms.writable_mahallas(request.user).exists(),
        "can_export": can(request.user, "incidents.export"),
    }
    selectors.personal_read_record(request, object_type="incidents.incident",
                                   ids=[incident.pk for incident in page.rows])
    return _render(request, "incidents/list.html", context, rows_template="incidents/_incident_rows.html")


def _incident(request, pk) -> Incident:
    try:
        return selectors.incident_get(user=request.user, pk=pk)
    except Incident.DoesNotExist as exc:
        raise Http404 from exc


def _transition_forms(incident: Incident, failed: forms.TransitionForm | None = None) -> list[dict]:
    rows = []
    for to in direct_transitions(incident):
        form = failed if failed is not None and failed.data.get("to_status") == to else \
            forms.TransitionForm(initial={"to_status": to}, prefix=None)
        rows.append({"to": to, "label": Incident.Status(to).label, "form": form,
                     "reason_required": TRANSITIONS[(incident.status, to)],
                     "outcome_required": (incident.status, to) == (Incident.Status.REGISTERED, Incident.Status.CLOSED),
                     "reopen": to == Incident.Status.UNDER_VERIFICATION and incident.status != "reported"})
    return rows


def _change_request_forms(incident: Incident, failed: forms.ChangeRequestForm | None = None) -> list[dict]:
    rows = []
    for kind, label in (("deregister", _("Request de-registration")), ("reopen", _("Request reopening"))):
        if kind == "reopen" and incident.status == Incident.Status.UNDER_VERIFICATION:
            continue
        form = failed if failed is not None and failed.data.get("kind") == kind else \
            forms.ChangeRequestForm(initial={"kind": kind})
        rows.append({"kind": kind, "label": label, "form": form})
    return rows


def _incident_detail_context(request, incident, failed=None, failed_request=None) -> dict:
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
        # The incident was read through visible_to (`_incident`): its field history may be shown.
        "history": object_history(incident),
    }


@login_required
@require_GET
def incident_detail(request, pk: int):
    incident = _incident(request, pk)
    selectors.personal_read_record(request, object_type="incidents.incident", obj=incident)
    return _render(request, "incidents/detail.html", _incident_detail_context(request, incident))


@login_required
@require_POST
def incident_transition_view(request, pk: int):
    incident = _incident(request, pk)
    if not can(request.user, "incidents.edit_incident", incident):
        raise PermissionDenied
    form = forms.TransitionForm(request.POST)
    if form.is_valid():
        try:
            incident_transition(by=request.user, incident=incident, to_status=form.cleaned_data["to_status"],
                                reason=form.cleaned_data["reason"], outcome=form.cleaned_data["outcome"])
        except FieldWorkError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Status changed to “%(status)s”.") % {
                "status": Incident.Status(form.cleaned_data["to_status"]).label})
            return redirect("incidents:detail", pk=incident.pk)
    incident = _incident(request, pk)
    return _render(request, "incidents/detail.html", _incident_detail_context(request, incident, form),
                   status=400)


@login_required
@require_http_methods(["GET", "POST"])
def incident_create_view(request):
    if not forms.writable_mahallas(request.user).exists():
        raise PermissionDenied
    form = forms.IncidentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            incident = incident_create(by=request.user, reported_at=form.cleaned_data["reported_at"],
                                       **form.service_kwargs())
        except FieldWorkError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Incident #%(id)s recorded.") % {"id": incident.pk})
            return redirect("incidents:detail", pk=incident.pk)
    status = 400 if request.method == "POST" else 200
    return _render(request, "incidents/form.html", {"form": form, "incident": None,
                                                    "tiles_url": settings.MAP_TILES_URL}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def incident_edit_view(request, pk: int):
    incident = _incident(request, pk)
    if (not can(request.user, "incidents.edit_incident", incident)
            or incident.status in (Incident.Status.CLOSED, Incident.Status.DEREGISTERED)):
        raise PermissionDenied
    form = forms.IncidentForm(request.POST or None, user=request.user, instance=incident)
    if request.method == "POST" and form.is_valid():
        changes = form.service_kwargs()
        changes["reported_at"] = form.cleaned_data["reported_at"] or incident.reported_at
        try:
            result = incident_edit(by=request.user, incident=incident,
                                   reason=form.cleaned_data.get("change_reason", ""), **changes)
        except FieldWorkError as exc:
            form.add_service_error(FieldWorkError("change_reason", exc.message) if exc.field == "reason" else exc)
        else:
            messages.success(request, _("Changes saved."))
            if result.change_request is not None:
                messages.info(request, _("The correction that takes the crime out of a count was sent for "
                                         "approval; until then it counts as before."))
            return redirect("incidents:detail", pk=incident.pk)
    status = 400 if request.method == "POST" else 200
    return _render(request, "incidents/form.html", {"form": form, "incident": incident,
                                                    "tiles_url": settings.MAP_TILES_URL}, status=status)


# --- field visits -------------------------------------------------------------------------------------

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
    if not _is_field_worker(user):
        return []
    return forms.mahalla_choices(Mahalla.objects.visible_to(user), with_district=False)


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
    form = forms.VisitForm(request.POST or None, initial=initial, mahallas=mahallas)
    if request.method == "POST" and form.is_valid():
        try:
            visit, created = field_visit_create(by=request.user, **form.service_kwargs())
        except FieldWorkError as exc:
            form.add_service_error(exc)
        else:
            if created:
                messages.success(request, _("Visit saved."))
            else:
                messages.info(request, _("This visit was already saved."))
            return redirect(f"{reverse('incidents:visit-list')}?{urlencode({'mine': 'true'})}")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "mahallas": mahallas, "single_mahalla": mahallas[0] if len(mahallas) == 1 else None,
               "visit_messages": _visit_messages()}
    return _render(request, "incidents/visit_form.html", context, status=status)


def _visit_filters(request):
    """Field workers see their own visits unless they ask for all visits of their mahallas."""
    params = request.GET.copy()
    if _is_field_worker(request.user) and "mine" not in params:
        params["mine"] = "true"
    return params


@login_required
@require_GET
def visit_list(request):
    if request.user.scope.level == ScopeLevel.NONE:
        raise PermissionDenied
    params = _visit_filters(request)
    form = forms.VisitFilterForm(params, user=request.user)
    form.is_valid()
    filterset = FieldVisitFilter(params, queryset=selectors.field_visit_list(user=request.user), request=request)
    page = keyset_page(filterset.qs, params, field="visited_at")
    context = {
        "form": form, "page": page, "query": _filter_query(params), "mine": params.get("mine") == "true",
        "has_filters": _has_filters(params, VISIT_FILTERS),
        "is_field_worker": _is_field_worker(request.user),
        "can_export": can(request.user, "incidents.export"),
        "can_log": bool(_visit_mahallas(request.user)), "visit_messages": _visit_messages(),
        "show_household": can(request.user, "incidents.read_household_details"),
    }
    selectors.personal_read_record(request, object_type="incidents.fieldvisit",
                                   ids=[visit.pk for visit in page.rows])
    return _render(request, "incidents/visit_list.html", context, rows_template="incidents/_visit_rows.html")


def _week_start(value: str | None) -> datetime.date:
    today = timezone.localdate()
    try:
        day = datetime.date.fromisoformat(value) if value else today
    except ValueError:
        day = today
    return day - datetime.timedelta(days=day.weekday())


@login_required
@require_GET
def visit_week(request):
    if request.user.scope.level == ScopeLevel.NONE:
        raise PermissionDenied
    params = _visit_filters(request)
    start = _week_start(request.GET.get("week"))
    days = [start + datetime.timedelta(days=i) for i in range(7)]
    since = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    until = since + datetime.timedelta(days=7)
    form = forms.VisitFilterForm(params, user=request.user)
    form.is_valid()
    for name in ("date_from", "date_to", "week"):
        params.pop(name, None)
    filterset = FieldVisitFilter(params, queryset=selectors.field_visit_list(user=request.user), request=request)
    week = filterset.qs.filter(visited_at__gte=since, visited_at__lt=until)
    counts = {row["day"]: row["n"] for row in week.order_by().annotate(
        day=TruncDate("visited_at", tzinfo=timezone.get_current_timezone())).values("day").annotate(n=Count("*"))}
    by_day: dict[datetime.date, list] = {d: [] for d in days}
    for visit in week.order_by("visited_at", "id")[:WEEK_MAX_ROWS]:
        by_day.setdefault(timezone.localdate(visit.visited_at), []).append(visit)
    today = timezone.localdate()
    columns = [{"day": d, "visits": by_day.get(d, []), "count": counts.get(d, 0), "today": d == today,
                "more": counts.get(d, 0) - len(by_day.get(d, []))} for d in days]
    query = _filter_query(params)
    context = {
        "form": form, "columns": columns, "start": start, "end": days[-1],
        "prev": (start - datetime.timedelta(days=7)).isoformat(),
        "next": (start + datetime.timedelta(days=7)).isoformat(),
        "is_current": start <= today <= days[-1], "query": query, "mine": params.get("mine") == "true",
        "total": sum(counts.values()), "has_filters": _has_filters(params, VISIT_FILTERS),
        "is_field_worker": _is_field_worker(request.user),
        "can_log": bool(_visit_mahallas(request.user)), "visit_messages": _visit_messages(),
    }
    return _render(request, "incidents/visit_week.html", context)


@login_required
@require_GET
def visit_detail(request, pk: int):
    visit = get_object_or_404(selectors.field_visit_list(user=request.user), pk=pk)
    selectors.personal_read_record(request, object_type="incidents.fieldvisit", obj=visit)
    return _render(request, "incidents/visit_detail.html", {
        "visit": visit, "show_household": can(request.user, "incidents.read_household_details")})


# --- support cases ------------------------------------------------------------------------------------

@login_required
@require_GET
def case_list(request):
    if not can(request.user, "incidents.view_field_work"):
        raise PermissionDenied
    form = forms.CaseFilterForm(request.GET, user=request.user)
    form.is_valid()
    filterset = SupportCaseFilter(request.GET, queryset=selectors.support_case_list(user=request.user),
                                  request=request)
    page = Paginator(filterset.qs, CASE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    if rows:
        # A list shows names and addresses of people at risk: it is a read of each of them.
        audit_record(action=AuditEvent.Action.VIEW, request=request, object_type="incidents.supportcase",
                     object_repr="list", details={"ids": [r.pk for r in rows],
                                                  "filters": filters_used(request.GET)})
    context = {
        "form": form, "page": page, "rows": rows, "query": _filter_query(request.GET),
        "has_filters": _has_filters(request.GET, ("district", "mahalla", "category", "status", "overdue")),
        "can_export": can(request.user, "incidents.export"), "can_open": can(request.user, "incidents.open_case"),
        "today": timezone.localdate(),
    }
    return _render(request, "incidents/case_list.html", context, rows_template="incidents/_case_rows.html")


def _case(request, pk, *, audited: bool) -> SupportCase:
    try:
        return selectors.support_case_get(user=request.user, pk=pk, request=request if audited else None)
    except SupportCase.DoesNotExist as exc:
        raise Http404 from exc


def _case_detail(request, case, review_form, status=200):
    context = {"case": case, "reviews": list(case.reviews.all()), "review_form": review_form,
               "can_edit": can(request.user, "incidents.edit_case", case)}
    return _render(request, "incidents/case_detail.html", context, status=status)


@login_required
@require_GET
def case_detail(request, pk: int):
    case = _case(request, pk, audited=True)
    review_form = forms.CaseReviewForm(initial={
        "status": SupportCase.Status.IN_PROGRESS if case.status == SupportCase.Status.OPEN else case.status})
    return _case_detail(request, case, review_form)


@login_required
@require_POST
def case_review_view(request, pk: int):
    case = _case(request, pk, audited=False)
    if not can(request.user, "incidents.edit_case", case):
        raise PermissionDenied
    form = forms.CaseReviewForm(request.POST)
    if form.is_valid():
        try:
            support_case_review(by=request.user, case=case, **form.cleaned_data)
        except FieldWorkError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Review recorded."))
            return redirect("incidents:case-detail", pk=case.pk)
    return _case_detail(request, _case(request, pk, audited=True), form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def case_create_view(request):
    if not can(request.user, "incidents.open_case"):
        raise PermissionDenied
    form = forms.CaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            case = support_case_open(by=request.user, **form.service_kwargs())
        except FieldWorkError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Case opened."))
            return redirect("incidents:case-detail", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return _render(request, "incidents/case_form.html", {"form": form, "case": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def case_edit_view(request, pk: int):
    case = _case(request, pk, audited=request.method == "GET")
    if not can(request.user, "incidents.edit_case", case):
        raise PermissionDenied
    form = forms.CaseForm(request.POST or None, user=request.user, instance=case)
    if request.method == "POST" and form.is_valid():
        changes = form.service_kwargs()
        if changes.get("social_worker") is None:
            changes.pop("social_worker", None)
        try:
            support_case_update(by=request.user, case=case, **changes)
        except FieldWorkError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("incidents:case-detail", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return _render(request, "incidents/case_form.html", {"form": form, "case": case}, status=status)


# --- coverage and assignments -------------------------------------------------------------------------

@login_required
@require_GET
def coverage_home(request):
    """Coverage starts at the user's own territory; national staff choose a region."""
    user = request.user
    if not can(user, "incidents.view_coverage"):
        raise PermissionDenied
    scope = scope_of(user)
    if scope.level == ScopeLevel.DISTRICT:
        return redirect("incidents:coverage-district", pk=scope.district_id)
    if scope.level == ScopeLevel.REGION:
        return redirect("incidents:coverage-region", pk=scope.region_id)
    regions = Region.objects.visible_to(user).defer("boundary").order_by("name_uz")
    return _render(request, "incidents/coverage_home.html", {"regions": regions})


def _coverage_page(request, *, region: Region, district: District | None):
    user = request.user
    if not can(user, "incidents.view_coverage"):
        raise PermissionDenied
    missing = request.GET.get("missing") or None
    if missing not in (None, "inspector", "social_worker", "any"):
        missing = None
    district_filter = district
    if district is None and (request.GET.get("district") or "").isdigit():
        district_filter = District.objects.visible_to(user).filter(
            region=region, pk=int(request.GET["district"])).defer("boundary").first()
    base = selectors.coverage(user=user, district_id=district_filter.pk if district_filter else None,
                              region_id=region.pk)
    totals = base.order_by().aggregate(
        mahallas=Count("id"), no_inspector=Count("id", filter=Q(has_inspector=False)),
        no_social_worker=Count("id", filter=Q(has_social_worker=False)),
    )
    text = (request.GET.get("q") or "").strip()[:100]
    qs = selectors.coverage_gaps(base, missing)
    if text:
        qs = qs.filter(Q(name_uz__icontains=text) | Q(name_ru__icontains=text) | Q(code__startswith=text))
    page = Paginator(qs, COVERAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    staff: dict[int, list] = {}
    active = (selectors.assignment_list(user=user).active().filter(mahalla_id__in=[m.pk for m in rows])
              .order_by("role", "-is_primary", "starts_on"))
    for assignment in active:
        staff.setdefault(assignment.mahalla_id, []).append(assignment)
    for mahalla in rows:
        mahalla.staff = staff.get(mahalla.pk, [])
    territory = district or region
    mahallas_qs = Mahalla.objects.visible_to(user).filter(
        **({"district": district} if district else {"district__region": region}))
    assign_form = None
    if can(user, "incidents.manage_assignments"):
        assign_form = forms.AssignmentForm(manager=user, mahallas_qs=mahallas_qs)
    districts = []
    if district is None:
        districts = list(District.objects.visible_to(user).filter(region=region).defer("boundary")
                         .order_by("name_uz"))
    context = {
        "region": region, "district": district, "territory": territory, "page": page, "rows": rows,
        "totals": totals, "missing": missing or "", "q": text, "assign_form": assign_form,
        "districts": districts, "district_filter": district_filter,
        "query": _filter_query(request.GET), "window": selectors.COVERAGE_WINDOW_DAYS,
    }
    return context


@login_required
@require_GET
def coverage_district(request, pk: int):
    district = get_object_or_404(District.objects.visible_to(request.user).select_related("region")
                                 .defer("boundary", "region__boundary"), pk=pk)
    context = _coverage_page(request, region=district.region, district=district)
    return _render(request, "incidents/coverage.html", context, rows_template="incidents/_coverage_rows.html")


@login_required
@require_GET
def coverage_region(request, pk: int):
    region = get_object_or_404(Region.objects.visible_to(request.user).defer("boundary"), pk=pk)
    context = _coverage_page(request, region=region, district=None)
    return _render(request, "incidents/coverage.html", context, rows_template="incidents/_coverage_rows.html")


def _back_to_coverage(mahalla: Mahalla) -> str:
    return reverse("incidents:coverage-district", args=[mahalla.district_id])


def _safe_back(request) -> str:
    """The form's "back" address when it points into this site; anything else is ignored (no open redirect)."""
    back = request.POST.get("back", "")
    allowed = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                              require_https=request.is_secure())
    return back if allowed else ""


@login_required
@require_POST
def assignment_create_view(request):
    user = request.user
    if not can(user, "incidents.manage_assignments"):
        raise PermissionDenied
    mahallas_qs = Mahalla.objects.visible_to(user)
    form = forms.AssignmentForm(request.POST, manager=user, mahallas_qs=mahallas_qs)
    if form.is_valid():
        try:
            assignment = assignment_create(by=user, **form.service_kwargs())
        except FieldWorkError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("%(person)s is assigned to %(mahalla)s.") % {
                "person": assignment.user.get_full_name() or assignment.user.get_username(),
                "mahalla": assignment.mahalla.name})
            return redirect(_safe_back(request) or _back_to_coverage(assignment.mahalla))
    return _render(request, "incidents/assignment_form.html", {"form": form, "back": _safe_back(request)},
                   status=400)


@login_required
@require_POST
def assignment_end_view(request, pk: int):
    try:
        assignment = selectors.assignment_list(user=request.user).get(pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    if not can(request.user, "incidents.manage_assignments", assignment.mahalla_id):
        raise PermissionDenied
    form = forms.AssignmentEndForm(request.POST)
    back = _back_to_coverage(assignment.mahalla)
    if form.is_valid():
        try:
            assignment_end(by=request.user, assignment=assignment, ends_on=form.cleaned_data["ends_on"])
        except FieldWorkError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The assignment ends on %(date)s.") % {
                "date": (form.cleaned_data["ends_on"] or timezone.localdate()).strftime("%d.%m.%Y")})
    else:
        messages.error(request, _("Enter a valid date."))
    return redirect(back)
