"""Second factor (TOTP, RFC 6238) for the national, regional and administrator roles, with recovery codes.

Built on django-otp: a confirmed TOTPDevice is the authenticator app; a StaticDevice holds single-use
recovery codes. A session counts as verified once django_otp.login() has run in it.
"""

import base64
import io
import secrets

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10


class TwoFactorError(Exception):
    pass


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def two_factor_setup_start(*, user) -> TOTPDevice:
    """The pending (unconfirmed) authenticator for the user, created once and kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_data_uri(device: TOTPDevice) -> str:
    """An SVG QR code as a data: URI, so the page needs no inline script and no outside service."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@transaction.atomic
def two_factor_confirm(*, request, token: str) -> list[str]:
    """Confirm the pending authenticator with a code from it; returns fresh recovery codes (shown once)."""
    user = request.user
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token((token or "").strip()):
        raise TwoFactorError("token")
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_reset(user=user)
    otp_login(request, device)
    return codes


@transaction.atomic
def recovery_codes_reset(*, user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [f"{secrets.token_hex(2)}-{secrets.token_hex(2)}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def two_factor_verify(*, request, token: str) -> bool:
    """Check a TOTP or recovery code (a recovery code is used up) and mark the session verified."""
    device = match_token(request.user, (token or "").strip().lower())
    if device is None:
        return False
    otp_login(request, device)
    return True


def token_valid_for(user, token: str) -> bool:
    """For API token issuance: a code valid now, without touching any session."""
    return match_token(user, (token or "").strip().lower()) is not None
