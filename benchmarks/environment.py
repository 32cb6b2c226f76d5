"""A throwaway cpsadmin for one benchmark run.

prepare() points the settings at a fresh temporary VAR_DIR (so a new SQLite
file and a new simulator file), or at a new database on the PostgreSQL server
named by ``--database-url``, sets Django up and migrates. teardown() drops that
database and removes the directory. Nothing touches var/, a developer's
database or a shared Redis.
"""

import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cpsadmin.env import settings_variables


@dataclass
class Environment:
    var_dir: Path
    vendor: str
    database: str
    keep: bool
    _original_name: str = ""
    _overrides: list = field(default_factory=list)

    def describe(self) -> str:
        if self.vendor == "sqlite":
            return f"SQLite {self.database}"
        return f"PostgreSQL database {self.database}"


def prepare(*, database_url: str = "", keep: bool = False) -> Environment:
    """Set Django up on a fresh, migrated database; see the module docstring."""
    from django.conf import settings

    if settings.configured:
        raise RuntimeError("Benchmarks need a process of their own (Django is set up)")

    var_dir = Path(tempfile.mkdtemp(prefix="cpsadmin-bench-"))
    # Every setting cpsadmin reads goes, so that the run measures the defaults:
    # the embedded simulator, a per-process cache, mail and tasks in-process.
    for name in settings_variables():
        os.environ.pop(name, None)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "cpsadmin.settings",
            "VAR_DIR": str(var_dir),
            # DEBUG off, as in production: no query log, cached templates.
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(40),
            # django.test.Client sends Host: testserver.
            "ALLOWED_HOSTS": "testserver",
            # Seeding writes hundreds of requests; their info lines are noise.
            "LOG_LEVEL": "WARNING",
        }
    )
    if database_url:
        os.environ["DATABASE_URL"] = database_url

    import django

    django.setup()
    env = Environment(var_dir, "", "", keep)
    try:
        _override_settings(env)
        _create_database(env)
    except BaseException:
        teardown(env)
        raise
    return env


def _override_settings(env: Environment) -> None:
    from django.test.utils import override_settings

    overrides = override_settings(
        # The project's URLs plus the bare baseline view (benchmarks/urls.py).
        ROOT_URLCONF="benchmarks.urls",
        # Seeding creates users with passwords; nobody signs in with one
        # (clients use force_login), so the slow hasher would only slow seeding.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Seeding sends hundreds of notification mails; drop them.
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    overrides.enable()
    env._overrides.append(overrides)


def _create_database(env: Environment) -> None:
    """A new database, migrated: a file in VAR_DIR, or a new PostgreSQL one.

    Django's test-database machinery does the creating and dropping. The name
    is unique to this run, so it never clobbers the test suite's database.
    """
    from django.db import connection

    env.vendor = connection.vendor
    env._original_name = connection.settings_dict["NAME"]
    if env.vendor == "sqlite":
        name = str(env.var_dir / "cpsadmin.sqlite3")
    else:
        name = f"{env._original_name}_bench_{secrets.token_hex(4)}"
    connection.settings_dict["TEST"]["NAME"] = name
    env.database = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False
    )


def teardown(env: Environment) -> None:
    """Drop the database and remove VAR_DIR, unless asked to keep them."""
    from django.db import connection

    from cpsadmin.simulator import get_simulator

    try:
        if env.database:
            get_simulator().close()
            connection.creation.destroy_test_db(
                env._original_name, verbosity=0, keepdb=env.keep
            )
    finally:
        while env._overrides:
            env._overrides.pop().disable()
        if not env.keep:
            shutil.rmtree(env.var_dir, ignore_errors=True)
