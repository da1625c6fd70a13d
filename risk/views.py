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
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.capabilities import can
from accounts.models import FIELD_ROLES, Role
from audit.models import AuditEvent
from audit.services import audit_record
from core.errors import DomainError
from core.htmx import render_page
from mahallas.models import Mahalla
from mahallas.scope import scope_of

from . import exports, measures, queries, visits
from .models import RankedBy

PAGE_SIZE = 50


def _require(request, capability: str) -> None:
    # A page the role does not have answers 404, like a page outside the user's territory.
    if not can(request.user, capability):
        raise Http404


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
    if error:
        return HttpResponseBadRequest(error)
    backtest = queries.backtest_for(week)
    by = queries.ranked_by(backtest)
    qs = queries.ordered(queries.scores_for(request.user, week), by)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = queries.rank_rows(request.user, list(page.object_list), by=by, week=week,
                             first_position=page.start_index() or 1)
    scope = scope_of(request.user)
    context = {
        "week": week, "backtest": backtest, "ranked_by": by, "by_count": by == RankedBy.COUNT,
        "table": queries.backtest_table(backtest), "tops": queries.TOPS,
        "difference": queries.backtest_difference(backtest), "rows": rows, "page": page,
        "total": page.paginator.count, "scope_level": scope.level,
        "hot_week": queries.hot_spot_week(week), "map_tiles_url": settings.MAP_TILES_URL,
        "week_query": f"week={week.isoformat()}" if week and request.GET.get("week") else "",
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
    if error:
        return HttpResponseBadRequest(error)
    by = queries.ranked_by(queries.backtest_for(week))
    scores = list(queries.ordered(queries.scores_for(request.user, week), by))
    rows = queries.rank_rows(request.user, scores, by=by, week=week)
    header, cells = exports.ranking_rows(rows, by=by)
    name = f"risk-ranking-{week.isoformat() if week else 'none'}"
    response = exports.export_response(fmt=fmt, filename=name, header=header, rows=cells)
    audit_record(action=AuditEvent.Action.EXPORT, request=request, object_type="risk.ranking",
                 object_id=week.isoformat() if week else "", object_repr=name,
                 details={"format": fmt, "week": week.isoformat() if week else None, "ranked_by": by,
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
