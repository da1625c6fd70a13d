"""Dashboard pages (national, region, district), exports and the printable report (the public page: public_views).

Views parse the request, ask `selectors` for one scope and period, and render. A unit outside the user's
territory is a 404, exactly like a unit that does not exist.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.capabilities import can
from audit.services import audit_record
from core import dates
from core.htmx import render_page
from core.periods import Period

from . import charts, exports, selectors
from .forms import parse_int, parse_period
from .periods import period_choices
from .public_views import PUBLIC_RATE_PER_MINUTE  # noqa: F401 - read by the tests of the rate limit
from .selectors import cameras as camera_selectors


def _scope_or_404(request, *, region_id=None, district_id=None) -> selectors.Scope:
    try:
        return selectors.dashboard_scope(request.user, region_id=region_id, district_id=district_id)
    except selectors.DashboardNotFound as exc:
        raise Http404 from exc


def _scope_from_query(request) -> selectors.Scope:
    district_id, region_id = parse_int(request.GET.get("district")), parse_int(request.GET.get("region"))
    if district_id:
        return _scope_or_404(request, district_id=district_id)
    if region_id:
        return _scope_or_404(request, region_id=region_id)
    try:
        return selectors.home_scope(request.user)
    except selectors.DashboardNotFound as exc:
        raise Http404 from exc


def _charts(data: selectors.DashboardData) -> dict:
    return {
        "trend_chart": charts.line_chart(data.trend.months, data.trend.series, partial=bool(data.trend.partial)),
        "category_chart": charts.bar_chart([(c["name"], c["count"], "") for c in data.categories]),
        "ranking_chart": charts.bar_chart([(r.name, round(r.rate or 0, 2), r.url) for r in data.ranking]),
    }


def _unit_query(scope: selectors.Scope) -> str:
    if scope.level == "district":
        return f"district={scope.district.pk}"
    if scope.level == "region":
        return f"region={scope.region.pk}"
    return ""


def _context(request, scope: selectors.Scope, period: Period, error: str = "") -> dict:
    data = selectors.dashboard_data(request.user, scope, period)
    previous = period.comparison()
    unit = _unit_query(scope)
    query = f"period={period.key}" + (f"&{unit}" if unit else "")
    return {
        "scope": scope, "period": period, "previous": previous, "period_error": error, "data": data,
        "period_choices": period_choices(), "query": query, "today": dates.today(),
        "zones_period": period.status_period(), "map_url": reverse("api:dashboards-map") + "?" + query,
        "region": scope.region, "district": scope.district,
        "map_tiles_url": settings.MAP_TILES_URL,
        "can_view_count_report": can(request.user, "dashboards.view_count_report"),
        # The risk app's hot-spot layer, offered as an overlay of the map to those who see the risk ranking.
        "hotspots_url": (reverse("api:risk:hotspot-geojson") + (f"?{unit}" if unit else "")
                         if can(request.user, "risk.view_ranking") else ""),
        **_camera_tile(request, scope),
        **_charts(data),
    }


def _camera_tile(request, scope: selectors.Scope) -> dict:
    """A district dashboard's camera uptime tile (none without cameras), leading to the coverage page."""
    uptime = camera_selectors.district_uptime(request.user, scope)
    if uptime is None:
        return {}
    return {"camera_uptime": uptime, "camera_uptime_display": camera_selectors.uptime_display(uptime),
            "camera_uptime_days": camera_selectors.UPTIME_DAYS,
            "camera_coverage_url": reverse("dashboards:district-cameras", args=[scope.district.pk])}


def _render_dashboard(request, scope):
    period, error = parse_period(request.GET)
    return render_page(request, "dashboards/dashboard.html", _context(request, scope, period, error))


@login_required
def dashboard_home(request):
    """The national dashboard, or the user's own region or district dashboard."""
    scope = _scope_from_query(request)
    if scope.level == "region":
        return redirect(reverse("dashboards:region", args=[scope.region.pk]) + _keep_period(request))
    if scope.level == "district":
        return redirect(reverse("dashboards:district", args=[scope.district.pk]) + _keep_period(request))
    return _render_dashboard(request, scope)


def _keep_period(request) -> str:
    return f"?{request.GET.urlencode()}" if request.GET else ""


@login_required
def dashboard_region(request, pk: int):
    return _render_dashboard(request, _scope_or_404(request, region_id=pk))


@login_required
def dashboard_district(request, pk: int):
    return _render_dashboard(request, _scope_or_404(request, district_id=pk))


@login_required
@require_GET
def dashboard_export(request):
    table, fmt = request.GET.get("table", "units"), request.GET.get("format", "csv")
    if table not in exports.TABLES or fmt not in exports.FORMATS:
        return HttpResponseBadRequest(_("Unknown table or format."))
    scope = _scope_from_query(request)
    period, error = parse_period(request.GET)
    if error:
        return HttpResponseBadRequest(error)
    data = selectors.dashboard_data(request.user, scope, period)
    header, rows = exports.table_rows(table, scope, data)
    code = scope.territory.code if scope.territory else "uz"
    response = exports.export_response(table=table, fmt=fmt, filename=f"dashboard-{code}-{table}-{period.key}",
                                       header=header, rows=rows)
    audit_record(action="export", request=request, object_type="dashboards.table", object_id=table,
                 object_repr=f"{scope.name}: {table} ({period.key})", territory=scope.territory,
                 details={"table": table, "format": fmt, "period": period.key, "level": scope.level,
                          "rows": len(rows)})
    return response


@login_required
@require_GET
def dashboard_report(request):
    """The monthly report (the paper report's replacement): a printable page, or the same page as a PDF file."""
    fmt = request.GET.get("format", "html")
    if fmt not in ("html", "pdf"):
        return HttpResponseBadRequest(_("Unknown format: choose html or pdf."))
    scope = _scope_from_query(request)
    period, error = parse_period(request.GET)
    context = _context(request, scope, period, error)
    context["generated_at"] = timezone.localtime()
    context["pdf_url"] = f"{reverse('dashboards:report')}?{context['query']}&format=pdf"
    if fmt == "pdf" and error:
        return render_page(request, "dashboards/report.html", context, status=400)
    audit_record(action="export", request=request, object_type="dashboards.report", object_id=scope.key,
                 object_repr=f"{scope.name} ({period.key})", territory=scope.territory,
                 details={"format": "pdf" if fmt == "pdf" else "report", "period": period.key,
                          "level": scope.level})
    if fmt == "html":
        return render_page(request, "dashboards/report.html", context)
    from . import pdf  # WeasyPrint parses its own stylesheets on import: only a PDF download pays for it

    code = scope.territory.code if scope.territory else "uz"
    response = HttpResponse(pdf.html_to_pdf(render_to_string("dashboards/report.html", context, request=request)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="report-{code}-{period.key}.pdf"'
    return response
