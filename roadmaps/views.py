"""HTML pages of roadmaps. Views parse input, check one named permission, call one service or selector, render.

An HTMX request gets a fragment (`_item_row.html`, `_item_form.html`, `_item_rows.html`); a plain request the whole
page, so every action also works without JavaScript. Anything outside the user's scope answers 404; something in
scope that the user may read but not change answers 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.capabilities import can
from audit.models import AuditEvent
from audit.selectors import object_history
from audit.services import audit_record
from mahallas.models import District, Mahalla, Region

from . import excel, selectors, services
from .errors import RoadmapError
from .evidence import linked_records
from .forms import (
    EvidenceForm,
    FromTemplateForm,
    ImportForm,
    ItemBulkForm,
    ItemForm,
    KpiForm,
    KpiRecordForm,
    ReturnForm,
    ReviewForm,
    RoadmapCreateForm,
    RoadmapSettingsForm,
)
from .models import Evidence, Kpi, Roadmap, RoadmapItem, RoadmapStatus, RoadmapTemplate
from .years import clean_year

PAGE_SIZE = 50


def _year(request) -> int:
    try:
        return clean_year(request.GET.get("year"))
    except RoadmapError:
        return timezone.localdate().year


def _roadmap(request, pk: int) -> Roadmap:
    return get_object_or_404(Roadmap.objects.visible_to(request.user).for_list(), pk=pk)


def _item(request, pk: int) -> RoadmapItem:
    qs = RoadmapItem.objects.visible_to(request.user).select_related(
        "roadmap", "roadmap__mahalla", "roadmap__district", "roadmap__region").defer(
        "roadmap__mahalla__boundary", "roadmap__district__boundary", "roadmap__region__boundary")
    return get_object_or_404(qs, pk=pk)


def _fragment(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _render(request, template: str, context: dict, *, status: int = 200):
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _editable_territories(user) -> list[tuple[str, object, str]]:
    """(key, territory, label) of the territories whose roadmaps this user writes."""
    district = District.objects.defer("boundary").filter(pk=user.district_id).first() if user.district_id else None
    if district is not None and can(user, "roadmaps.write_territory", district):
        rows = [(f"district:{district.pk}", district, _("%(name)s (district)") % {"name": district.name})]
        for mahalla in Mahalla.objects.filter(district=district).defer("boundary").order_by("name_uz"):
            rows.append((f"mahalla:{mahalla.pk}", mahalla, mahalla.name))
        return rows
    region = Region.objects.defer("boundary").filter(pk=user.region_id).first() if user.region_id else None
    if region is not None and can(user, "roadmaps.write_territory", region):
        return [(f"region:{region.pk}", region, _("%(name)s (region)") % {"name": region.name})]
    return []


# --- lists ------------------------------------------------------------------------------------------

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
    rows = list(page.object_list)
    progress = selectors.roadmap_progress([r.pk for r in rows])
    for roadmap in rows:
        roadmap.progress = progress.get(roadmap.pk) or selectors.Progress()
    territories = _editable_territories(request.user)
    context = {
        "page": page, "rows": rows, "q": text, "status": status, "level": level, "year": year,
        "statuses": RoadmapStatus.choices,
        "create_form": RoadmapCreateForm(territories=territories) if territories else None,
        "is_district_official": can(request.user, "roadmaps.plan_mahallas"),
        "awaiting": len(selectors.awaiting_approval(request.user)),
    }
    return _render(request, "roadmaps/_list_rows.html" if _fragment(request) else "roadmaps/list.html", context)


@login_required
@require_POST
def roadmap_create(request):
    territories = _editable_territories(request.user)
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
            form.add_service_error(exc)
        else:
            messages.success(request, _("Roadmap created."))
            return redirect("roadmaps:detail", roadmap.pk)
    return _render(request, "roadmaps/create.html", {"form": form}, status=400)


@login_required
@require_GET
def approvals(request):
    rows = selectors.awaiting_approval(request.user)
    progress = selectors.roadmap_progress([r.pk for r in rows])
    for roadmap in rows:
        roadmap.progress = progress.get(roadmap.pk) or selectors.Progress()
    return _render(request, "roadmaps/approvals.html", {"rows": rows})


def _rollup_territory(request):
    level, _sep, pk = (request.GET.get("territory") or "").partition(":")
    models = {"region": Region, "district": District, "mahalla": Mahalla}
    if level in models and pk.isdigit():
        return get_object_or_404(models[level].objects.visible_to(request.user).defer("boundary"), pk=int(pk))
    user = request.user
    # By default the roll-up is of the territory whose roadmaps the user writes.
    for model, pk in ((District, user.district_id), (Region, user.region_id)):
        territory = model.objects.visible_to(user).defer("boundary").filter(pk=pk).first() if pk else None
        if territory is not None and can(user, "roadmaps.write_territory", territory):
            return territory
    return None


@login_required
@require_GET
def rollup(request):
    territory = _rollup_territory(request)
    year = _year(request)
    data = selectors.territory_rollup(request.user, territory, year=year)
    context = {"territory": territory, "rollup": data, "year": year,
               "years": range(timezone.localdate().year - 2, timezone.localdate().year + 2),
               "level": territory._meta.model_name if territory is not None else "national"}
    return _render(request, "roadmaps/rollup.html", context)


@login_required
@require_GET
def territory_panel(request, level: str, pk: int):
    """The body of the "Roadmap" panel of a territory page (loaded by HTMX; see panels.py)."""
    models = {"region": Region, "district": District, "mahalla": Mahalla}
    if level not in models:
        raise Http404
    territory = get_object_or_404(models[level].objects.visible_to(request.user).defer("boundary"), pk=pk)
    year = timezone.localdate().year
    roadmaps = list(Roadmap.objects.visible_to(request.user).filter(**{level: territory}, year__gte=year - 1)
                    .order_by("-year", "-revision")[:6])
    context = {"roadmaps": roadmaps, "year": year, "territory_key": f"{level}:{territory.pk}",
               "progress": selectors.territory_progress(request.user, territory, year=year),
               "can_create": can(request.user, "roadmaps.write_territory", territory)}
    return _render(request, "roadmaps/_panel_body.html", context)


# --- one roadmap ------------------------------------------------------------------------------------

def _progress(roadmap: Roadmap):
    return selectors.roadmap_progress([roadmap.pk]).get(roadmap.pk) or selectors.Progress()


def _flags(user, roadmap: Roadmap) -> dict:
    return {
        "can_edit": can(user, "roadmaps.edit_roadmap", roadmap),
        "can_report": can(user, "roadmaps.report_progress", roadmap),
    }


@login_required
@require_GET
def roadmap_detail(request, pk: int):
    roadmap = _roadmap(request, pk)
    user = request.user
    items = list(selectors.roadmap_items(roadmap))
    context = {
        "roadmap": roadmap, "items": items, "progress": _progress(roadmap), **_flags(user, roadmap),
        "can_submit": can(user, "roadmaps.submit_roadmap", roadmap),
        "can_approve": can(user, "roadmaps.approve_roadmap", roadmap),
        "can_revise": (can(user, "roadmaps.revise_roadmap", roadmap)
                       and not Roadmap.objects.filter(parent=roadmap).exists()),
        "next_revision": Roadmap.objects.visible_to(user).filter(parent=roadmap).first(),
        "reviews": list(roadmap.reviews.select_related("recorded_by")[:50]),
        "events": list(roadmap.events.select_related("by").order_by("-at", "-id")[:8]),
        # The roadmap came through visible_to (`_roadmap`): its own and its measures' field history may show.
        "history": object_history(roadmap, include=items, limit=50),
        "return_form": ReturnForm(),
        "settings_form": RoadmapSettingsForm(initial={
            "title": roadmap.title, "senior_official_name": roadmap.senior_official_name,
            "senior_official_post": roadmap.senior_official_post, "review_frequency": roadmap.review_frequency}),
        "review_form": ReviewForm(initial={"held_by": roadmap.senior_official_name,
                                           "held_on": timezone.localdate()}),
        "today": timezone.localdate(),
    }
    return _render(request, "roadmaps/detail.html", context)


def _form_post(request, form, act, *, ok: str, invalid: str, to: str):
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


def _workflow(request, pk: int, capability: str, action):
    roadmap = _roadmap(request, pk)
    if not can(request.user, capability, roadmap):
        raise PermissionDenied
    try:
        result = action(roadmap)
    except RoadmapError as exc:
        messages.error(request, exc.message)
        return redirect("roadmaps:detail", roadmap.pk)
    return result


@login_required
@require_POST
def roadmap_submit(request, pk: int):
    def act(roadmap):
        services.roadmap_submit(by=request.user, roadmap=roadmap)
        messages.success(request, _("Submitted for approval."))
        return redirect("roadmaps:detail", roadmap.pk)
    return _workflow(request, pk, "roadmaps.submit_roadmap", act)


@login_required
@require_POST
def roadmap_approve(request, pk: int):
    def act(roadmap):
        services.roadmap_approve(by=request.user, roadmap=roadmap, comment=request.POST.get("comment", ""))
        messages.success(request, _("Roadmap approved."))
        return redirect("roadmaps:detail", roadmap.pk)
    return _workflow(request, pk, "roadmaps.approve_roadmap", act)


@login_required
@require_POST
def roadmap_return(request, pk: int):
    def act(roadmap):
        form = ReturnForm(request.POST)
        if not form.is_valid():
            raise RoadmapError("comment", _("Say what must change: comments are required when returning a "
                                            "roadmap."))
        services.roadmap_return(by=request.user, roadmap=roadmap, comment=form.cleaned_data["comment"])
        messages.success(request, _("Returned to the author with your comments."))
        return redirect("roadmaps:detail", roadmap.pk)
    return _workflow(request, pk, "roadmaps.approve_roadmap", act)


@login_required
@require_POST
def roadmap_revise(request, pk: int):
    def act(roadmap):
        revision = services.roadmap_revise(by=request.user, roadmap=roadmap)
        messages.success(request, _("A new revision was started as a draft. The approved one stays in force "
                                    "until it is approved."))
        return redirect("roadmaps:detail", revision.pk)
    return _workflow(request, pk, "roadmaps.revise_roadmap", act)


@login_required
@require_POST
def roadmap_settings(request, pk: int):
    roadmap = _roadmap(request, pk)
    if not can(request.user, "roadmaps.report_progress", roadmap):
        raise PermissionDenied
    return _form_post(request, RoadmapSettingsForm(request.POST),
                      lambda data: services.roadmap_update(by=request.user, roadmap=roadmap, **data),
                      ok=_("Saved."), invalid=_("Check the roadmap details."),
                      to=reverse("roadmaps:detail", args=[roadmap.pk]))


@login_required
@require_POST
def review_add(request, pk: int):
    roadmap = _roadmap(request, pk)
    if not can(request.user, "roadmaps.report_progress", roadmap):
        raise PermissionDenied
    return _form_post(request, ReviewForm(request.POST),
                      lambda data: services.review_add(by=request.user, roadmap=roadmap, **data),
                      ok=_("Review recorded."), invalid=_("Enter the date the review was held."),
                      to=reverse("roadmaps:detail", args=[roadmap.pk]) + "#reviews")


@login_required
@require_GET
def roadmap_history(request, pk: int):
    roadmap = _roadmap(request, pk)
    events, changes = selectors.roadmap_history(roadmap)
    return _render(request, "roadmaps/history.html", {"roadmap": roadmap, "events": events, "changes": changes})


# --- items: inline editing --------------------------------------------------------------------------

def _row_context(request, item_pk: int, roadmap: Roadmap, **extra) -> dict:
    item = selectors.roadmap_items(roadmap).get(pk=item_pk)
    return {"item": item, "roadmap": roadmap, **_flags(request.user, roadmap), **extra}


def _changed(response):
    """Tell the page that the roadmap changed: its progress block reloads itself (see detail.html)."""
    response["HX-Trigger"] = "roadmapChanged"
    return response


def _rows_response(request, roadmap: Roadmap):
    context = {"roadmap": roadmap, "items": list(selectors.roadmap_items(roadmap)), **_flags(request.user, roadmap)}
    return _changed(_render(request, "roadmaps/_item_rows.html", context))


@login_required
@require_GET
def roadmap_progress_fragment(request, pk: int):
    roadmap = _roadmap(request, pk)
    return _render(request, "roadmaps/_progress.html", {"roadmap": roadmap, "progress": _progress(roadmap)})


def _item_initial(item: RoadmapItem) -> dict:
    return {f: getattr(item, f) for f in services.ITEM_FIELDS}


@login_required
@require_GET
def item_row(request, pk: int):
    item = _item(request, pk)
    return _render(request, "roadmaps/_item_row.html", _row_context(request, item.pk, item.roadmap))


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int):
    item = _item(request, pk)
    roadmap = item.roadmap
    can_edit = can(request.user, "roadmaps.edit_roadmap", roadmap)
    if not (can_edit or can(request.user, "roadmaps.report_progress", roadmap)):
        raise PermissionDenied
    prefix = f"i{item.pk}"
    if request.method == "POST":
        form = ItemForm(request.POST, prefix=prefix, plan_editable=can_edit)
        if form.is_valid():
            try:
                services.item_update(by=request.user, item=item, **form.cleaned_data)
            except RoadmapError as exc:
                form.add_service_error(exc)
            else:
                if _fragment(request):
                    return _changed(_render(request, "roadmaps/_item_row.html",
                                            _row_context(request, item.pk, roadmap)))
                messages.success(request, _("Saved."))
                return redirect(reverse("roadmaps:detail", args=[roadmap.pk]) + f"#item-{item.pk}")
    else:
        form = ItemForm(initial=_item_initial(item), prefix=prefix, plan_editable=can_edit)
    context = {"form": form, "item": item, "roadmap": roadmap,
               "action": reverse("roadmaps:item_edit", args=[item.pk]),
               "cancel": reverse("roadmaps:item_row", args=[item.pk])}
    template = "roadmaps/_item_form.html" if _fragment(request) else "roadmaps/item_edit.html"
    return _render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def item_add(request, pk: int):
    roadmap = _roadmap(request, pk)
    if not can(request.user, "roadmaps.edit_roadmap", roadmap):
        raise PermissionDenied
    if request.method == "POST":
        form = ItemForm(request.POST, prefix="new")
        if form.is_valid():
            try:
                item = services.item_create(by=request.user, roadmap=roadmap, **form.cleaned_data)
            except RoadmapError as exc:
                form.add_service_error(exc)
            else:
                if _fragment(request):
                    return _changed(_render(request, "roadmaps/_item_row.html",
                                            _row_context(request, item.pk, roadmap)))
                messages.success(request, _("Measure added."))
                return redirect(reverse("roadmaps:detail", args=[roadmap.pk]) + f"#item-{item.pk}")
    else:
        form = ItemForm(prefix="new", initial={"start_on": timezone.localdate()})
    context = {"form": form, "item": None, "roadmap": roadmap,
               "action": reverse("roadmaps:item_add", args=[roadmap.pk]), "cancel": ""}
    template = "roadmaps/_item_form.html" if _fragment(request) else "roadmaps/item_edit.html"
    return _render(request, template, context)


def _item_action(request, pk: int, action):
    item = _item(request, pk)
    roadmap = item.roadmap
    if not can(request.user, "roadmaps.edit_roadmap", roadmap):
        raise PermissionDenied
    try:
        action(item)
    except RoadmapError as exc:
        if _fragment(request):
            return HttpResponse(str(exc.message), status=400, content_type="text/plain; charset=utf-8")
        messages.error(request, exc.message)
    if _fragment(request):
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


@login_required
@require_GET
def item_detail(request, pk: int):
    item = _item(request, pk)
    roadmap = item.roadmap
    evidence = list(item.evidence.select_related("by"))
    links = linked_records(request.user, evidence)
    for row in evidence:
        row.record = links.get((row.kind, row.linked_id))
    context = {
        "item": selectors.roadmap_items(roadmap).get(pk=item.pk), "roadmap": roadmap,
        "kpis": list(item.kpis.prefetch_related("updates__by")), "evidence": evidence,
        "history": selectors.item_history(item), **_flags(request.user, roadmap),
        "kpi_form": KpiForm(), "record_form": KpiRecordForm(), "evidence_form": EvidenceForm(),
    }
    return _render(request, "roadmaps/item.html", context)


@login_required
@require_POST
def kpi_add(request, pk: int):
    item = _item(request, pk)
    if not can(request.user, "roadmaps.edit_roadmap", item.roadmap):
        raise PermissionDenied
    return _form_post(request, KpiForm(request.POST),
                      lambda data: services.kpi_create(by=request.user, item=item, **data),
                      ok=_("KPI added."), invalid=_("Check the KPI: indicator and target are required."),
                      to=reverse("roadmaps:item", args=[item.pk]))


@login_required
@require_POST
def kpi_record(request, pk: int):
    kpi = get_object_or_404(Kpi.objects.visible_to(request.user).select_related("item__roadmap"), pk=pk)
    if not can(request.user, "roadmaps.report_progress", kpi.item.roadmap):
        raise PermissionDenied
    return _form_post(request, KpiRecordForm(request.POST),
                      lambda data: services.kpi_record(by=request.user, kpi=kpi, **data),
                      ok=_("Value recorded."), invalid=_("Enter a date and a value."),
                      to=reverse("roadmaps:item", args=[kpi.item_id]))


@login_required
@require_POST
def evidence_add(request, pk: int):
    item = _item(request, pk)
    if not can(request.user, "roadmaps.report_progress", item.roadmap):
        raise PermissionDenied

    def add(data):
        if data["kind"] == "file":
            services.evidence_add_file(by=request.user, item=item, upload=data["file"], note=data["note"])
        else:
            services.evidence_add_link(by=request.user, item=item, kind=data["kind"],
                                       linked_id=data["linked_id"], note=data["note"])

    return _form_post(request, EvidenceForm(request.POST, request.FILES), add,
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


# --- many mahallas, templates -----------------------------------------------------------------------

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
                form.add_service_error(exc)
            else:
                messages.success(request, _("The measure was added to %(n)d mahalla roadmaps.") % {"n": len(items)})
                return redirect(reverse("roadmaps:list") + f"?year={year}&level=mahalla")
        status = 400
    else:
        form = ItemBulkForm(mahallas_qs=mahallas_qs, initial={"start_on": timezone.localdate()})
        status = 200
    return _render(request, "roadmaps/bulk.html", {"form": form, "district": district}, status=status)


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
                form.add_service_error(exc)
            else:
                messages.success(request, _("The roadmap was started from the template."))
                return redirect("roadmaps:detail", roadmap.pk)
        status = 400
    else:
        form = FromTemplateForm(templates_qs=templates_qs)
        status = 200
    return _render(request, "roadmaps/from_template.html", {"form": form, "district": district,
                                                            "has_templates": templates_qs.exists()}, status=status)


# --- Excel and print --------------------------------------------------------------------------------

def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=excel.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def roadmap_export(request, pk: int):
    roadmap = _roadmap(request, pk)
    items = list(selectors.roadmap_items(roadmap))
    content = excel.roadmap_xlsx(roadmap, items, _progress(roadmap))
    audit_record(action=AuditEvent.Action.EXPORT, request=request, obj=roadmap, details={"format": "xlsx"})
    territory = roadmap.territory
    return _xlsx(content, f"roadmap-{roadmap.year}-{territory.code}-r{roadmap.revision}.xlsx")


@login_required
@require_GET
def roadmap_print(request, pk: int):
    roadmap = _roadmap(request, pk)
    audit_record(action=AuditEvent.Action.EXPORT, request=request, obj=roadmap, details={"format": "print"})
    return _render(request, "roadmaps/print.html", {
        "roadmap": roadmap, "items": list(selectors.roadmap_items(roadmap)), "progress": _progress(roadmap),
        "reviews": list(roadmap.reviews.all()[:20]), "printed_at": timezone.localtime()})


@login_required
@require_GET
def import_template(request):
    return _xlsx(excel.blank_template(), "roadmap-import-template.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_import(request, pk: int):
    roadmap = _roadmap(request, pk)
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
                form.add_service_error(exc)
        status = 400
    else:
        form = ImportForm()
    return _render(request, "roadmaps/import.html", {"roadmap": roadmap, "form": form, "errors": errors},
                   status=status)
