from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .lockout import is_locked_out
from .signin_throttle import signin_refused_as_throttled


class LoginForm(AuthenticationForm):
    """The sign-in form with the attributes phones and password managers expect.

    A locked-out username is refused before the password is checked, with the same words whether or
    not the account exists (see accounts.lockout).
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Sign-in with this username is locked after too many failed attempts. "
                    "Try again in 15 minutes, or ask your administrator to unlock it."),
        "throttled": _("Too many failed sign-ins from this network or for this username. "
                       "Wait a few minutes and try again."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if signin_refused_as_throttled(request=self.request, username=username):
            raise ValidationError(self.error_messages["throttled"], code="throttled")
        if is_locked_out(username):
            raise ValidationError(self.error_messages["locked"], code="locked")
        return super().clean()


class PasswordChangeFormStyled(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].widget.attrs.update({"autocomplete": "current-password"})
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget.attrs.update({"autocomplete": "new-password"})
        self.fields["new_password1"].help_text = _(
            "At least 8 characters; not a common password, not only digits, not like your name.")


class TwoFactorTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"), max_length=16, strip=True,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text",
                                      "autocapitalize": "none", "spellcheck": "false"}))


class TwoFactorReplaceForm(TwoFactorTokenForm):
    """Enrolling a new authenticator over a confirmed one: a session left open must not be enough to move the
    second factor to another phone, so the password is asked again."""

    password = forms.CharField(
        label=_("Your password"), strip=False,
        help_text=_("You already have an authenticator: confirm with your password to replace it."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    field_order = ["password", "token"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("This password is not correct."), code="password_incorrect")
        return password
