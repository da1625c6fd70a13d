"""The "Cameras and alerts" panel of a district or mahalla page, loaded after the page (see panels.py)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from accounts.capabilities import can
from mahallas.models import District, Mahalla

from .. import selectors


@login_required
def territory_panel(request, level: str, pk: int):
    model = {"district": District, "mahalla": Mahalla}.get(level)
    if model is None:
        raise Http404
    territory = model.objects.visible_to(request.user).defer("boundary").filter(pk=pk).first()
    if territory is None:
        raise Http404
    if not can(request.user, "surveillance.view_cameras"):
        return HttpResponse("")
    counts = selectors.camera_counts(user=request.user, **{level: territory})
    if not (counts["total"] or counts["review"]):
        return HttpResponse("")
    return render(request, "surveillance/_territory_panel.html", {"panel": {
        "counts": counts, "territory": territory, "territory_level": level}})
