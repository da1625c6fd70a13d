"""Account security pages: the user's API tokens, and the administrators' list of locked accounts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import api_tokens
from .capabilities import can
from .lockout import account_unlock, lock_ends_at, locked_users
from .models import User


def _user_id(request) -> int | None:
    raw = request.GET.get("user") or request.POST.get("user") or ""
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 10:
        raise Http404
    return int(raw)


@login_required
def token_list(request):
    """Your API tokens (an administrator may open another user's with ?user=<id>) with a Revoke button."""
    user_id = _user_id(request)
    try:
        tokens = list(api_tokens.api_tokens_for(actor=request.user, user_id=user_id))
    except api_tokens.ApiTokenError as exc:
        if str(exc) == "forbidden":
            raise PermissionDenied from exc
        raise Http404 from exc
    owner = get_object_or_404(User, pk=user_id) if user_id else request.user
    rows = [{"prefix": api_tokens.shown_prefix(t), "created": t.created, "expiry": t.expiry} for t in tokens]
    return render(request, "accounts/tokens.html", {"rows": rows, "owner": owner,
                                                    "own": owner.pk == request.user.pk})


@login_required
@require_POST
def token_revoke(request, prefix: str):
    user_id = _user_id(request)
    try:
        api_tokens.api_token_revoke(actor=request.user, prefix=prefix, user_id=user_id, request=request)
    except api_tokens.ApiTokenError as exc:
        if str(exc) == "forbidden":
            raise PermissionDenied from exc
        raise Http404 from exc
    messages.success(request, _("The API token was revoked."))
    url = reverse("accounts:tokens")
    return redirect(f"{url}?user={user_id}" if user_id else url)


@login_required
def locked_list(request):
    if not can(request.user, "accounts.unlock_accounts"):
        raise PermissionDenied
    rows = [{"user": u, "until": lock_ends_at(u)} for u in locked_users()[:200]]
    return render(request, "accounts/locked.html", {"rows": rows})


@login_required
@require_POST
def unlock(request, pk: int):
    if not can(request.user, "accounts.unlock_accounts"):
        raise PermissionDenied
    user = get_object_or_404(User, pk=pk)
    account_unlock(user=user, actor=request.user, request=request, via="locked accounts page")
    messages.success(request, _("%(user)s was unlocked.") % {"user": user.get_username()})
    return redirect("accounts:locked")
