import csv
import json

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core import formats
from core.htmx import render_page
from core.spreadsheets import safe_text

from .forms import AuditSearchForm
from .models import AuditEvent
from .querysets import can_read_audit
from .selectors import audit_event_export_rows, audit_event_page
from .services import audit_record

TRAIL = "audit.auditevent"


def _guard(request):
    """Anonymous users are sent to sign in; signed-in users without the role get a 404, and the probe is
    itself recorded, since looking for the audit trail is worth knowing about."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_read_audit(request.user):
        audit_record(action=AuditEvent.Action.PERMISSION_DENIED, request=request, object_type=TRAIL,
                     outcome=AuditEvent.Outcome.DENIED,
                     details={"method": request.method, "path": request.path[:300]})
        raise Http404
    return None


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


@require_GET
def audit_list(request):
    if (refusal := _guard(request)) is not None:
        return refusal
    # Always bound: no filters at all is a valid search for everything, newest first.
    form = AuditSearchForm(request.GET)
    page = None
    if form.is_valid():
        page = audit_event_page(user=request.user, filters=form.search_kwargs(), number=_page_number(request))
        # Who searched the trail for what is itself part of the trail.
        audit_record(action=AuditEvent.Action.VIEW, request=request, object_type=TRAIL,
                     details={"filters": form.used_filters(), "page": page.number})
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render_page(request, "audit/list.html", context, fragment="audit/_rows.html")


class _Echo:
    def write(self, value):
        return value


# Code columns keep their machine names (re-import, scripts); a label column in the reader's language follows
# each coded one, and the Tashkent time follows the UTC one.
CSV_HEADER = ["occurred_at_utc", "username", "role", "ip", "action", "outcome", "object_type", "object_id",
              "object", "region_id", "district_id", "mahalla_id", "user_agent", "details", "changes"]
LABEL_COLUMNS = {"occurred_at_utc": _("Time (Tashkent)"), "role": _("Role"), "action": _("Action"),
                 "outcome": _("Outcome")}


def csv_header() -> list[str]:
    header = []
    for name in CSV_HEADER:
        header.append(name)
        if name in LABEL_COLUMNS:
            header.append(str(LABEL_COLUMNS[name]))
    return header


def _changes_cell(event) -> str:
    """{"field": [old, new]} as JSON; a personal field is only "changed"."""
    return json.dumps({c.field: "changed" if c.personal else [c.old_value, c.new_value] for c in event.field_changes},
                      ensure_ascii=False, sort_keys=True) if event.field_changes else ""


def _csv_lines(events, language: str):
    writer = csv.writer(_Echo())
    # The file streams after the view has returned: its labels are written in the language of the request.
    with translation.override(language):
        yield "\ufeff"  # a BOM, so spreadsheet programs read Uzbek and Russian labels as UTF-8
        yield writer.writerow(csv_header())
        yield from _csv_event_lines(writer, events)


def _csv_event_lines(writer, events):
    for e in events:
        # Usernames typed at the login page and user agents are attacker-controlled (CSV injection).
        yield writer.writerow([safe_text(v) for v in (
            e.occurred_at_utc, formats.moment(e.occurred_at, seconds=True), e.actor_username, e.actor_role,
            e.actor_role_label, e.ip, e.action, e.get_action_display(), e.outcome, e.get_outcome_display(),
            e.object_type, e.object_id, e.object_repr, e.region_id, e.district_id, e.mahalla_id, e.user_agent,
            AuditEvent._meta.get_field("details").value_to_string(e), _changes_cell(e),
        )])


@require_GET
def audit_export(request):
    if (refusal := _guard(request)) is not None:
        return refusal
    form = AuditSearchForm(request.GET)
    if not form.is_valid():
        # The page shows the errors; an export of something else than what was asked for helps nobody.
        return render(request, "audit/list.html", {"form": form, "page": None, "query": ""}, status=400)
    audit_record(action=AuditEvent.Action.EXPORT, request=request, object_type=TRAIL,
                 details={"filters": form.used_filters(), "format": "csv"})
    rows = audit_event_export_rows(user=request.user, filters=form.search_kwargs())
    response = StreamingHttpResponse(_csv_lines(rows, translation.get_language()),
                                     content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
