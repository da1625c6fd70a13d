"""A roadmap out (Excel, print) and measures in (an Excel file checked row by row before anything is saved)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.capabilities import can
from audit.models import AuditEvent
from audit.services import audit_record
from core.htmx import render_page

from .. import excel, selectors, services
from ..errors import RoadmapError
from ..forms import ImportForm
from .common import roadmap_or_404


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=excel.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def roadmap_export(request, pk: int):
    roadmap = roadmap_or_404(request, pk)
    items = list(selectors.roadmap_items(roadmap))
    content = excel.roadmap_xlsx(roadmap, items, selectors.roadmap_progress_of(roadmap))
    audit_record(action=AuditEvent.Action.EXPORT, request=request, obj=roadmap, details={"format": "xlsx"})
    territory = roadmap.territory
    return _xlsx(content, f"roadmap-{roadmap.year}-{territory.code}-r{roadmap.revision}.xlsx")


@login_required
@require_GET
def roadmap_print(request, pk: int):
    roadmap = roadmap_or_404(request, pk)
    audit_record(action=AuditEvent.Action.EXPORT, request=request, obj=roadmap, details={"format": "print"})
    return render_page(request, "roadmaps/print.html", {
        "roadmap": roadmap, "items": list(selectors.roadmap_items(roadmap)),
        "progress": selectors.roadmap_progress_of(roadmap),
        "reviews": list(roadmap.reviews.all()[:20]), "printed_at": timezone.localtime()})


@login_required
@require_GET
def import_template(request):
    return _xlsx(excel.blank_template(), "roadmap-import-template.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_import(request, pk: int):
    roadmap = roadmap_or_404(request, pk)
    if not can(request.user, "roadmaps.edit_roadmap", roadmap):
        raise PermissionDenied
    errors, status = [], 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                parsed = excel.parse_items(form.cleaned_data["file"])
                if parsed.errors:
                    errors = parsed.errors
                else:
                    items = services.items_import(by=request.user, roadmap=roadmap, rows=parsed.rows)
                    messages.success(request, _("%(n)d measures imported.") % {"n": len(items)})
                    return redirect("roadmaps:detail", roadmap.pk)
            except RoadmapError as exc:
                form.add_domain_error(exc)
        status = 400
    else:
        form = ImportForm()
    return render_page(request, "roadmaps/import.html", {"roadmap": roadmap, "form": form, "errors": errors},
                       status=status)
