"""Roadmaps across territories: the list, a new roadmap, those awaiting approval, the progress roll-up, and the
"Roadmap" panel of a territory page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.capabilities import can
from core.dates import today
from core.htmx import render_page

from .. import selectors, services
from ..errors import RoadmapError
from ..forms import RoadmapCreateForm
from ..models import RoadmapStatus
from ..years import clean_year

PAGE_SIZE = 50


@login_required
@require_GET
def roadmap_list(request):
    status = request.GET.get("status", "")
    status = status if status in RoadmapStatus.values else ""
    level = request.GET.get("level", "")
    text = request.GET.get("q", "").strip()[:100]
    try:
        year = clean_year(request.GET.get("year"))
    except RoadmapError:
        year = None
    qs = selectors.roadmaps_for(request.user, year=year, status=status, level=level, text=text)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.with_progress(list(page.object_list))
    territories = selectors.territories_writable_by(request.user)
    context = {
        "page": page, "rows": rows, "q": text, "status": status, "level": level, "year": year,
        "statuses": RoadmapStatus.choices,
        "create_form": RoadmapCreateForm(territories=territories) if territories else None,
        "is_district_official": can(request.user, "roadmaps.plan_mahallas"),
        "awaiting": len(selectors.awaiting_approval(request.user)),
    }
    return render_page(request, "roadmaps/list.html", context, fragment="roadmaps/_list_rows.html")


@login_required
@require_POST
def roadmap_create(request):
    territories = selectors.territories_writable_by(request.user)
    if not territories:
        raise PermissionDenied
    form = RoadmapCreateForm(request.POST, territories=territories)
    if form.is_valid():
        territory = form.cleaned_data["territory"]
        if not can(request.user, "roadmaps.write_territory", territory):
            raise PermissionDenied
        try:
            roadmap = services.roadmap_create(by=request.user, territory=territory, year=form.cleaned_data["year"],
                                              title=form.cleaned_data["title"])
        except RoadmapError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Roadmap created."))
            return redirect("roadmaps:detail", roadmap.pk)
    return render_page(request, "roadmaps/create.html", {"form": form}, status=400)


@login_required
@require_GET
def approvals(request):
    rows = selectors.with_progress(selectors.awaiting_approval(request.user))
    return render_page(request, "roadmaps/approvals.html", {"rows": rows})


def _rollup_territory(request):
    level, _sep, pk = (request.GET.get("territory") or "").partition(":")
    if level in selectors.TERRITORY_MODELS and pk.isdigit():
        model = selectors.TERRITORY_MODELS[level]
        return get_object_or_404(model.objects.visible_to(request.user).defer("boundary"), pk=int(pk))
    return selectors.rollup_territory_default(request.user)


def _year(request) -> int:
    try:
        return clean_year(request.GET.get("year"))
    except RoadmapError:
        return today().year


@login_required
@require_GET
def rollup(request):
    territory = _rollup_territory(request)
    year = _year(request)
    data = selectors.territory_rollup(request.user, territory, year=year)
    this_year = today().year
    context = {"territory": territory, "rollup": data, "year": year,
               "years": range(this_year - 2, this_year + 2),
               "level": territory._meta.model_name if territory is not None else "national"}
    return render_page(request, "roadmaps/rollup.html", context)


@login_required
@require_GET
def territory_panel(request, level: str, pk: int):
    """The body of the "Roadmap" panel of a territory page (loaded by HTMX; see panels.py)."""
    if level not in selectors.TERRITORY_MODELS:
        raise Http404
    model = selectors.TERRITORY_MODELS[level]
    territory = get_object_or_404(model.objects.visible_to(request.user).defer("boundary"), pk=pk)
    year = today().year
    context = {"roadmaps": selectors.territory_roadmaps(request.user, territory, since_year=year - 1),
               "year": year, "territory_key": f"{level}:{territory.pk}",
               "progress": selectors.territory_progress(request.user, territory, year=year),
               "can_create": can(request.user, "roadmaps.write_territory", territory)}
    return render_page(request, "roadmaps/_panel_body.html", context)
