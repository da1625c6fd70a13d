"""HTML pages of the change-request workflow: file a request from an incident's page, the approver's list of
requests waiting for a decision, a request's page with approve/reject (HTMX), withdrawing one's own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.capabilities import can
from core.htmx import render_page
from mahallas.models import Mahalla

from .. import selectors
from ..change_requests import change_request_create, change_request_decide, change_request_withdraw
from ..errors import FieldWorkError
from ..forms.incidents import ChangeRequestDecisionForm, ChangeRequestForm
from ..models import Incident, IncidentCategory, IncidentChangeRequest
from .incidents import incident_detail_context, incident_or_404

PAGE_SIZE = 50
TABS = ("to_decide", "mine", "all")


def _change_request(request, pk) -> IncidentChangeRequest:
    try:
        return selectors.change_request_get(user=request.user, pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_POST
def change_request_create_view(request, pk: int):
    incident = incident_or_404(request, pk)
    form = ChangeRequestForm(request.POST)
    if form.is_valid():
        try:
            change_request_create(by=request.user, incident=incident, kind=form.cleaned_data["kind"],
                                  reason_code=form.cleaned_data["reason_code"], reason=form.cleaned_data["reason"])
        except FieldWorkError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Your request was sent for approval. Until it is approved the crime "
                                        "counts as before."))
            return redirect("incidents:detail", pk=incident.pk)
    return render_page(request, "incidents/detail.html",
                       incident_detail_context(request, incident_or_404(request, pk), failed_request=form),
                       status=400)


@login_required
@require_GET
def change_request_list_view(request):
    if not can(request.user, "incidents.view_change_requests"):
        raise Http404
    tab = request.GET.get("tab")
    decides = selectors.change_request_list(user=request.user, to_decide=True)
    if tab not in TABS:
        tab = "to_decide" if decides.exists() else "mine"
    qs = {"to_decide": decides, "mine": selectors.change_request_list(user=request.user, mine=True),
          "all": selectors.change_request_list(user=request.user)}[tab]
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "incidents/change_requests.html", {
        "tab": tab, "page": page, "rows": page.object_list, "waiting": decides.count()})


def _detail_context(request, change: IncidentChangeRequest, failed=None) -> dict:
    may_decide = can(request.user, "incidents.decide_change_request", change)
    approve = failed if failed is not None and failed.data.get("decision") == "approve" else \
        ChangeRequestDecisionForm(initial={"decision": "approve"})
    reject = failed if failed is not None and failed.data.get("decision") == "reject" else \
        ChangeRequestDecisionForm(initial={"decision": "reject"})
    return {"change": change, "may_decide": may_decide, "approve_form": approve, "reject_form": reject,
            "may_withdraw": change.status == "pending" and change.requested_by_id == request.user.pk,
            "rows": _before_after(change)}


def _before_after(change: IncidentChangeRequest) -> list[dict]:
    """Field label, value before and value asked for, in words (names for ids, local time for times)."""

    def words(field, value):
        if value in (None, ""):
            return "—"
        if field == "mahalla":
            mahalla = Mahalla.objects.defer("boundary").filter(pk=value).first()
            return mahalla.name if mahalla else value
        if field == "category":
            category = IncidentCategory.objects.filter(pk=value).first()
            return category.name if category else value
        if field == "occurred_at":
            return timezone.localtime(parse_datetime(value)).strftime("%d.%m.%Y %H:%M")
        if field == "status":
            return Incident.Status(value).label
        if field == "legal_kind":
            return Incident.LegalKind(value).label
        return value

    labels = {f.name: f.verbose_name for f in Incident._meta.get_fields() if hasattr(f, "verbose_name")}
    return [{"label": labels.get(field, field), "before": words(field, change.before.get(field)),
             "after": words(field, value)} for field, value in change.changes.items()]


@login_required
@require_GET
def change_request_detail_view(request, pk: int):
    change = _change_request(request, pk)
    return render(request, "incidents/change_request.html", _detail_context(request, change))


@login_required
@require_POST
def change_request_decide_view(request, pk: int):
    change = _change_request(request, pk)
    form = ChangeRequestDecisionForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            change = change_request_decide(by=request.user, request=change,
                                           approve=form.cleaned_data["decision"] == "approve",
                                           comment=form.cleaned_data["comment"])
        except FieldWorkError as exc:
            form.add_domain_error(exc)
        else:
            status, form = 200, None
            if not request.htmx:
                messages.success(request, _("Decision recorded."))
                return redirect("incidents:change_request", pk=change.pk)
            change = _change_request(request, pk)
    template = "incidents/_change_request_decision.html" if request.htmx else "incidents/change_request.html"
    return render(request, template, _detail_context(request, change, form), status=status)


@login_required
@require_POST
def change_request_withdraw_view(request, pk: int):
    change = _change_request(request, pk)
    try:
        change_request_withdraw(by=request.user, request=change)
    except FieldWorkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Request withdrawn."))
    return redirect("incidents:change_request", pk=change.pk)
