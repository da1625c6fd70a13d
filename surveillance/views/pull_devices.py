"""Pulled devices: the list of a territory's devices with their stream state, and the form a district's
operators register, change or disable one with (the password is write-only)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import can
from core.forms import add_domain_error

from .. import selectors
from ..errors import SurveillanceError
from ..forms import PullDeviceForm
from ..services import pull_devices
from .tabs import tabs

# The pull process confirms each state every ~20 s; an older state is not believed (the process may be gone).
STATE_BELIEVED_SECONDS = 60


def _decorate(devices, now):
    for device in devices:
        checked = device.state_checked_at
        device.stale = (device.state in ("connecting", "online")
                        and (checked is None or now - checked > datetime.timedelta(seconds=STATE_BELIEVED_SECONDS)))
    return devices


@login_required
def pull_device_list(request):
    devices = _decorate(list(selectors.pull_device_list(user=request.user).order_by("name", "id")[:500]),
                        timezone.now())
    return render(request, "surveillance/pull_devices.html", {
        "devices": devices, "can_manage": can(request.user, "surveillance.manage_pull_devices"),
        **tabs(request, "cameras")})


def _form_page(request, form, device=None):
    return render(request, "surveillance/pull_device_form.html",
                  {"form": form, "device": device, **tabs(request, "cameras")})


@login_required
def pull_device_create(request):
    if not can(request.user, "surveillance.manage_pull_devices"):
        raise PermissionDenied(_("Only the district's operators and officials register devices."))
    form = PullDeviceForm(request.POST or None, district_id=request.user.district_id)
    if request.method == "POST" and form.is_valid():
        try:
            pull_devices.pull_device_create(by=request.user, **form.cleaned_data)
        except SurveillanceError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Device registered: the platform connects to it within a minute."))
            return redirect("surveillance:pull-devices")
    return _form_page(request, form)


@login_required
def pull_device_edit(request, pk: int):
    device = selectors.pull_device_list(user=request.user).filter(pk=pk).first()
    if device is None:
        raise Http404
    if not can(request.user, "surveillance.edit_pull_device", device):
        raise PermissionDenied(_("You may not change devices of this district."))
    form = PullDeviceForm(request.POST or None, initial=PullDeviceForm.initial_for(device),
                          district_id=device.integration.district_id)
    if request.method == "POST" and form.is_valid():
        try:
            pull_devices.pull_device_update(by=request.user, device=device, **form.cleaned_data)
        except SurveillanceError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Device saved."))
            return redirect("surveillance:pull-devices")
    return _form_page(request, form, device)
