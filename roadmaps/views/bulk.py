"""A district official's shortcuts: the same measure for many mahallas of the district, and the district's
roadmap started from a regional template."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.capabilities import can
from core.dates import today
from core.htmx import render_page
from mahallas.models import District, Mahalla

from .. import services
from ..errors import RoadmapError
from ..forms import FromTemplateForm, ItemBulkForm
from ..models import RoadmapTemplate


def _district_of(user) -> District:
    if not can(user, "roadmaps.plan_mahallas"):
        raise PermissionDenied
    return District.objects.defer("boundary").get(pk=user.district_id)


@login_required
@require_http_methods(["GET", "POST"])
def bulk_add(request):
    """The same measure for many mahallas of the district at once."""
    district = _district_of(request.user)
    mahallas_qs = Mahalla.objects.filter(district=district).defer("boundary").order_by("name_uz")
    if request.method == "POST":
        form = ItemBulkForm(request.POST, mahallas_qs=mahallas_qs)
        if form.is_valid():
            data = dict(form.cleaned_data)
            year, mahallas = data.pop("year"), data.pop("mahallas")
            try:
                items = services.items_create_for_mahallas(by=request.user, district=district, year=year,
                                                           mahallas=mahallas, **data)
            except RoadmapError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("The measure was added to %(n)d mahalla roadmaps.") % {"n": len(items)})
                return redirect(reverse("roadmaps:list") + f"?year={year}&level=mahalla")
        status = 400
    else:
        form = ItemBulkForm(mahallas_qs=mahallas_qs, initial={"start_on": today()})
        status = 200
    return render_page(request, "roadmaps/bulk.html", {"form": form, "district": district}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def from_template(request):
    district = _district_of(request.user)
    templates_qs = RoadmapTemplate.objects.filter(region_id=district.region_id).order_by("name")
    if request.method == "POST":
        form = FromTemplateForm(request.POST, templates_qs=templates_qs)
        if form.is_valid():
            try:
                roadmap = services.roadmap_start_from_template(by=request.user, district=district,
                                                               **form.cleaned_data)
            except RoadmapError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("The roadmap was started from the template."))
                return redirect("roadmaps:detail", roadmap.pk)
        status = 400
    else:
        form = FromTemplateForm(templates_qs=templates_qs)
        status = 200
    return render_page(request, "roadmaps/from_template.html",
                       {"form": form, "district": district, "has_templates": templates_qs.exists()}, status=status)
