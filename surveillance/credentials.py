"""Device passwords at rest: encrypted with keys of their own (DEVICE_CREDENTIAL_KEYS), never with SECRET_KEY.

A pulled device's password must be sent to the device, so it cannot be hashed; it is encrypted with Fernet
(AES-128-CBC + HMAC-SHA256) under a key read from the environment, so a copy of the database alone reveals
nothing. DEVICE_CREDENTIAL_KEYS holds comma-separated Fernet keys, newest first (MultiFernet): the newest
encrypts, every one decrypts. Rotation: prepend a new key, restart, run `manage.py device_credentials_rotate`
(re-encrypts every password under the newest key), then drop the old key. Nothing ever shows a password again:
forms, the API and the admin only accept a new one.
"""

from __future__ import annotations

import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["CredentialError", "InvalidToken", "decrypt", "encrypt", "new_key", "rotate"]


class CredentialError(Exception):
    """A stored password that none of the configured keys opens (a key dropped before rotating)."""


@functools.cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "DEVICE_CREDENTIAL_KEYS is empty: pulled devices' passwords cannot be stored. Make a key with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`.")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError:
        raise ImproperlyConfigured("DEVICE_CREDENTIAL_KEYS: every key must be 32 url-safe base64-encoded bytes "
                                   "(Fernet.generate_key()).") from None


def _current() -> MultiFernet:
    return _fernet(tuple(k.strip() for k in settings.DEVICE_CREDENTIAL_KEYS if k.strip()))


def new_key() -> str:
    return Fernet.generate_key().decode()


def encrypt(password: str) -> bytes:
    return _current().encrypt(password.encode())


def decrypt(token: bytes | memoryview) -> str:
    try:
        return _current().decrypt(bytes(token)).decode()
    except InvalidToken:
        raise CredentialError("The stored password opens with none of DEVICE_CREDENTIAL_KEYS.") from None


def rotate(token: bytes | memoryview) -> bytes:
    """The same password encrypted under the newest key (MultiFernet.rotate keeps its original timestamp)."""
    try:
        return _current().rotate(bytes(token))
    except InvalidToken:
        raise CredentialError("The stored password opens with none of DEVICE_CREDENTIAL_KEYS.") from None
