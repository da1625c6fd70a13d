"""Coverage pages: which mahallas of a region or district have their inspector and social worker, with the
form that assigns one (incidents.views.assignments)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET

from accounts.capabilities import can
from core.htmx import render_page
from mahallas.models import District, Mahalla, Region
from mahallas.scope import ScopeLevel, scope_of

from .. import selectors
from ..forms.assignments import AssignmentForm
from ..selectors.coverage import coverage_search, coverage_staff_attach, coverage_totals
from .common import filter_query

COVERAGE_PAGE_SIZE = 50


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
    return render_page(request, "incidents/coverage_home.html", {"regions": regions})


def _coverage_context(request, *, region: Region, district: District | None) -> dict:
    user = request.user
    if not can(user, "incidents.view_coverage"):
        raise PermissionDenied
    missing = request.GET.get("missing") or None
    if missing not in selectors.GAPS:
        missing = None
    district_filter = district
    if district is None and (request.GET.get("district") or "").isdigit():
        district_filter = District.objects.visible_to(user).filter(
            region=region, pk=int(request.GET["district"])).defer("boundary").first()
    base = selectors.coverage(user=user, district_id=district_filter.pk if district_filter else None,
                              region_id=region.pk)
    text = (request.GET.get("q") or "").strip()[:100]
    qs = coverage_search(selectors.coverage_gaps(base, missing), text)
    page = Paginator(qs, COVERAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    coverage_staff_attach(user=user, mahallas=rows)
    assign_form = None
    if can(user, "incidents.manage_assignments"):
        mahallas_qs = Mahalla.objects.visible_to(user).filter(
            **({"district": district} if district else {"district__region": region}))
        assign_form = AssignmentForm(manager=user, mahallas_qs=mahallas_qs)
    districts = []
    if district is None:
        districts = list(District.objects.visible_to(user).filter(region=region).defer("boundary")
                         .order_by("name_uz"))
    return {
        "region": region, "district": district, "territory": district or region, "page": page, "rows": rows,
        "totals": coverage_totals(base), "missing": missing or "", "q": text, "assign_form": assign_form,
        "districts": districts, "district_filter": district_filter,
        "query": filter_query(request.GET), "window": selectors.COVERAGE_WINDOW_DAYS,
    }


@login_required
@require_GET
def coverage_district(request, pk: int):
    district = get_object_or_404(District.objects.visible_to(request.user).select_related("region")
                                 .defer("boundary", "region__boundary"), pk=pk)
    context = _coverage_context(request, region=district.region, district=district)
    return render_page(request, "incidents/coverage.html", context, fragment="incidents/_coverage_rows.html")


@login_required
@require_GET
def coverage_region(request, pk: int):
    region = get_object_or_404(Region.objects.visible_to(request.user).defer("boundary"), pk=pk)
    context = _coverage_context(request, region=region, district=None)
    return render_page(request, "incidents/coverage.html", context, fragment="incidents/_coverage_rows.html")
