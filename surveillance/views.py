"""HTML pages of surveillance: the review queue of operators and inspectors, an alert's page with its review
actions, false-positive rates, and the camera registry.

Every read starts from `visible_to(request.user)` (through selectors), so something outside the user's scope
answers 404 like something that does not exist. Writes go through services; a SurveillanceError is shown next
to the field it names. Pictures are never linked directly: pages point at the API's access-checked, audited
picture view. An HTMX request gets only the fragment it swaps (rows, one row, the review panel).
"""

import datetime
import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.capabilities import can
from mahallas.models import District, Mahalla

from . import selectors, services
from .errors import SurveillanceError
from .filters import CameraFilter
from .forms import (
    REVIEW_STATUSES,
    AlertFilterForm,
    CameraForm,
    CameraImportForm,
    ConfirmForm,
    DismissForm,
    EscalateForm,
    RateFilterForm,
    add_service_error,
)
from .models import Alert, Camera, Vendor

QUEUE_PAGE_SIZE = 25
CAMERA_PAGE_SIZE = 50
# The filter lists offer what was seen lately; older event types can still be typed into the address.
EVENT_TYPES_DAYS = 90
# Known analytics event types in words; anything else is shown as the camera named it.
EVENT_LABELS = {
    "vmd": gettext_lazy("motion"), "linedetection": gettext_lazy("line crossing"),
    "fielddetection": gettext_lazy("intrusion"), "regionentrance": gettext_lazy("region entrance"),
    "regionexiting": gettext_lazy("region exit"), "loitering": gettext_lazy("loitering"),
    "fight": gettext_lazy("fight"), "weapon": gettext_lazy("weapon"),
    "drug_dealing": gettext_lazy("suspected drug dealing"), "facesnap": gettext_lazy("face captured"),
    "person": gettext_lazy("person"), "car": gettext_lazy("car"),
}


def event_label(event_type: str) -> str:
    return EVENT_LABELS.get((event_type or "").lower(), event_type)


def _fragment(request) -> bool:
    # A history-restore request (back button after the cache is gone) needs the whole page.
    return bool(request.htmx) and not request.htmx.history_restore_request


