"""Assigning inspectors and social workers to mahallas, and ending an assignment (forms on the coverage pages)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.capabilities import can
from core.dates import today
from core.htmx import render_page
from mahallas.models import Mahalla

from .. import selectors
from ..assignments import assignment_create, assignment_end
from ..errors import FieldWorkError
from ..forms.assignments import AssignmentEndForm, AssignmentForm


def _back_to_coverage(mahalla: Mahalla) -> str:
    return reverse("incidents:coverage-district", args=[mahalla.district_id])


def _safe_back(request) -> str:
    """The form's "back" address when it points into this site; anything else is ignored (no open redirect)."""
    back = request.POST.get("back", "")
    allowed = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                              require_https=request.is_secure())
    return back if allowed else ""


@login_required
@require_POST
def assignment_create_view(request):
    user = request.user
    if not can(user, "incidents.manage_assignments"):
        raise PermissionDenied
    mahallas_qs = Mahalla.objects.visible_to(user)
    form = AssignmentForm(request.POST, manager=user, mahallas_qs=mahallas_qs)
    if form.is_valid():
        try:
            assignment = assignment_create(by=user, **form.service_kwargs())
        except FieldWorkError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("%(person)s is assigned to %(mahalla)s.") % {
                "person": assignment.user.get_full_name() or assignment.user.get_username(),
                "mahalla": assignment.mahalla.name})
            return redirect(_safe_back(request) or _back_to_coverage(assignment.mahalla))
    return render_page(request, "incidents/assignment_form.html", {"form": form, "back": _safe_back(request)},
                       status=400)


@login_required
@require_POST
def assignment_end_view(request, pk: int):
    try:
        assignment = selectors.assignment_list(user=request.user).get(pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    if not can(request.user, "incidents.manage_assignments", assignment.mahalla_id):
        raise PermissionDenied
    form = AssignmentEndForm(request.POST)
    back = _back_to_coverage(assignment.mahalla)
    if form.is_valid():
        try:
            assignment_end(by=request.user, assignment=assignment, ends_on=form.cleaned_data["ends_on"])
        except FieldWorkError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The assignment ends on %(date)s.") % {
                "date": (form.cleaned_data["ends_on"] or today()).strftime("%d.%m.%Y")})
    else:
        messages.error(request, _("Enter a valid date."))
    return redirect(back)
