"""What the roadmap pages share: the scoped lookups (404 outside the user's scope), the permission flags the
templates show, and the small POST forms that flash their outcome."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect

from accounts.capabilities import can

from ..errors import RoadmapError
from ..models import Roadmap, RoadmapItem


def roadmap_or_404(request, pk: int) -> Roadmap:
    return get_object_or_404(Roadmap.objects.visible_to(request.user).for_list(), pk=pk)


def item_or_404(request, pk: int) -> RoadmapItem:
    qs = RoadmapItem.objects.visible_to(request.user).select_related(
        "roadmap", "roadmap__mahalla", "roadmap__district", "roadmap__region").defer(
        "roadmap__mahalla__boundary", "roadmap__district__boundary", "roadmap__region__boundary")
    return get_object_or_404(qs, pk=pk)


def flags(user, roadmap: Roadmap) -> dict:
    return {
        "can_edit": can(user, "roadmaps.edit_roadmap", roadmap),
        "can_report": can(user, "roadmaps.report_progress", roadmap),
    }


def form_post(request, form, act, *, ok: str, invalid: str, to: str):
    """The small forms of the roadmap pages: validate, call one service, flash the outcome, go back to `to`."""
    if not form.is_valid():
        messages.error(request, invalid)
        return redirect(to)
    try:
        act(form.cleaned_data)
    except RoadmapError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok)
    return redirect(to)
