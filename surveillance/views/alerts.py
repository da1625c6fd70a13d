"""An alert's page and its review actions (confirm, dismiss, escalate), from the page or from a queue row."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.capabilities import can
from core.forms import add_domain_error

from .. import presenters, selectors
from ..errors import SurveillanceError
from ..forms import ConfirmForm, DismissForm, EscalateForm
from ..models import Alert
from ..services import plates, review


def _alert_or_404(request, pk: int) -> Alert:
    alert = selectors.alert_get(user=request.user, alert_id=pk)
    if alert is None:
        raise Http404
    return alert


def _review_context(request, alert: Alert, **forms) -> dict:
    can_review = not alert.is_final and can(request.user, "surveillance.review_alert", alert)
    history = selectors.alert_history(alert=alert)
    labels = dict(Alert.Status.choices)
    for event in history:
        event.status_label = labels.get((event.details or {}).get("status"), "")
    return {
        "alert": alert, "can_review": can_review,
        "confirm_form": forms.get("confirm_form") or ConfirmForm(initial={
            "category": alert.suggested_category_code,
            "mode": ConfirmForm.NEW if alert.mahalla_id else ConfirmForm.LINK}),
        "dismiss_form": forms.get("dismiss_form") or DismissForm(),
        "escalate_form": forms.get("escalate_form") or EscalateForm(),
        "open_action": forms.get("open_action", ""),
        # A refusal of a form that is no longer shown (the alert was decided meanwhile) goes above the panel.
        "action_errors": [] if can_review else [
            error for name in ("confirm_form", "dismiss_form", "escalate_form") if forms.get(name) is not None
            for error in forms[name].non_field_errors()],
        "history": history,
        "incident_url": presenters.incident_url(alert.incident_id),
    }


def _queue_context(request, alert: Alert, query: str) -> dict:
    """The "next alert" of the queue the user came from (its filters ride along in `query`) and how many wait."""
    following, waiting = selectors.alert_next(user=request.user, alert=alert, filters=QueryDict(query))
    suffix = f"?{query}" if query else ""
    queue = reverse("surveillance:unmatched" if alert.camera_id is None and can(
        request.user, "surveillance.manage_cameras") else "surveillance:alerts")
    return {"queue_query": query, "waiting": waiting, "queue_url": f"{queue}{suffix}",
            "next_url": f"{reverse('surveillance:alert', args=[following.pk])}{suffix}" if following else ""}


def queue_query(params) -> str:
    return urlencode([(name, params[name]) for name in selectors.QUEUE_FILTERS if params.get(name)])


def _page_context(request, alert: Alert) -> dict:
    """What the full page shows besides the review panel; the page shows the ANPR plate, so its read is audited."""
    plates.alert_plate_read(by=request.user, alert=alert, via=plates.PAGE)
    return {"pictures": list(alert.pictures.all()), "points": presenters.alert_points([alert]),
            "camera_point": presenters.point(alert.camera), **presenters.map_context()}


@login_required
def alert_detail(request, pk: int):
    alert = _alert_or_404(request, pk)
    presenters.alerts_decorate([alert])
    repeats = presenters.alerts_decorate(selectors.alert_repeats(user=request.user, alert=alert))
    context = {**_review_context(request, alert), **_page_context(request, alert), "repeats": repeats,
               **_queue_context(request, alert, queue_query(request.GET))}
    return render(request, "surveillance/alert.html", context)


def _action_done(request, alert: Alert, message: str):
    alert = _alert_or_404(request, alert.pk)
    if request.POST.get("from") == "queue":
        if not request.htmx:
            messages.success(request, message)
            return redirect(request.POST.get("next_query") and
                            f"{reverse('surveillance:alerts')}?{request.POST['next_query']}"
                            or reverse("surveillance:alerts"))
        if request.POST.get("needs_review") and not alert.awaiting_review:
            # Decided: it leaves the "needs review" list (htmx swaps the row for nothing).
            return HttpResponse("")
        presenters.alerts_decorate([alert])
        return render(request, "surveillance/_alert_row.html", {"alert": alert, "can_review": True,
                                                                 "needs_review": False,
                                                                 "dismiss_reasons": Alert.DismissReason.choices})
    query = queue_query(QueryDict(request.POST.get("queue", "")))
    if not request.htmx:
        messages.success(request, message)
        return redirect(f"{reverse('surveillance:alert', args=[alert.pk])}{'?' + query if query else ''}")
    # The header (status, next alert) is swapped out of band with the review panel.
    presenters.alerts_decorate([alert])
    return render(request, "surveillance/_review.html", {**_review_context(request, alert), "done": message,
                                                         **_queue_context(request, alert, query), "oob": True})


def _action_failed(request, alert: Alert, **forms):
    if request.POST.get("from") == "queue":
        presenters.alerts_decorate([alert])
        form = forms.get("dismiss_form") or forms.get("escalate_form")
        context = {"alert": alert, "can_review": True, "needs_review": bool(request.POST.get("needs_review")),
                   "row_form": form, "open_action": forms.get("open_action", ""),
                   "dismiss_reasons": Alert.DismissReason.choices}
        return render(request, "surveillance/_alert_row.html", context)
    context = {**_review_context(request, alert, **forms),
               **_queue_context(request, alert, queue_query(QueryDict(request.POST.get("queue", ""))))}
    if request.htmx:
        return render(request, "surveillance/_review.html", context)
    presenters.alerts_decorate([alert])
    context.update(repeats=[], **_page_context(request, alert))
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
            review.alert_confirm(
                by=request.user, alert=alert, incident_id=data["incident"] if linking else None,
                category_code=data["category"].code if data.get("category") and not linking else "",
                legal_kind=data["legal_kind"], note=data["note"])
        except SurveillanceError as exc:
            add_domain_error(form, exc, aliases={"occurred_at": None, "location": None})
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
            review.alert_dismiss(by=request.user, alert=alert, reason=form.cleaned_data["reason"],
                                 code=form.cleaned_data["dismiss_code"])
        except SurveillanceError as exc:
            add_domain_error(form, exc)
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
            review.alert_escalate(by=request.user, alert=alert, note=form.cleaned_data["note"])
        except SurveillanceError as exc:
            add_domain_error(form, exc)
        else:
            return _action_done(request, alert, _("Escalated."))
    return _action_failed(request, alert, escalate_form=form, open_action="escalate")
