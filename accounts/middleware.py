"""Sign-in middlewares: the idle session timeout and the two-factor gate (the request-level protections every
request gets live in core.middleware).

SessionTimeoutMiddleware runs right after AuthenticationMiddleware.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core.middleware import error_response, is_api


class SessionTimeoutMiddleware:
    """Idle sessions end after SESSION_IDLE_SECONDS, every session after SESSION_ABSOLUTE_SECONDS.

    Both clocks live in the server-side session, so a stolen cookie cannot extend them.
    """

    STARTED = "_auth_started_at"
    SEEN = "_auth_last_seen"
    # Writing the session on every request would cost a DB write each time; a minute's slack is harmless.
    TOUCH_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            started = request.session.get(self.STARTED)
            seen = request.session.get(self.SEEN, started)
            if started is None:
                request.session[self.STARTED] = request.session[self.SEEN] = now
            elif (now - started > settings.SESSION_ABSOLUTE_SECONDS
                  or now - (seen or started) > settings.SESSION_IDLE_SECONDS):
                logout(request)
                if is_api(request):
                    return error_response(request, 401, _("Your session has expired. Please sign in again."))
                return redirect(f"{settings.LOGIN_URL_PATH}?expired=1&next={request.path}")
            elif now - (seen or 0) > self.TOUCH_EVERY:
                request.session[self.SEEN] = now
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Users of two-factor roles reach nothing but the 2FA pages until this session is verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and getattr(user, "requires_two_factor", False)
                and not user.is_verified()
                and not request.path.startswith(settings.TWO_FACTOR_EXEMPT_PREFIXES)):
            if is_api(request):
                return error_response(request, 403, _("Two-factor verification is required for this account."))
            from .two_factor import has_confirmed_device

            target = "accounts:two_factor_verify" if has_confirmed_device(user) else "accounts:two_factor_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)
