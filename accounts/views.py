"""Sign-in, sign-out, password change and two-factor enrolment (the start page is territories.views.home)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from audit.net import client_ip
from audit.services import audit_record

from . import two_factor
from .forms import LoginForm, PasswordChangeFormStyled, TwoFactorReplaceForm, TwoFactorTokenForm
from .signin_throttle import signin_failure_count, signin_refused_as_throttled


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's default): a link or an image tag cannot sign anyone out."""


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeFormStyled
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(action="password_change", request=self.request, obj=self.request.user)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return reverse_lazy("home")


def _two_factor_throttled(request, form) -> bool:
    """Too many wrong codes from this address or for this user lately: refuse before trying the code."""
    if not signin_refused_as_throttled(request=request, username=request.user.username, step="two-factor"):
        return False
    form.add_error("token", _("Too many wrong codes. Wait a few minutes and try again."))
    return True


@login_required
def two_factor_setup(request):
    """Enrol an authenticator app: show the secret and QR code, confirm with one code, show recovery codes once."""
    user = request.user
    if two_factor.has_confirmed_device(user) and not user.is_verified():
        return redirect("accounts:two_factor_verify")
    device = two_factor.two_factor_setup_start(user=user)
    if two_factor.has_confirmed_device(user):
        form = TwoFactorReplaceForm(request.POST or None, user=user)
    else:
        form = TwoFactorTokenForm(request.POST or None)
    if request.method == "POST" and "password" in form.errors:
        audit_record(action="two_factor_failed", actor=user, request=request, obj=user, outcome="failed",
                     details={"step": "replace", "reason": "password"})
    if request.method == "POST" and form.is_valid() and _two_factor_throttled(request, form):
        pass
    elif request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.two_factor_confirm(request=request, token=form.cleaned_data["token"])
        except two_factor.TwoFactorError:
            form.add_error("token", _("This code is not valid. Check the time on your phone and try again."))
            signin_failure_count(ip=client_ip(request), username=user.username)
            audit_record(action="two_factor_failed", actor=user, request=request, obj=user, outcome="failed",
                         details={"step": "setup"})
        else:
            audit_record(action="two_factor_setup", actor=user, request=request, obj=user)
            return render(request, "accounts/two_factor_recovery.html",
                          {"recovery_codes": codes, "next": _next_url(request)})
    return render(request, "accounts/two_factor_setup.html", {
        "form": form, "secret": two_factor.secret_base32(device), "qr": two_factor.qr_data_uri(device),
        "next": request.GET.get("next", ""),
    })


@login_required
def two_factor_verify(request):
    """The second step of every sign-in for two-factor roles."""
    user = request.user
    if not two_factor.has_confirmed_device(user):
        return redirect("accounts:two_factor_setup")
    form = TwoFactorTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _two_factor_throttled(request, form):
        pass
    elif request.method == "POST" and form.is_valid():
        if two_factor.two_factor_verify(request=request, token=form.cleaned_data["token"]):
            used_recovery = getattr(user.otp_device, "name", "") == "recovery"
            audit_record(action="recovery_code_used" if used_recovery else "two_factor_ok", actor=user,
                         request=request, obj=user)
            return redirect(_next_url(request))
        form.add_error("token", _("This code is not valid. Check the time on your phone and try again."))
        signin_failure_count(ip=client_ip(request), username=user.username)
        audit_record(action="two_factor_failed", actor=user, request=request, obj=user, outcome="failed",
                     details={"step": "verify"})
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
def notification_list(request):
    """The user's own notifications (newest first); opening the page marks them read."""
    from .models import Notification
    from .notifications import notifications_mark_read

    items = list(Notification.objects.filter(user=request.user)[:100])
    if request.method == "POST":
        notifications_mark_read(user=request.user)
        return redirect("accounts:notifications")
    return render(request, "accounts/notifications.html", {"items": items})
