"""One measure's page: its KPIs and their reported values, the evidence that it was carried out, its history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.capabilities import can
from audit.models import AuditEvent
from audit.services import audit_record
from core.htmx import is_fragment, render_page

from .. import selectors, services
from ..forms import EvidenceForm, KpiForm, KpiRecordForm
from ..models import Evidence, Kpi
from .common import flags, form_post, item_or_404
from .items import kpi_add_inline


@login_required
@require_GET
def item_detail(request, pk: int):
    item = item_or_404(request, pk)
    roadmap = item.roadmap
    context = {
        "item": selectors.roadmap_items(roadmap).get(pk=item.pk), "roadmap": roadmap,
        "kpis": list(item.kpis.prefetch_related("updates__by")),
        "evidence": selectors.item_evidence(request.user, item),
        "history": selectors.item_history(item), **flags(request.user, roadmap),
        "kpi_form": KpiForm(), "record_form": KpiRecordForm(), "evidence_form": EvidenceForm(),
    }
    return render_page(request, "roadmaps/item.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def kpi_add(request, pk: int):
    """A new KPI: inline in the roadmap editor (HTMX), or from the measure's page."""
    item = item_or_404(request, pk)
    if not can(request.user, "roadmaps.edit_roadmap", item.roadmap):
        raise PermissionDenied
    if is_fragment(request):
        return kpi_add_inline(request, item)
    if request.method == "GET":
        return redirect(reverse("roadmaps:item", args=[item.pk]) + "#kpis")
    return form_post(request, KpiForm(request.POST),
                     lambda data: services.kpi_create(by=request.user, item=item, **data),
                     ok=_("KPI added."), invalid=_("Check the KPI: indicator and target are required."),
                     to=reverse("roadmaps:item", args=[item.pk]))


@login_required
@require_POST
def kpi_record(request, pk: int):
    kpi = get_object_or_404(Kpi.objects.visible_to(request.user).select_related("item__roadmap"), pk=pk)
    if not can(request.user, "roadmaps.report_progress", kpi.item.roadmap):
        raise PermissionDenied
    return form_post(request, KpiRecordForm(request.POST),
                     lambda data: services.kpi_record(by=request.user, kpi=kpi, **data),
                     ok=_("Value recorded."), invalid=_("Enter a date and a value."),
                     to=reverse("roadmaps:item", args=[kpi.item_id]))


@login_required
@require_POST
def evidence_add(request, pk: int):
    item = item_or_404(request, pk)
    if not can(request.user, "roadmaps.report_progress", item.roadmap):
        raise PermissionDenied

    def add(data):
        if data["kind"] == "file":
            services.evidence_add_file(by=request.user, item=item, upload=data["file"], note=data["note"])
        else:
            services.evidence_add_link(by=request.user, item=item, kind=data["kind"],
                                       linked_id=data["linked_id"], note=data["note"])

    return form_post(request, EvidenceForm(request.POST, request.FILES), add,
                     ok=_("Evidence added."), invalid=_("Check the evidence form."),
                     to=reverse("roadmaps:item", args=[item.pk]) + "#evidence")


@login_required
@require_GET
def evidence_file(request, pk: int):
    """Evidence files are never served from MEDIA_URL: only here, after the same scope check as the roadmap."""
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user).select_related("item__roadmap"),
                                 pk=pk, kind="file")
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    audit_record(action=AuditEvent.Action.VIEW, request=request, obj=evidence,
                 territory=evidence.item.roadmap.territory)
    response = FileResponse(handle, content_type=evidence.content_type, as_attachment=True,
                            filename=evidence.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
