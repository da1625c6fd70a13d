"""Pages of support cases: the list, a case's page with its reviews, the form. Cases name people at risk, so
every read of a list or a case is recorded in the audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.capabilities import can
from audit.models import AuditEvent
from audit.services import audit_record
from core.dates import today
from core.htmx import render_page

from .. import selectors
from ..errors import FieldWorkError
from ..filters import SupportCaseFilter, filters_used
from ..forms.cases import CaseForm, CaseReviewForm
from ..forms.filters import CaseFilterForm
from ..models import SupportCase
from ..services.cases import support_case_open, support_case_review, support_case_update
from .common import filter_query, has_filters

CASE_PAGE_SIZE = 50
CASE_FILTERS = ("district", "mahalla", "category", "status", "overdue")


@login_required
@require_GET
def case_list(request):
    if not can(request.user, "incidents.view_field_work"):
        raise PermissionDenied
    form = CaseFilterForm(request.GET, user=request.user)
    form.is_valid()
    filterset = SupportCaseFilter(request.GET, queryset=selectors.support_case_list(user=request.user),
                                  request=request)
    page = Paginator(filterset.qs, CASE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    if rows:
        # A list shows names and addresses of people at risk: it is a read of each of them.
        audit_record(action=AuditEvent.Action.VIEW, request=request, object_type="incidents.supportcase",
                     object_repr="list", details={"ids": [r.pk for r in rows],
                                                  "filters": filters_used(request.GET)})
    context = {
        "form": form, "page": page, "rows": rows, "query": filter_query(request.GET),
        "has_filters": has_filters(request.GET, CASE_FILTERS),
        "can_export": can(request.user, "incidents.export"), "can_open": can(request.user, "incidents.open_case"),
        "today": today(),
    }
    return render_page(request, "incidents/case_list.html", context, fragment="incidents/_case_rows.html")


def _case(request, pk, *, audited: bool) -> SupportCase:
    try:
        return selectors.support_case_get(user=request.user, pk=pk, request=request if audited else None)
    except SupportCase.DoesNotExist as exc:
        raise Http404 from exc


def _case_detail(request, case, review_form, status=200):
    context = {"case": case, "reviews": list(case.reviews.all()), "review_form": review_form,
               "can_edit": can(request.user, "incidents.edit_case", case)}
    return render_page(request, "incidents/case_detail.html", context, status=status)


@login_required
@require_GET
def case_detail(request, pk: int):
    case = _case(request, pk, audited=True)
    review_form = CaseReviewForm(initial={
        "status": SupportCase.Status.IN_PROGRESS if case.status == SupportCase.Status.OPEN else case.status})
    return _case_detail(request, case, review_form)


@login_required
@require_POST
def case_review_view(request, pk: int):
    case = _case(request, pk, audited=False)
    if not can(request.user, "incidents.edit_case", case):
        raise PermissionDenied
    form = CaseReviewForm(request.POST)
    if form.is_valid():
        try:
            support_case_review(by=request.user, case=case, **form.cleaned_data)
        except FieldWorkError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Review recorded."))
            return redirect("incidents:case-detail", pk=case.pk)
    return _case_detail(request, _case(request, pk, audited=True), form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def case_create_view(request):
    if not can(request.user, "incidents.open_case"):
        raise PermissionDenied
    form = CaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            case = support_case_open(by=request.user, **form.service_kwargs())
        except FieldWorkError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Case opened."))
            return redirect("incidents:case-detail", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render_page(request, "incidents/case_form.html", {"form": form, "case": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def case_edit_view(request, pk: int):
    case = _case(request, pk, audited=request.method == "GET")
    if not can(request.user, "incidents.edit_case", case):
        raise PermissionDenied
    form = CaseForm(request.POST or None, user=request.user, instance=case)
    if request.method == "POST" and form.is_valid():
        changes = form.service_kwargs()
        if changes.get("social_worker") is None:
            changes.pop("social_worker", None)
        try:
            support_case_update(by=request.user, case=case, **changes)
        except FieldWorkError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("incidents:case-detail", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render_page(request, "incidents/case_form.html", {"form": form, "case": case}, status=status)
