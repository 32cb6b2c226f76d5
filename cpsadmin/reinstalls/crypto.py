"""Encryption of the password a reinstall request carries until submission.

The key is ``settings.REINSTALL_PASSWORD_KEY``: one Fernet key, or several
separated by commas while rotating (the first encrypts, all of them decrypt).

Without a key, a development or test setup (DEBUG on, or the embedded simulator
instead of a real CPS endpoint) derives one from SECRET_KEY, so a fresh checkout
works with no setup. A deployment that talks to a real cloud must set its own
key: then this module refuses to run without one, and cpsadmin.E003 says so at
start-up.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.views.decorators.debug import sensitive_variables

# Keeps the derived key apart from anything else hashed from SECRET_KEY.
_DERIVATION_SALT = b"cpsadmin.reinstalls.password-key"


class PasswordUnavailable(Exception):
    """The stored token cannot be decrypted with the configured keys."""


def configured_keys() -> list[str]:
    raw = settings.REINSTALL_PASSWORD_KEY or ""
    return [key.strip() for key in raw.split(",") if key.strip()]


def may_derive_key() -> bool:
    """True where a key derived from SECRET_KEY is good enough."""
    return settings.DEBUG or settings.CPS_SIMULATED


def derived_key() -> bytes:
    digest = hashlib.sha256(_DERIVATION_SALT + settings.SECRET_KEY.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def _fernet() -> MultiFernet:
    keys = configured_keys()
    if keys:
        try:
            return MultiFernet([Fernet(key) for key in keys])
        except ValueError as exc:
            raise ImproperlyConfigured(
                "REINSTALL_PASSWORD_KEY is not a valid Fernet key."
            ) from exc
    if may_derive_key():
        return MultiFernet([Fernet(derived_key())])
    raise ImproperlyConfigured(
        "REINSTALL_PASSWORD_KEY must be set when cpsadmin talks to a real CPS "
        "endpoint with DEBUG off."
    )


@sensitive_variables("password")
def encrypt_password(password: str) -> str:
    return _fernet().encrypt(password.encode()).decode()


def decrypt_password(token: str) -> str:
    if not token:
        raise PasswordUnavailable("no password is stored")
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise PasswordUnavailable(
            "the stored password cannot be decrypted with REINSTALL_PASSWORD_KEY"
        ) from None
