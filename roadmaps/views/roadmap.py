"""One roadmap: its page, its workflow (submit, approve, return, revise), its details, reviews and history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.capabilities import can
from audit.selectors import object_history
from core.dates import today
from core.htmx import render_page

from .. import selectors, services
from ..comparison import revision_comparison
from ..errors import RoadmapError
from ..forms import ReturnForm, ReviewForm, RoadmapSettingsForm
from ..models import RoadmapStatus
from .common import flags, form_post, roadmap_or_404


@login_required
@require_GET
def roadmap_detail(request, pk: int):
    roadmap = roadmap_or_404(request, pk)
    user = request.user
    items = list(selectors.roadmap_items(roadmap))
    context = {
        "roadmap": roadmap, "items": items, "progress": selectors.roadmap_progress_of(roadmap),
        **flags(user, roadmap),
        "can_submit": can(user, "roadmaps.submit_roadmap", roadmap),
        "can_approve": can(user, "roadmaps.approve_roadmap", roadmap),
        "can_revise": (can(user, "roadmaps.revise_roadmap", roadmap) and not selectors.revision_started(roadmap)),
        "next_revision": selectors.next_revision(user, roadmap),
        # What the approver decides on: the changes against the revision in force (until this one is approved).
        "comparison": (revision_comparison(roadmap)
                       if roadmap.status in (RoadmapStatus.DRAFT, RoadmapStatus.RETURNED, RoadmapStatus.SUBMITTED)
                       else None),
        "reviews": list(roadmap.reviews.select_related("recorded_by")[:50]),
        "events": list(roadmap.events.select_related("by").order_by("-at", "-id")[:8]),
        # The roadmap came through visible_to (`roadmap_or_404`): its own and its measures' field history may show.
        "history": object_history(roadmap, include=items, limit=50),
        "return_form": ReturnForm(),
        "settings_form": RoadmapSettingsForm(initial={
            "title": roadmap.title, "senior_official_name": roadmap.senior_official_name,
            "senior_official_post": roadmap.senior_official_post, "review_frequency": roadmap.review_frequency}),
        "review_form": ReviewForm(initial={"held_by": roadmap.senior_official_name, "held_on": today()}),
        "today": today(),
    }
    return render_page(request, "roadmaps/detail.html", context)


@login_required
@require_GET
def roadmap_progress_fragment(request, pk: int):
    roadmap = roadmap_or_404(request, pk)
    return render_page(request, "roadmaps/_progress.html",
                       {"roadmap": roadmap, "progress": selectors.roadmap_progress_of(roadmap)})


@login_required
@require_GET
def roadmap_history(request, pk: int):
    roadmap = roadmap_or_404(request, pk)
    events, changes = selectors.roadmap_history(roadmap)
    return render_page(request, "roadmaps/history.html", {"roadmap": roadmap, "events": events, "changes": changes})


# --- workflow ---------------------------------------------------------------------------------------

def _workflow(request, pk: int, capability: str, action, *, ok: str):
    """One step of the workflow; the page shown next is the roadmap the step returns (a new revision is another
    roadmap)."""
    roadmap = roadmap_or_404(request, pk)
    if not can(request.user, capability, roadmap):
        raise PermissionDenied
    try:
        result = action(roadmap)
    except RoadmapError as exc:
        messages.error(request, exc.message)
        return redirect("roadmaps:detail", roadmap.pk)
    messages.success(request, ok)
    return redirect("roadmaps:detail", result.pk)


@login_required
@require_POST
def roadmap_submit(request, pk: int):
    return _workflow(request, pk, "roadmaps.submit_roadmap",
                     lambda roadmap: services.roadmap_submit(by=request.user, roadmap=roadmap),
                     ok=_("Submitted for approval."))


@login_required
@require_POST
def roadmap_approve(request, pk: int):
    def act(roadmap):
        # Approval puts the plan in force: the page asks for an explicit confirmation, never one stray click.
        if request.POST.get("confirm") != "1":
            raise RoadmapError("confirm", _("Tick the confirmation to approve the plan."))
        return services.roadmap_approve(by=request.user, roadmap=roadmap, comment=request.POST.get("comment", ""))
    return _workflow(request, pk, "roadmaps.approve_roadmap", act, ok=_("Roadmap approved."))


@login_required
@require_POST
def roadmap_return(request, pk: int):
    def act(roadmap):
        form = ReturnForm(request.POST)
        if not form.is_valid():
            raise RoadmapError("comment", _("Say what must change: comments are required when returning a "
                                            "roadmap."))
        return services.roadmap_return(by=request.user, roadmap=roadmap, comment=form.cleaned_data["comment"])
    return _workflow(request, pk, "roadmaps.approve_roadmap", act,
                     ok=_("Returned to the author with your comments."))


@login_required
@require_POST
def roadmap_revise(request, pk: int):
    return _workflow(request, pk, "roadmaps.revise_roadmap",
                     lambda roadmap: services.roadmap_revise(by=request.user, roadmap=roadmap),
                     ok=_("A new revision was started as a draft. The approved one stays in force until it is "
                          "approved."))


# --- details and reviews ----------------------------------------------------------------------------

@login_required
@require_POST
def roadmap_settings(request, pk: int):
    roadmap = roadmap_or_404(request, pk)
    if not can(request.user, "roadmaps.report_progress", roadmap):
        raise PermissionDenied
    return form_post(request, RoadmapSettingsForm(request.POST),
                     lambda data: services.roadmap_update(by=request.user, roadmap=roadmap, **data),
                     ok=_("Saved."), invalid=_("Check the roadmap details."),
                     to=reverse("roadmaps:detail", args=[roadmap.pk]))


@login_required
@require_POST
def review_add(request, pk: int):
    roadmap = roadmap_or_404(request, pk)
    if not can(request.user, "roadmaps.report_progress", roadmap):
        raise PermissionDenied
    return form_post(request, ReviewForm(request.POST),
                     lambda data: services.review_add(by=request.user, roadmap=roadmap, **data),
                     ok=_("Review recorded."), invalid=_("Enter the date the review was held."),
                     to=reverse("roadmaps:detail", args=[roadmap.pk]) + "#reviews")
