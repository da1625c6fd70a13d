"""Pages of count integrity: the count-changes report (and its exports), the published figures and the
"as published vs now" comparison. Views parse, call one selector or service, render; a territory outside the
user's answers 404, like one that does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.capabilities import can
from audit.models import AuditEvent
from audit.services import audit_record
from core.htmx import render_page
from core.periods import Period, choices

from . import exports
from .count_report import count_report, report_scope
from .forms import parse_int, parse_period
from .periods import period_choices
from .publication import PublicationError, figures_publish
from .publication_selectors import publication_comparison, publication_get, publication_list
from .selectors.access import DashboardNotFound, Scope


def _report_scope(request) -> Scope:
    try:
        return report_scope(request.user, region_id=parse_int(request.GET.get("region")),
                            district_id=parse_int(request.GET.get("district")))
    except DashboardNotFound as exc:
        raise Http404 from exc


def _unit_query(scope: Scope) -> str:
    if scope.level == "district":
        return f"district={scope.district.pk}"
    if scope.level == "region":
        return f"region={scope.region.pk}"
    return ""


def _join(*parts: str) -> str:
    return "&".join(p for p in parts if p)


@login_required
@require_GET
def count_changes(request):
    scope = _report_scope(request)
    period, error = parse_period(request.GET)
    report = count_report(request.user, scope, period)
    return render_page(request, "dashboards/count_changes.html", {
        "report": report, "scope": scope, "period": period, "period_error": error, "period_choices": period_choices(),
        "region": scope.region, "district": scope.district, "action_keeps_unit": True,
        "query": _join(f"period={period.key}", _unit_query(scope)),
        "can_publish": can(request.user, "dashboards.publish_figures"),
    })


@login_required
@require_GET
def count_changes_export(request):
    table, fmt = request.GET.get("table", "units"), request.GET.get("format", "csv")
    if table not in exports.COUNT_TABLES or fmt not in exports.FORMATS:
        return HttpResponseBadRequest(_("Unknown table or format."))
    scope = _report_scope(request)
    period, error = parse_period(request.GET)
    if error:
        return HttpResponseBadRequest(error)
    report = count_report(request.user, scope, period, changes_limit=None)
    header, rows = exports.count_report_rows(table, report)
    code = scope.territory.code if scope.territory else "uz"
    response = exports.export_response(table=table, fmt=fmt, filename=f"count-changes-{code}-{table}-{period.key}",
                                       header=header, rows=rows)
    audit_record(action=AuditEvent.Action.EXPORT, request=request, object_type="dashboards.count_changes",
                 object_id=table, object_repr=f"{scope.name}: {table} ({period.key})", territory=scope.territory,
                 details={"table": table, "format": fmt, "period": period.key, "level": scope.level,
                          "rows": len(rows)})
    return response


def _publication_periods() -> list[Period]:
    return [p for p in choices() if not p.is_current]


@login_required
@require_http_methods(["GET", "POST"])
def publications(request):
    """The published versions, and (for the ministry) the form that publishes a period."""
    if not can(request.user, "dashboards.view_count_report"):
        raise Http404
    form_error, note, chosen = "", "", ""
    if request.method == "POST":
        if not can(request.user, "dashboards.publish_figures"):
            raise PermissionDenied
        chosen, note = request.POST.get("period", ""), request.POST.get("note", "")
        try:
            publication = figures_publish(by=request.user, period=chosen, note=note)
        except PublicationError as exc:
            form_error = exc.message
        else:
            messages.success(request, _("Published %(period)s, version %(version)s.") % {
                "period": publication.period, "version": publication.version})
            return redirect(reverse("dashboards:publications"))
    return render_page(request, "dashboards/publications.html", {
        "publications": publication_list()[:100], "period_options": _publication_periods(),
        "can_publish": can(request.user, "dashboards.publish_figures"), "form_error": form_error,
        "note": note, "chosen": chosen,
    }, status=400 if form_error else 200)


@login_required
@require_GET
def publication_compare(request):
    scope = _report_scope(request)
    key = request.GET.get("period", "")
    try:
        publication = publication_get(key, parse_int(request.GET.get("version")))
    except DashboardNotFound as exc:
        raise Http404 from exc
    comparison = publication_comparison(request.user, scope, publication)
    versions = list(publication_list(publication.period).order_by("-version"))
    return render_page(request, "dashboards/publication_compare.html", {
        "comparison": comparison, "scope": scope, "publication": publication, "versions": versions,
        "region": scope.region, "district": scope.district, "period": comparison.period,
        "unit_query": _unit_query(scope),
    })
