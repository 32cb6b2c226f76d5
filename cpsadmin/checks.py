"""System checks for deployment mistakes.

They run with ``manage.py check`` and at start-up. A deployment is a process
with DEBUG off that talks to a real CPS endpoint; the test suite and the demo
(DEBUG off or on, embedded simulator) only get warnings.
"""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


def _is_deployment() -> bool:
    return not settings.DEBUG and not settings.CPS_SIMULATED


@register(Tags.security)
def check_secret_key(app_configs, **kwargs):
    if _is_deployment() and settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY:
        return [
            Error(
                "SECRET_KEY is the built-in development key.",
                hint="Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value.",
                id="cpsadmin.E001",
            )
        ]
    return []


@register()
def check_cps_credentials(app_configs, **kwargs):
    if not settings.CPS_SIMULATED and not (
        settings.CPS_ACCESS_KEY and settings.CPS_SECRET_KEY
    ):
        return [
            Error(
                "CPS_ENDPOINT points at a real cloud but the credentials are missing.",
                hint="Set CPS_ACCESS_KEY and CPS_SECRET_KEY (or CPS_SECRET_KEY_FILE).",
                id="cpsadmin.E002",
            )
        ]
    return []


@register(Tags.security)
def check_password_key(app_configs, **kwargs):
    from cpsadmin.reinstalls.crypto import configured_keys

    keys = configured_keys()
    for key in keys:
        try:
            Fernet(key)
        except ValueError:
            return [
                Error(
                    "REINSTALL_PASSWORD_KEY is not a valid Fernet key.",
                    hint=_KEY_HINT,
                    id="cpsadmin.E004",
                )
            ]
    if keys:
        return []
    if _is_deployment():
        return [
            Error(
                "REINSTALL_PASSWORD_KEY is not set, so pending reinstall "
                "passwords cannot be stored.",
                hint=_KEY_HINT,
                id="cpsadmin.E003",
            )
        ]
    if not settings.DEBUG:
        return [
            Warning(
                "REINSTALL_PASSWORD_KEY is not set; pending reinstall passwords "
                "are encrypted with a key derived from SECRET_KEY.",
                hint=_KEY_HINT,
                id="cpsadmin.W002",
            )
        ]
    return []


@register()
def check_simulator_in_production(app_configs, **kwargs):
    if not settings.DEBUG and settings.CPS_SIMULATED:
        return [
            Warning(
                "DEBUG is off but cpsadmin still talks to the CPS simulator.",
                hint="Set CPS_ENDPOINT and the CPS credentials to reach JD Cloud.",
                id="cpsadmin.W001",
            )
        ]
    return []


_KEY_HINT = (
    "Generate one with: python -c 'from cryptography.fernet import Fernet; "
    "print(Fernet.generate_key().decode())' and set REINSTALL_PASSWORD_KEY "
    "(or REINSTALL_PASSWORD_KEY_FILE)."
)
