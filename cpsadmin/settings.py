"""Settings for cpsadmin, read from the environment.

With nothing set, cpsadmin runs on a SQLite file and the embedded CPS simulator.
Production sets DATABASE_URL, REDIS_URL, CPS_ENDPOINT and the CPS credentials.
"""

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

from cpsadmin.env import (
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_secret,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

# Only for the embedded default; cpsadmin.E001 refuses it when DEBUG is off.
DEFAULT_SECRET_KEY = "cpsadmin-insecure-development-key-change-me"  # noqa: S105
SECRET_KEY = env_secret("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_url(
    "SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https")
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks",
    "django_tasks_db",
    "cpsadmin.accounts",
    "cpsadmin.cps",
    "cpsadmin.simulator",
    "cpsadmin.audit",
    "cpsadmin.reinstalls",
]

MIDDLEWARE = [
    "cpsadmin.correlation.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cpsadmin.htmx.LoginRedirectMiddleware",
]

ROOT_URLCONF = "cpsadmin.urls"
WSGI_APPLICATION = "cpsadmin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "cpsadmin.accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# DATABASE_URL (postgres://...) switches to PostgreSQL; the default is a file.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "cpsadmin.sqlite3",
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue up
            # instead of one failing with "database is locked" mid-transaction.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cpsadmin",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth -------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)

# --- HTTPS ------------------------------------------------------------------
# Off by default: the embedded demo is plain http on localhost.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it
# from clients), so Django knows the request was https.
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "cpsadmin" / "locale"]
# ISO-style dates and times in every language: operators compare them with logs.
FORMAT_MODULE_PATH = ["cpsadmin.formats"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Set for deployments that run collectstatic; without it files come from finders.
STATIC_ROOT = env_str("STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ------------------------------------------------------------------
# Console by default; EMAIL_HOST switches to SMTP.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "cpsadmin <cpsadmin@localhost>")

# --- Background tasks -------------------------------------------------------
# "immediate" runs a task as it is enqueued; "database" queues it for db_worker.
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }.get(TASKS_BACKEND, TASKS_BACKEND)
    }
}

# --- CPS --------------------------------------------------------------------
# No CPS_ENDPOINT means the embedded simulator, reached in-process. An endpoint
# on this machine (runsimulator) is the simulator too: both take the demo keys.
CPS_ENDPOINT = env_url("CPS_ENDPOINT", schemes=("https", "http")).rstrip("/")
CPS_SIMULATED = not CPS_ENDPOINT or urlsplit(CPS_ENDPOINT).hostname in (
    "127.0.0.1",
    "localhost",
    "::1",
)
CPS_ACCESS_KEY = env_secret(
    "CPS_ACCESS_KEY", "cpsadmin-demo-ak" if CPS_SIMULATED else ""
)
CPS_SECRET_KEY = env_secret(
    "CPS_SECRET_KEY", "cpsadmin-demo-sk" if CPS_SIMULATED else ""
)
CPS_TIMEOUT = env_float("CPS_TIMEOUT", 10.0, minimum=0.1)
CPS_CATALOGUE_CACHE_SECONDS = env_int("CPS_CATALOGUE_CACHE_SECONDS", 300, minimum=0)

CPS_SIMULATOR_DB = Path(env_str("CPS_SIMULATOR_DB", str(VAR_DIR / "simulator.sqlite3")))
CPS_SIMULATOR_REINSTALL_SECONDS = env_float("CPS_SIMULATOR_REINSTALL_SECONDS", 30.0)
CPS_SIMULATOR_TRANSITION_SECONDS = env_float("CPS_SIMULATOR_TRANSITION_SECONDS", 5.0)

# --- Reinstall workflow -----------------------------------------------------
REINSTALL_APPROVAL_EXPIRY_HOURS = env_int(
    "REINSTALL_APPROVAL_EXPIRY_HOURS", 24, minimum=1
)
# Fernet key (urlsafe base64, 32 bytes) that encrypts a pending request's
# password. cpsadmin.E003 requires it when DEBUG is off.
REINSTALL_PASSWORD_KEY = env_secret("REINSTALL_PASSWORD_KEY")

# --- Audit ------------------------------------------------------------------
# Behind exactly one trusted reverse proxy, take the client IP from the last
# X-Forwarded-For entry (the one that proxy added) instead of REMOTE_ADDR.
AUDIT_TRUST_X_FORWARDED_FOR = env_bool("AUDIT_TRUST_X_FORWARDED_FOR", False)

# --- Error reports ----------------------------------------------------------
# Passwords named by sensitive_post_parameters / sensitive_variables stay hidden
# on DEBUG error pages as well.
DEFAULT_EXCEPTION_REPORTER_FILTER = "cpsadmin.debug.AlwaysSafeExceptionReporterFilter"

# --- Logging ----------------------------------------------------------------
LOG_LEVEL = env_choice(
    "LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cpsadmin.correlation.RequestIdLogFilter"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "cpsadmin": {"level": LOG_LEVEL, "propagate": True},
        # Django's own console handler would print each of its lines twice.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