def _render(request, template: str, fragment_template: str, context: dict, *, status: int = 200):
    response = render(request, fragment_template if _fragment(request) else template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _incident_url(incident_id):
    if not incident_id:
        return ""
    try:
        return reverse("incidents:detail", args=[incident_id])
    except NoReverseMatch:  # the incidents pages may not be installed
        return ""


def _point(camera) -> dict | None:
    if camera is None or camera.location is None:
        return None
    return {"lon": round(camera.location.x, 6), "lat": round(camera.location.y, 6)}


def _alert_points(alerts) -> list[dict]:
    """Map markers for a page of alerts: one per camera, urgent if any of its alerts is."""
    points: dict[int, dict] = {}
    for alert in alerts:
        point = _point(alert.camera)
        if point is None:
            continue
        entry = points.setdefault(alert.camera_id, {**point, "name": alert.camera.name, "count": 0,
                                                    "urgent": False, "url": reverse("surveillance:alert",
                                                                                   args=[alert.pk])})
        entry["count"] += 1
        entry["urgent"] = entry["urgent"] or alert.is_urgent
    return list(points.values())


def _map_context() -> dict:
    return {"map_tiles_url": settings.MAP_TILES_URL, "mahalla_layer_url": "/api/v1/geo/mahallas/"}


def _decorate(alerts) -> list:
    for alert in alerts:
        alert.event_label = event_label(alert.event_type)
        alert.object_label = event_label(alert.label) if alert.label != alert.event_type else ""
        pictures = list(alert.pictures.all())
        alert.thumbnail = pictures[0] if pictures else None
        alert.picture_count = len(pictures)
        alert.repeats = alert.group.count if alert.group_id and alert.group else 1
    return alerts


def _fingerprint(page) -> str:
    """Changes whenever what the rows show changes: a poll that sees the same answers 204 and the browser
    keeps its rows (and does not fetch, and audit, the same pictures again)."""
    parts = [str(page.paginator.count), str(page.number)]
    for alert in page.object_list:
        parts.append(f"{alert.pk}:{alert.status}:{alert.updated_at.timestamp()}:{alert.repeats}:"
                     f"{alert.picture_count}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def _filter_choices(user) -> dict:
    cameras = list(selectors.camera_list(user=user).order_by("name", "id").values_list("pk", "name"))
    since = timezone.now() - datetime.timedelta(days=EVENT_TYPES_DAYS)
    event_types = list(Alert.objects.visible_to(user).filter(started_at__gte=since).exclude(event_type="")
                       .order_by("event_type").values_list("event_type", flat=True).distinct()[:200])
    mahallas = [(m.pk, m.name) for m in Mahalla.objects.filter(
        pk__in=selectors.camera_list(user=user).values("mahalla_id")).defer("boundary").order_by("name_uz")]
    return {"cameras": cameras, "event_types": event_types, "mahallas": mahallas}


def _queue_counts(user) -> dict:
    review = Q(status__in=REVIEW_STATUSES)
    return Alert.objects.visible_to(user).aggregate(
        review=Count("id", filter=review & Q(camera__isnull=False)),
        urgent=Count("id", filter=review & Q(camera__isnull=False, is_urgent=True)),
        unmatched=Count("id", filter=review & Q(camera__isnull=True)))


def _tabs(request, current: str, counts: dict | None = None) -> dict:
    manage = can(request.user, "surveillance.manage_cameras")
    if counts is None and manage:
        counts = _queue_counts(request.user)
    return {"tab": current, "can_manage_cameras": manage, "counts": counts or {}}


# --- review queue --------------------------------------------------------------------------------------

def _queue(request, *, unmatched: bool):
    user = request.user
    form = AlertFilterForm(request.GET, **_filter_choices(user))
    base = selectors.alert_list(user=user).filter(camera__isnull=unmatched)
    qs = form.apply(base)
    page = Paginator(qs, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _decorate(list(page.object_list))
    page.object_list = rows
    seen = _fingerprint(page)
    if request.htmx and request.GET.get("seen") == seen:
        response = HttpResponse(status=204)
        patch_vary_headers(response, ["HX-Request"])
        return response
    query = urlencode([(k, v) for k, v in request.GET.items() if k not in ("page", "seen") and v],)
    counts = _queue_counts(user)
    context = {
        "form": form, "page": page, "rows": rows, "seen": seen, "query": query, "unmatched": unmatched,
        "needs_review": form.needs_review,
        "points": _alert_points(rows), "can_review": can(user, "surveillance.review_alerts"),
        "list_url": reverse("surveillance:unmatched" if unmatched else "surveillance:alerts"),
        "devices": _devices(user) if unmatched else [],
        **_tabs(request, "unmatched" if unmatched else "queue", counts), **_map_context(),
    }
    return _render(request, "surveillance/queue.html", "surveillance/_alert_rows.html", context)


def _devices(user) -> list[dict]:
    devices = list(selectors.unmatched_devices(user=user)[:20])
    labels = dict(Vendor.choices)
    for device in devices:
        device["vendor_label"] = labels.get(device["vendor"], device["vendor"])
    return devices


@login_required
def alert_queue(request):
    return _queue(request, unmatched=False)


@login_required
def alert_unmatched(request):
    """Alerts from devices that are not registered yet: the operators' list of cameras to register."""
    if not can(request.user, "surveillance.manage_cameras"):
        raise Http404
    return _queue(request, unmatched=True)


def _alert_or_404(request, pk: int) -> Alert:
    alert = selectors.alert_get(user=request.user, alert_id=pk)
    if alert is None:
        raise Http404
    return alert


def _review_context(request, alert: Alert, **forms) -> dict:
    can_review = (alert.status not in (Alert.Status.CONFIRMED, Alert.Status.DISMISSED)
                  and can(request.user, "surveillance.review_alert", alert))
    suggested = (services.CATEGORY_FOR_LABEL.get(alert.label) or services.CATEGORY_FOR_LABEL.get(alert.event_type)
                 or "other")
    history = selectors.alert_history(alert=alert)
    labels = dict(Alert.Status.choices)
    for event in history:
        event.status_label = labels.get((event.details or {}).get("status"), "")
    return {
        "alert": alert, "can_review": can_review,
        "confirm_form": forms.get("confirm_form") or ConfirmForm(initial={
            "category": suggested, "mode": ConfirmForm.NEW if alert.mahalla_id else ConfirmForm.LINK}),
        "dismiss_form": forms.get("dismiss_form") or DismissForm(),
        "escalate_form": forms.get("escalate_form") or EscalateForm(),
        "open_action": forms.get("open_action", ""),
        # A refusal of a form that is no longer shown (the alert was decided meanwhile) goes above the panel.
        "action_errors": [] if can_review else [
            error for name in ("confirm_form", "dismiss_form", "escalate_form") if forms.get(name) is not None
            for error in forms[name].non_field_errors()],
        "history": history,
        "incident_url": _incident_url(alert.incident_id),
    }


@login_required
def alert_detail(request, pk: int):
    alert = _alert_or_404(request, pk)
    _decorate([alert])
    repeats = []
    if alert.group_id:
        repeats = _decorate(list(selectors.alert_list(user=request.user).filter(group_id=alert.group_id)
                                 .exclude(pk=alert.pk).order_by("-started_at")[:20]))
    context = {**_review_context(request, alert), "pictures": list(alert.pictures.all()), "repeats": repeats,
               "points": _alert_points([alert]), "camera_point": _point(alert.camera), **_map_context()}
    return render(request, "surveillance/alert.html", context)


def _action_done(request, alert: Alert, message: str):
    alert = _alert_or_404(request, alert.pk)
    if request.POST.get("from") == "queue":
        if not request.htmx:
            messages.success(request, message)
            return redirect(request.POST.get("next_query") and
                            f"{reverse('surveillance:alerts')}?{request.POST['next_query']}"
                            or reverse("surveillance:alerts"))
        if request.POST.get("needs_review") and alert.status not in REVIEW_STATUSES:
            # Decided: it leaves the "needs review" list (htmx swaps the row for nothing).
            return HttpResponse("")
        _decorate([alert])
        return render(request, "surveillance/_alert_row.html", {"alert": alert, "can_review": True,
                                                                 "needs_review": False})
    if not request.htmx:
        messages.success(request, message)
        return redirect("surveillance:alert", pk=alert.pk)
    return render(request, "surveillance/_review.html", {**_review_context(request, alert), "done": message})


def _action_failed(request, alert: Alert, **forms):
    if request.POST.get("from") == "queue":
        _decorate([alert])
        form = forms.get("dismiss_form") or forms.get("escalate_form")
        context = {"alert": alert, "can_review": True, "needs_review": bool(request.POST.get("needs_review")),
                   "row_form": form, "open_action": forms.get("open_action", "")}
        return render(request, "surveillance/_alert_row.html", context)
    context = _review_context(request, alert, **forms)
    if request.htmx:
        return render(request, "surveillance/_review.html", context)
    _decorate([alert])
    context.update(pictures=list(alert.pictures.all()), repeats=[], points=_alert_points([alert]),
                   camera_point=_point(alert.camera), **_map_context())
    return render(request, "surveillance/alert.html", context)


def _reviewable_or_403(request, pk: int) -> Alert:
    alert = _alert_or_404(request, pk)
    if not can(request.user, "surveillance.review_alert", alert):
        raise PermissionDenied(_("You may not review this alert."))
    return alert


@login_required
@require_POST
def alert_confirm(request, pk: int):
    alert = _reviewable_or_403(request, pk)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        linking = data["mode"] == ConfirmForm.LINK
        try:
            services.alert_confirm(
                by=request.user, alert=alert, incident_id=data["incident"] if linking else None,
                category_code=data["category"].code if data.get("category") and not linking else "",
                legal_kind=data["legal_kind"], note=data["note"])
        except SurveillanceError as exc:
            add_service_error(form, exc, aliases={"occurred_at": None, "location": None})
        else:
            return _action_done(request, alert, _("Confirmed: the alert is linked to an incident."))
    return _action_failed(request, alert, confirm_form=form, open_action="confirm")


@login_required
@require_POST
def alert_dismiss(request, pk: int):
    alert = _reviewable_or_403(request, pk)
    form = DismissForm(request.POST, prefix=request.POST.get("prefix") or None)
    if form.is_valid():
        try:
            services.alert_dismiss(by=request.user, alert=alert, reason=form.cleaned_data["reason"])
        except SurveillanceError as exc:
            add_service_error(form, exc)
        else:
            return _action_done(request, alert, _("Dismissed as a false positive."))
    return _action_failed(request, alert, dismiss_form=form, open_action="dismiss")


@login_required
@require_POST
def alert_escalate(request, pk: int):
    alert = _reviewable_or_403(request, pk)
    form = EscalateForm(request.POST)
    if form.is_valid():
        try:
            services.alert_escalate(by=request.user, alert=alert, note=form.cleaned_data["note"])
        except SurveillanceError as exc:
            add_service_error(form, exc)
        else:
            return _action_done(request, alert, _("Escalated."))
    return _action_failed(request, alert, escalate_form=form, open_action="escalate")


@login_required
def territory_panel(request, level: str, pk: int):
    """The "Cameras and alerts" panel of a district or mahalla page, loaded after the page (see panels.py)."""
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


# --- false-positive rates ------------------------------------------------------------------------------

# Below this many reviews a rate says little; the page says so.
RATE_RELIABLE_FROM = 10
RATE_SORTS = {"rate": "rate", "reviewed": "reviewed", "dismissed": "dismissed", "name": "name"}


def _sorted(rows: list[dict], sort: str, name_key: str) -> list[dict]:
    key = sort.lstrip("-")
    field = name_key if key == "name" else RATE_SORTS.get(key, "rate")
    reverse_order = sort.startswith("-")
    return sorted(rows, key=lambda r: ((r[field] or "") if field == name_key else r[field],
                                       r[name_key] or ""), reverse=reverse_order)


def _rate_headers(name_label: str) -> list[tuple[str, str]]:
    return [("name", name_label), ("reviewed", _("Reviewed")), ("dismissed", _("Dismissed")),
            ("rate", _("False positives"))]


@login_required
def false_positives(request):
    form = RateFilterForm(request.GET)
    alerts = Alert.objects.visible_to(request.user)
    if form.is_valid():
        alerts = form.apply(alerts)
    sort = request.GET.get("sort", "-rate")
    if sort.lstrip("-") not in RATE_SORTS:
        sort = "-rate"
    rates = selectors.false_positive_rates(user=request.user, alerts=alerts)
    for row in rates["by_event_type"]:
        row["label"] = event_label(row["event_type"])
    for row in [*rates["by_camera"], *rates["by_event_type"]]:
        row["percent"] = round(row["rate"] * 100, 1)
        row["bar"] = round(row["rate"] * 100, 1)
        row["few"] = row["reviewed"] < RATE_RELIABLE_FROM
    for row in rates["by_camera"]:
        row["name"] = row["camera_name"] or _("Unknown cameras")
    for row in rates["by_event_type"]:
        row["name"] = row["label"]
    base_query = urlencode([(k, v) for k, v in request.GET.items() if k != "sort" and v])
    context = {
        "form": form, "sort": sort, "base_query": base_query,
        "by_camera": _sorted(rates["by_camera"], sort, "name"),
        "by_event_type": _sorted(rates["by_event_type"], sort, "name"),
        "reliable_from": RATE_RELIABLE_FROM,
        "camera_headers": _rate_headers(_("Camera")), "type_headers": _rate_headers(_("Event type")),
        **_tabs(request, "rates"),
    }
    return render(request, "surveillance/false_positives.html", context)


# --- cameras -------------------------------------------------------------------------------------------

def _camera_or_404(request, pk: int) -> Camera:
    camera = selectors.camera_list(user=request.user).select_related("district").defer(
        "district__boundary").filter(pk=pk).first()
    if camera is None:
        raise Http404
    return camera


def _camera_points(cameras) -> list[dict]:
    return [{**_point(c), "name": c.name, "count": 1, "urgent": False, "offline": c.status != Camera.Status.ONLINE,
             "url": reverse("surveillance:camera", args=[c.pk])} for c in cameras]


@login_required
def camera_list(request):
    user = request.user
    qs = selectors.camera_list(user=user).order_by("name", "id")
    filters = CameraFilter(request.GET, queryset=qs)
    qs = filters.qs if filters.is_valid() else qs
    text = request.GET.get("q", "").strip()[:100]
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(device_id__icontains=text))
    page = Paginator(qs, CAMERA_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    context = {
        "page": page, "rows": rows, "q": text, "query": query, "filters": request.GET,
        "statuses": Camera.Status.choices, "kinds": Camera.Kind.choices, "points": _camera_points(rows),
        **_tabs(request, "cameras"), **_map_context(),
    }
    return _render(request, "surveillance/cameras.html", "surveillance/_camera_rows.html", context)


@login_required
def camera_detail(request, pk: int):
    camera = _camera_or_404(request, pk)
    alerts = _decorate(list(selectors.alert_list(user=request.user).filter(camera=camera)[:10]))
    rates = selectors.false_positive_rates(user=request.user,
                                           alerts=Alert.objects.visible_to(request.user).filter(camera=camera))
    context = {
        "camera": camera, "alerts": alerts, "rate": (rates["by_camera"] or [None])[0],
        "can_edit": can(request.user, "surveillance.edit_camera", camera),
        "points": _camera_points([camera]), **_tabs(request, "cameras"), **_map_context(),
    }
    return render(request, "surveillance/camera.html", context)


def _camera_form_page(request, form, camera=None):
    context = {"form": form, "camera": camera, "points": _camera_points([camera]) if camera else [],
               "district_id": camera.district_id if camera else request.user.district_id,
               **_tabs(request, "cameras"), **_map_context()}
    return render(request, "surveillance/camera_form.html", context)


def _mahalla_note(camera: Camera) -> str:
    if camera.mahalla_id is None:
        return _("No mahalla contains this point: choose one by hand if the camera belongs to a mahalla.")
    if camera.mahalla_overridden:
        return _("Mahalla set by hand: %(name)s.") % {"name": camera.mahalla.name}
    return _("Mahalla found from the location: %(name)s.") % {"name": camera.mahalla.name}


@login_required
def camera_create(request):
    if not can(request.user, "surveillance.manage_cameras"):
        raise PermissionDenied(_("Only the district's operators and officials register cameras."))
    initial = {k: request.GET[k] for k in ("vendor", "device_id", "channel", "name") if request.GET.get(k)}
    form = CameraForm(request.POST or None, initial=initial, district_id=request.user.district_id)
    if request.method == "POST" and form.is_valid():
        try:
            camera = services.camera_create(by=request.user, **form.service_kwargs())
        except SurveillanceError as exc:
            add_service_error(form, exc, aliases={"location": "longitude", "district": None})
        else:
            messages.success(request, _("Camera registered.") + " " + _mahalla_note(camera))
            return redirect("surveillance:camera", pk=camera.pk)
    return _camera_form_page(request, form)


@login_required
def camera_edit(request, pk: int):
    camera = _camera_or_404(request, pk)
    if not can(request.user, "surveillance.edit_camera", camera):
        raise PermissionDenied(_("You may not change cameras of this district."))
    form = CameraForm(request.POST or None, initial=CameraForm.initial_for(camera), district_id=camera.district_id)
    if request.method == "POST" and form.is_valid():
        try:
            camera = services.camera_update(by=request.user, camera=camera, **form.service_kwargs())
        except SurveillanceError as exc:
            add_service_error(form, exc, aliases={"location": "longitude", "district": None})
        else:
            messages.success(request, _("Camera saved.") + " " + _mahalla_note(camera))
            return redirect("surveillance:camera", pk=camera.pk)
    return _camera_form_page(request, form, camera)


@login_required
def camera_import(request):
    if not can(request.user, "surveillance.manage_cameras"):
        raise PermissionDenied(_("Only the district's operators and officials register cameras."))
    form = CameraImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = services.cameras_import_csv(by=request.user, data=form.cleaned_data["file"].read())
        except SurveillanceError as exc:
            add_service_error(form, exc)
        else:
            if not report.errors:
                messages.success(request, _("%(n)d cameras imported.") % {"n": report.imported})
                return redirect("surveillance:cameras")
    context = {"form": form, "report": report, "columns": services.CSV_COLUMNS,
               "error_rows": len({e["row"] for e in report.errors}) if report else 0,
               **_tabs(request, "cameras")}
    return render(request, "surveillance/camera_import.html", context, status=400 if report else 200)


EXAMPLE_CSV = (
    "vendor,device_id,channel,name,longitude,latitude,installation_kind,mahalla_code\r\n"
    "hikvision,44:19:b6:0a:1b:2c,1,Bozor ko'chasi 01,69.2401,41.3111,street,\r\n"
    "frigate,bozor_gate,1,Bozor darvozasi,69.2412,41.3120,market,\r\n"
    "generic,AI-SRV7-CAM12,1,Maktab 14 hovlisi,69.2388,41.3097,school,\r\n"
)


@login_required
def camera_import_example(request):
    response = HttpResponse(EXAMPLE_CSV, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cameras-example.csv"'
    return response
