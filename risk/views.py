"""Risk pages: the ranking with its backtest and hot-spot map, its exports, and the visit plans. Views check the
capability, read through `risk.queries` / `risk.visits` (scoped), and render; the one write goes through
`risk.measures`."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.capabilities import can
from accounts.models import FIELD_ROLES, Role
from audit.models import AuditEvent
from audit.services import audit_record
from core.errors import DomainError
from core.htmx import render_page
from core.sheet_cells import export_response
from mahallas.models import District, Mahalla, Region
from mahallas.scope import ScopeLevel, scope_of

from . import exports, measures, queries, visits
from .models import RankedBy

PAGE_SIZE = 50


def _require(request, capability: str) -> None:
    # A page the role does not have answers 404, like a page outside the user's territory.
    if not can(request.user, capability):
        raise Http404


def _unit(request):
    """The region or district the ranking is narrowed to (within the user's territory): ({filters}, error)."""
    filters = {}
    for name in ("region", "district"):
        raw = request.GET.get(name)
        if not raw:
            continue
        if not raw.isdigit() or len(raw) > 18:
            return None, _("Choose a region or a district from the list.")
        filters[f"{name}_id"] = int(raw)
    model = District if "district_id" in filters else Region if "region_id" in filters else None
    if model is not None:
        pk = filters.get("district_id") or filters.get("region_id")
        if not model.objects.visible_to(request.user).filter(pk=pk).exists():
            raise Http404
    return filters, ""


def _units(user) -> tuple[str, list]:
    """The select a user may narrow the ranking with: regions for the country, districts for a region."""
    level = scope_of(user).level
    if level == ScopeLevel.NATIONAL:
        return "region", list(Region.objects.visible_to(user).defer("boundary").order_by("name_uz", "id"))
    if level == ScopeLevel.REGION:
        return "district", list(District.objects.visible_to(user).defer("boundary").order_by("name_uz", "id"))
    return "", []


def _week(request):
    raw = request.GET.get("week")
    if raw:
        week = queries.parse_week(raw)
        if week is None:
            return None, _("Give a week as a date (2026-03-02) or an ISO week (2026-W10).")
        return week, ""
    return queries.latest_week(), ""


@login_required
@require_GET
def ranking(request):
    """The mahallas of the user's territory ranked for the week, with the backtest that decides the ranking."""
    _require(request, "risk.view_ranking")
    week, error = _week(request)
    unit, unit_error = _unit(request)
    if error or unit_error:
        return HttpResponseBadRequest(error or unit_error)
    backtest = queries.backtest_for(week)
    by = queries.ranked_by(backtest)
    qs = queries.ordered(queries.scores_for(request.user, week, **unit), by)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = queries.rank_rows(request.user, list(page.object_list), by=by, week=week,
                             first_position=page.start_index() or 1)
    scope = scope_of(request.user)
    unit_name, unit_choices = _units(request.user)
    query = urlencode([(k, request.GET[k]) for k in ("week", "region", "district") if request.GET.get(k)])
    context = {
        "week": week, "backtest": backtest, "ranked_by": by, "by_count": by == RankedBy.COUNT,
        "table": queries.backtest_table(backtest), "tops": queries.TOPS,
        "difference": queries.backtest_difference(backtest), "rows": rows, "page": page,
        "total": page.paginator.count, "scope_level": scope.level,
        "hot_week": queries.hot_spot_week(week), "map_tiles_url": settings.MAP_TILES_URL,
        "query": query, "unit_name": unit_name, "unit_choices": unit_choices,
        "unit_chosen": unit.get(f"{unit_name}_id") if unit_name else None,
    }
    return render_page(request, "risk/ranking.html", context, fragment="risk/_ranking_rows.html")


@login_required
@require_GET
def ranking_export(request):
    """The whole ranking of the user's territory (not only the page shown) as CSV or XLSX; audited."""
    _require(request, "risk.view_ranking")
    fmt = request.GET.get("format", "csv")
    if fmt not in exports.FORMATS:
        return HttpResponseBadRequest(_("Unknown format: choose csv or xlsx."))
    week, error = _week(request)
    unit, unit_error = _unit(request)
    if error or unit_error:
        return HttpResponseBadRequest(error or unit_error)
    by = queries.ranked_by(queries.backtest_for(week))
    scores = list(queries.ordered(queries.scores_for(request.user, week, **unit), by))
    rows = queries.rank_rows(request.user, scores, by=by, week=week)
    header, cells = exports.ranking_rows(rows, by=by)
    name = f"risk-ranking-{week.isoformat() if week else 'none'}"
    response = export_response(table="ranking", fmt=fmt, filename=name, header=header, rows=cells)
    audit_record(action=AuditEvent.Action.EXPORT, request=request, object_type="risk.ranking",
                 object_id=week.isoformat() if week else "", object_repr=name,
                 details={"format": fmt, "week": week.isoformat() if week else None, "ranked_by": by, **unit,
                          "rows": len(cells), "level": scope_of(request.user).level})
    return response


@login_required
@require_GET
def visit_plan(request):
    """Where to go this week: a field worker's own plan, or a district official's district."""
    _require(request, "risk.view_visit_plan")
    role = request.user.role
    if role in FIELD_ROLES:
        plan = visits.field_plan(request.user)
        return render_page(request, "risk/visit_plan.html", {"plan": plan, "kind": "field"})
    if role == Role.DISTRICT:
        plan = visits.district_plan(request.user)
        if plan is None:
            raise Http404
        return render_page(request, "risk/district_plan.html", {"plan": plan, "kind": "district"})
    raise Http404


@login_required
@require_POST
def add_measure(request, mahalla_id: int):
    """One click: the prevention measure for a high-risk mahalla, into its roadmap (CSRF, capability, audit)."""
    mahalla = get_object_or_404(Mahalla.objects.visible_to(request.user).defer("boundary")
                                .select_related("district"), pk=mahalla_id)
    if not can(request.user, "risk.add_measure", mahalla):
        raise Http404
    try:
        item = measures.measure_add(by=request.user, mahalla=mahalla)
    except DomainError as exc:
        messages.error(request, f"{mahalla.name}: {exc.message}")
    else:
        messages.success(request, _("Measure added to the roadmap of %(mahalla)s.") % {"mahalla": mahalla.name})
        if request.POST.get("next") != "plan":
            return redirect("roadmaps:item", item.pk)
    return redirect("risk:visit-plan")
