"""Strict parsers for settings that come from the environment.

A value that is set but malformed raises ImproperlyConfigured at start-up rather
than falling back to a default: a typo in production must not go unnoticed.
Secrets may also be read from a file named by ``<NAME>_FILE``.
"""

import math
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_secret(name: str, default: str = "") -> str:
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"{name}_FILE: cannot read {path}: {exc}"
            ) from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() == "true":
        return True
    if raw.lower() == "false":
        return False
    raise ImproperlyConfigured(f"{name} must be 'true' or 'false', not {raw!r}")


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, not {value}")
    return value


def env_float(name: str, default: float, *, minimum: float = 0.0) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from None
    if not math.isfinite(value):
        raise ImproperlyConfigured(f"{name} must be a finite number, not {raw!r}")
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw not in choices:
        raise ImproperlyConfigured(
            f"{name} must be one of {', '.join(choices)}, not {raw!r}"
        )
    return raw


def env_url(name: str, default: str = "", *, schemes: tuple[str, ...]) -> str:
    """A URL with one of ``schemes`` and a host (a unix socket needs none).

    The message does not quote the value: URLs may carry a password.
    """
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    url = urlsplit(raw)
    if url.scheme not in schemes or not (url.hostname or url.scheme == "unix"):
        wanted = ", ".join(f"{scheme}://" for scheme in schemes)
        raise ImproperlyConfigured(f"{name} must be a URL starting with {wanted}")
    return raw


SETTINGS_FILE = Path(__file__).with_name("settings.py")


def settings_variables() -> frozenset[str]:
    """Every variable settings.py reads, each with its ``<NAME>_FILE`` twin.

    For tools that must start the app from a clean slate (benchmarks, the
    browser tests): read from the source, so a new setting is never missed.
    """
    names = re.findall(r'env_\w+\(\s*"([A-Z][A-Z0-9_]*)"', SETTINGS_FILE.read_text())
    return frozenset(names) | {f"{name}_FILE" for name in names}
