"""The camera registry: list, page, register, change, import from CSV."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.capabilities import can
from core.forms import add_domain_error
from core.htmx import render_page

from .. import health, presenters, selectors
from ..errors import SurveillanceError
from ..filters import CameraFilter
from ..forms import CameraForm, CameraImportForm
from ..models import Alert, Camera
from ..services import cameras
from .tabs import tabs

CAMERA_PAGE_SIZE = 50
# The form calls the point "longitude"/"latitude"; the district is the user's own, never a field.
FIELD_ALIASES = {"location": "longitude", "district": None}
EXAMPLE_CSV = (
    "vendor,device_id,channel,name,longitude,latitude,installation_kind,mahalla_code\r\n"
    "hikvision,44:19:b6:0a:1b:2c,1,Bozor ko'chasi 01,69.2401,41.3111,street,\r\n"
    "frigate,bozor_gate,1,Bozor darvozasi,69.2412,41.3120,market,\r\n"
    "generic,AI-SRV7-CAM12,1,Maktab 14 hovlisi,69.2388,41.3097,school,\r\n"
)


def _camera_or_404(request, pk: int) -> Camera:
    camera = selectors.camera_get(user=request.user, camera_id=pk)
    if camera is None:
        raise Http404
    return camera


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
        "statuses": Camera.Status.choices, "kinds": Camera.Kind.choices, "points": presenters.camera_points(rows),
        **tabs(request, "cameras"), **presenters.map_context(),
    }
    return render_page(request, "surveillance/cameras.html", context, fragment="surveillance/_camera_rows.html")


@login_required
def camera_detail(request, pk: int):
    camera = _camera_or_404(request, pk)
    alerts = presenters.alerts_decorate(list(selectors.alert_list(user=request.user).filter(camera=camera)[:10]))
    rates = selectors.false_positive_rates(user=request.user,
                                           alerts=Alert.objects.visible_to(request.user).filter(camera=camera))
    context = {
        "camera": camera, "alerts": alerts, "rate": (rates["by_camera"] or [None])[0],
        "can_edit": can(request.user, "surveillance.edit_camera", camera), "health": _health(request, camera),
        "points": presenters.camera_points([camera]), **tabs(request, "cameras"), **presenters.map_context(),
    }
    return render(request, "surveillance/camera.html", context)


def _health(request, camera: Camera):
    """The camera's health for those who watch it (None for the others)."""
    if not can(request.user, "surveillance.view_camera_health"):
        return None
    annotated = health.health_cameras(user=request.user).filter(pk=camera.pk)
    return next(iter(health.camera_health(annotated)), None)


def _camera_form_page(request, form, camera=None):
    context = {"form": form, "camera": camera, "points": presenters.camera_points([camera]) if camera else [],
               "district_id": camera.district_id if camera else request.user.district_id,
               **tabs(request, "cameras"), **presenters.map_context()}
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
            camera = cameras.camera_create(by=request.user, **form.service_kwargs())
        except SurveillanceError as exc:
            add_domain_error(form, exc, aliases=FIELD_ALIASES)
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
            camera = cameras.camera_update(by=request.user, camera=camera, **form.service_kwargs())
        except SurveillanceError as exc:
            add_domain_error(form, exc, aliases=FIELD_ALIASES)
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
            report = cameras.cameras_import_csv(by=request.user, data=form.cleaned_data["file"].read())
        except SurveillanceError as exc:
            add_domain_error(form, exc)
        else:
            if not report.errors:
                messages.success(request, _("%(n)d cameras imported.") % {"n": report.imported})
                return redirect("surveillance:cameras")
    context = {"form": form, "report": report, "columns": cameras.CSV_COLUMNS,
               "error_rows": len({e["row"] for e in report.errors}) if report else 0,
               **tabs(request, "cameras")}
    return render(request, "surveillance/camera_import.html", context, status=400 if report else 200)


@login_required
def camera_import_example(request):
    response = HttpResponse(EXAMPLE_CSV, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cameras-example.csv"'
    return response
