"""The territory browser: national map -> region -> district -> mahalla, all within the user's scope.

Tables filter and page with plain GET parameters (`q`, `page`); an HTMX request gets only the
table fragment (`_*_rows.html`), a normal request the whole page, so everything works without JS.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from core import dates
from core.htmx import render_page
from mahallas.models import District, Mahalla, Region

from . import selectors as pages
from .home import has_home_panels, home_panels_for, home_period, territory_link
from .panels import panels_for

PAGE_SIZE = 50
# The GeoJSON layers of the API (mahallas/api_urls.py); map.js adds `zoom` and follows `properties.url`.
GEO_LAYERS = {"region": "/api/v1/geo/regions/", "district": "/api/v1/geo/districts/",
              "mahalla": "/api/v1/geo/mahallas/"}


def _map(level: str, *, highlight: int | None = None, **filters) -> dict:
    """Context for templates/_map.html: the layer to draw and where a click on a feature leads."""
    url = GEO_LAYERS[level] + (f"?{urlencode(filters)}" if filters else "")
    return {
        "geojson_url": url,
        # Used when a feature has no `url` property; "{id}" is replaced by the feature's id.
        "link_template": reverse(f"territories:{level}", args=[0]).replace("/0/", "/{id}/"),
        "highlight": highlight,
        "map_tiles_url": settings.MAP_TILES_URL,
    }


def _table_response(request, template: str, rows_template: str, context: dict, qs, *, staff=False):
    text = request.GET.get("q", "").strip()[:100]
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = pages.with_staff(page.object_list) if staff else list(page.object_list)
    context.update(page=page, rows=rows, q=text)
    return render_page(request, template, context, fragment=rows_template)


@login_required
def national(request):
    text = request.GET.get("q", "")
    totals = pages.territory_totals(Mahalla.objects.visible_to(request.user))
    context = {"totals": totals, "region_total": Region.objects.visible_to(request.user).count(),
               "panels": panels_for("national", request, None), **_map("region")}
    return _table_response(request, "territories/national.html", "territories/_region_rows.html", context,
                           pages.regions_for(request.user, text))


@login_required
def region_detail(request, pk: int):
    region = get_object_or_404(Region.objects.visible_to(request.user).defer("boundary"), pk=pk)
    text = request.GET.get("q", "")
    mahallas = Mahalla.objects.visible_to(request.user).filter(district__region=region)
    context = {
        "region": region,
        "totals": pages.territory_totals(mahallas),
        "district_total": District.objects.visible_to(request.user).filter(region=region).count(),
        "panels": panels_for("region", request, region),
        **_map("district", region=region.pk),
    }
    return _table_response(request, "territories/region.html", "territories/_district_rows.html", context,
                           pages.districts_for(request.user, region, text))


@login_required
def district_detail(request, pk: int):
    visible = District.objects.visible_to(request.user).select_related("region")
    district = get_object_or_404(visible.defer("boundary", "region__boundary"), pk=pk)
    text = request.GET.get("q", "")
    context = {
        "district": district,
        "region": district.region,
        "totals": pages.territory_totals(Mahalla.objects.visible_to(request.user).filter(district=district)),
        "panels": panels_for("district", request, district),
        **_map("mahalla", district=district.pk),
    }
    return _table_response(request, "territories/district.html", "territories/_mahalla_rows.html", context,
                           pages.mahallas_for(request.user, district=district, text=text), staff=True)


@login_required
def mahalla_detail(request, pk: int):
    qs = pages.mahallas_for(request.user)
    mahalla = pages.with_staff([get_object_or_404(qs, pk=pk)])[0]
    context = {
        "mahalla": mahalla,
        "district": mahalla.district,
        "region": mahalla.district.region,
        "history": pages.assignment_history(request.user, mahalla),
        "panels": panels_for("mahalla", request, mahalla),
        **_map("mahalla", highlight=mahalla.pk, district=mahalla.district_id),
    }
    return render(request, "territories/mahalla.html", context)


@login_required
def my_mahallas(request):
    """The field worker's start page: the mahallas they are assigned to now (their whole scope)."""
    text = request.GET.get("q", "")
    return _table_response(request, "territories/mine.html", "territories/_mahalla_rows.html",
                           # Their own column would repeat their own name on every row.
                           {"show_district": True, "own_role": request.user.role, **_map("mahalla")},
                           pages.mahallas_for(request.user, text=text), staff=True)


@login_required
def home(request):
    """What needs the user today: the panels of their role first, then the way to their territory page.
    A role without home panels goes straight to its territory page; a user without either is told why."""
    territory = territory_link(request.user)
    panels = home_panels_for(request) if has_home_panels(request.user) else []
    if not panels:
        if territory is None:
            return render(request, "accounts/no_scope.html", status=403)
        return redirect(territory.url)
    context = {"panels": panels, "territory": territory, "period": home_period(), "today": dates.today(),
               "assets": list(dict.fromkeys(p["assets"] for p in panels if p.get("assets")))}
    return render(request, "territories/home.html", context)
