"""The open-data page (/open/) and its map layer (/open/map/): for residents, no sign-in.

A resident finds their own mahalla first: regions with their mahallas by colour, then a region's districts
(with the region's subtotal), then a district's mahallas, or a search by mahalla name (HTMX swaps the table).
The map shows the colours of the chosen unit. Crime figures stay those of `selectors.public` and
`disclosure`: a region's subtotal adds only figures that are shown.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from audit.net import client_ip
from core import dates
from core.htmx import render_page
from core.periods import Period, PeriodError, default_period
from core.periods import choices as status_period_choices
from mahallas.models import District, Region

from . import disclosure, maps
from .forms import parse_int
from .selectors import public

PUBLIC_RATE_PER_MINUTE = 60


def _rate_limited(request) -> bool:
    """At most PUBLIC_RATE_PER_MINUTE requests a minute from one IP (a fixed window in Redis)."""
    key = f"dash:public-rate:{client_ip(request)}:{int(timezone.now().timestamp() // 60)}"
    if cache.add(key, 1, 70):
        return False
    try:
        return cache.incr(key) > PUBLIC_RATE_PER_MINUTE
    except ValueError:
        return False


def _too_many() -> HttpResponse:
    response = HttpResponse(_("Too many requests. Try again in a minute."), status=429,
                            content_type="text/plain; charset=utf-8")
    response["Retry-After"] = "60"
    return response


def _public_period(request) -> Period:
    """The zone-status period asked for; by default (or for a key it cannot read) the quarter so far, as every
    page opens with: the rolling 90 days only when asked for ("current"), and then labelled as such."""
    key = request.GET.get("period")
    if not key:
        return default_period()
    try:
        return Period.parse(key)
    except PeriodError:
        return default_period()


def _crime_period(request, published: list[Period]) -> Period | None:
    """The half-year asked for in `crimes` (the newest published one by default); None when it is not one of the
    published half-years."""
    key = (request.GET.get("crimes") or "").strip().upper()
    if not key:
        return published[0] if published else None
    return next((p for p in published if p.key == key), None)


def _units(request, period: Period) -> dict:
    """The chosen region and district (unknown ids are ignored) and the rows of the colour table."""
    district = region = None
    if district_id := parse_int(request.GET.get("district")):
        district = District.objects.select_related("region").defer("boundary", "region__boundary").filter(
            pk=district_id).first()
    if district:
        region = district.region
    elif region_id := parse_int(request.GET.get("region")):
        region = Region.objects.defer("boundary").filter(pk=region_id).first()
    text = request.GET.get("q", "").strip()[:100]
    sort = request.GET.get("sort", "name")
    sort = sort if sort.lstrip("-") in public.SORTS else "name"
    total = None
    if district or text:
        level = "mahalla"
        rows = public.mahalla_colours(period.key, district_id=district and district.pk,
                                      region_id=region and region.pk, text=text)
    elif region:
        level = "district"
        rows, total = public.district_colours(period.key, region.pk)
    else:
        level = "region"
        rows, total = public.region_colours(period.key)
    return {"level": level, "region": region, "district": district, "q": text, "sort": sort,
            "units": public.sort_units(rows, sort), "units_total": total,
            "searched": bool(text), "search_limit": public.SEARCH_LIMIT}


def _columns(level: str, sort: str, query: str, text: str) -> list[dict]:
    """The colour table's sortable columns: label, the link that sorts by it (again: the other way) and the
    aria-sort of the current one."""
    name = {"region": _("Region"), "district": _("District"), "mahalla": _("Mahalla")}[level]
    keys = [("name", name, False)]
    if level == "mahalla":
        keys.append(("colour", _("Colour"), False))
    else:
        keys += [("mahallas", _("Mahallas"), True), ("green", _("Green"), True), ("yellow", _("Yellow"), True),
                 ("red", _("Red"), True), ("none", _("No status"), True)]
    columns = []
    for key, label, numeric in keys:
        current = sort.lstrip("-") == key
        descending = sort.startswith("-")
        # Counts open largest first, names A to Z; a second click turns the order round.
        wanted = ("" if descending else "-") if current else ("-" if numeric else "")
        params = query + ("&" + urlencode({"q": text}) if text else "") + "&" + urlencode({"sort": wanted + key})
        columns.append({"key": key, "label": label, "numeric": numeric, "url": "?" + params,
                        "aria_sort": ("descending" if descending else "ascending") if current else "none"})
    return columns


def _query(period: Period, crime_period: Period | None, **extra) -> str:
    params = {"period": period.key, **({"crimes": crime_period.key} if crime_period else {}),
              **{k: v for k, v in extra.items() if v}}
    return urlencode(params)


@require_GET
def public_page(request):
    if _rate_limited(request):
        return _too_many()
    period = _public_period(request)
    published = public.crime_periods()
    crime_period = _crime_period(request, published)
    if crime_period is None and request.GET.get("crimes"):
        return HttpResponseBadRequest(
            _("crimes: crime figures are published for settled calendar half-years only: %(keys)s.")
            % {"keys": ", ".join(p.key for p in published) or "—"}, content_type="text/plain; charset=utf-8")
    units = _units(request, period)
    region, district = units["region"], units["district"]
    crimes = public.crime_table(crime_period) if crime_period else None
    unit = {"region": region and not district and region.pk, "district": district and district.pk}
    unit_query = _query(period, crime_period, **unit)
    response = render_page(request, "dashboards/public.html", {
        "period": period, **units,
        "columns": _columns(units["level"], units["sort"], unit_query, units["q"]),
        "period_choices": status_period_choices(),
        "crime_period": crime_period, "crime_periods": published,
        "crimes": crimes,
        "crime_groups": public.crime_groups(crimes, region and region.pk) if crimes else [],
        "threshold": disclosure.THRESHOLD, "hidden_mark": public.HIDDEN,
        # Each link keeps the periods; `unit_query` also the chosen unit (sort links and the search form).
        "base_query": _query(period, crime_period),
        "unit_query": unit_query,
        "map_url": reverse("dashboards:public-map") + "?" + urlencode(
            {"period": period.key, **{k: v for k, v in unit.items() if v}}),
        "map_tiles_url": settings.MAP_TILES_URL,
    }, fragment="dashboards/_public_units.html")
    response["Cache-Control"] = "public, max-age=300"
    return response


def _wants_html(request) -> bool:
    """A person's browser (it asks for HTML first), not the page's script or a program asking for JSON."""
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and "json" not in accept.split("text/html")[0]


@require_GET
def public_map(request):
    if _rate_limited(request):
        return _too_many()
    period = _public_period(request)
    if _wants_html(request):
        # A person who opened the layer's address gets the page that draws it.
        response = redirect(reverse("dashboards:public") + "?" + urlencode({"period": period.key})
                            + "#public-map-heading")
        patch_vary_headers(response, ["Accept"])
        return response
    zoom = max(4, min(18, parse_int(request.GET.get("zoom")) or 6))
    data = maps.public_map_gzip(period.key, zoom=zoom, today=dates.today(),
                                region_id=parse_int(request.GET.get("region")),
                                district_id=parse_int(request.GET.get("district")))
    response = _gzip_json(request, data)
    patch_vary_headers(response, ["Accept"])
    return response


def _gzip_json(request, data: bytes) -> HttpResponse:
    import gzip

    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(data, content_type="application/geo+json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(data), content_type="application/geo+json")
    response["Vary"] = "Accept-Encoding, Accept-Language"
    response["Cache-Control"] = "public, max-age=300"
    return response
