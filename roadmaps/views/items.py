"""Inline editing of a roadmap's measures: a row, its edit form, a new measure, a new KPI, move, duplicate,
delete.

An HTMX request gets the row (or all rows) back and an `HX-Trigger: roadmapChanged` header, so the page's
progress block reloads itself (see detail.html)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.capabilities import can
from core.dates import today
from core.htmx import is_fragment, render_page

from .. import selectors, services
from ..errors import RoadmapError
from ..forms import ItemForm, KpiForm
from ..models import Roadmap, RoadmapItem
from ..services.values import ITEM_FIELDS
from .common import flags, item_or_404, roadmap_or_404


def _row_context(request, item_pk: int, roadmap: Roadmap, **extra) -> dict:
    item = selectors.roadmap_items(roadmap).get(pk=item_pk)
    return {"item": item, "roadmap": roadmap, **flags(request.user, roadmap), **extra}


def _changed(response):
    """Tell the page that the roadmap changed: its progress block reloads itself (see detail.html)."""
    response["HX-Trigger"] = "roadmapChanged"
    return response


def _row_response(request, item_pk: int, roadmap: Roadmap):
    return _changed(render_page(request, "roadmaps/_item_row.html", _row_context(request, item_pk, roadmap)))


def _rows_response(request, roadmap: Roadmap):
    context = {"roadmap": roadmap, "items": list(selectors.roadmap_items(roadmap)), **flags(request.user, roadmap)}
    return _changed(render_page(request, "roadmaps/_item_rows.html", context))


def _save(request, form, save, roadmap: Roadmap, *, ok: str):
    """Validate, save through one service: the saved row (HTMX) or the roadmap at that row; None when the form
    must be shown again with its errors."""
    if not form.is_valid():
        return None
    try:
        item = save(form.cleaned_data)
    except RoadmapError as exc:
        form.add_domain_error(exc)
        return None
    if is_fragment(request):
        return _row_response(request, item.pk, roadmap)
    messages.success(request, ok)
    return redirect(reverse("roadmaps:detail", args=[roadmap.pk]) + f"#item-{item.pk}")


def _item_initial(item: RoadmapItem) -> dict:
    return {f: getattr(item, f) for f in ITEM_FIELDS}


@login_required
@require_GET
def item_row(request, pk: int):
    item = item_or_404(request, pk)
    return render_page(request, "roadmaps/_item_row.html", _row_context(request, item.pk, item.roadmap))


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int):
    item = item_or_404(request, pk)
    roadmap = item.roadmap
    can_edit = can(request.user, "roadmaps.edit_roadmap", roadmap)
    if not (can_edit or can(request.user, "roadmaps.report_progress", roadmap)):
        raise PermissionDenied
    prefix = f"i{item.pk}"
    if request.method == "POST":
        form = ItemForm(request.POST, prefix=prefix, plan_editable=can_edit)
        saved = _save(request, form, lambda data: services.item_update(by=request.user, item=item, **data), roadmap,
                      ok=_("Saved."))
        if saved is not None:
            return saved
    else:
        form = ItemForm(initial=_item_initial(item), prefix=prefix, plan_editable=can_edit)
    context = {"form": form, "item": item, "roadmap": roadmap,
               "action": reverse("roadmaps:item_edit", args=[item.pk]),
               "cancel": reverse("roadmaps:item_row", args=[item.pk])}
    return render_page(request, "roadmaps/item_edit.html", context, fragment="roadmaps/_item_form.html")


@login_required
@require_http_methods(["GET", "POST"])
def item_add(request, pk: int):
    roadmap = roadmap_or_404(request, pk)
    if not can(request.user, "roadmaps.edit_roadmap", roadmap):
        raise PermissionDenied
    if request.method == "POST":
        form = ItemForm(request.POST, prefix="new")
        saved = _save(request, form, lambda data: services.item_create(by=request.user, roadmap=roadmap, **data),
                      roadmap, ok=_("Measure added."))
        if saved is not None:
            return saved
    else:
        form = ItemForm(prefix="new", initial={"start_on": today()})
    context = {"form": form, "item": None, "roadmap": roadmap,
               "action": reverse("roadmaps:item_add", args=[roadmap.pk]), "cancel": ""}
    return render_page(request, "roadmaps/item_edit.html", context, fragment="roadmaps/_item_form.html")


def kpi_add_inline(request, item: RoadmapItem):
    """A KPI added from the roadmap editor: the measure's row becomes the KPI form, and the saved row returns."""
    roadmap = item.roadmap
    form = KpiForm(request.POST if request.method == "POST" else None, prefix=f"kpi{item.pk}")
    if form.is_bound and form.is_valid():
        try:
            services.kpi_create(by=request.user, item=item, **form.cleaned_data)
        except RoadmapError as exc:
            form.add_domain_error(exc)
        else:
            return _row_response(request, item.pk, roadmap)
    context = {"form": form, "item": item, "roadmap": roadmap,
               "action": reverse("roadmaps:kpi_add", args=[item.pk])}
    return render_page(request, "roadmaps/_kpi_form.html", context)


def _item_action(request, pk: int, action):
    item = item_or_404(request, pk)
    roadmap = item.roadmap
    if not can(request.user, "roadmaps.edit_roadmap", roadmap):
        raise PermissionDenied
    try:
        action(item)
    except RoadmapError as exc:
        if is_fragment(request):
            return HttpResponse(str(exc.message), status=400, content_type="text/plain; charset=utf-8")
        messages.error(request, exc.message)
    if is_fragment(request):
        return _rows_response(request, roadmap)
    return redirect("roadmaps:detail", roadmap.pk)


@login_required
@require_POST
def item_move(request, pk: int):
    return _item_action(request, pk, lambda item: services.item_move(
        by=request.user, item=item, direction=request.POST.get("direction", "")))


@login_required
@require_POST
def item_duplicate(request, pk: int):
    return _item_action(request, pk, lambda item: services.item_duplicate(by=request.user, item=item))


@login_required
@require_POST
def item_delete(request, pk: int):
    return _item_action(request, pk, lambda item: services.item_delete(by=request.user, item=item))
