"""Minga's settings: read from the environment only, no secret in the repository.

MINGA_ENV selects the profile: ``development`` (default; what ``make run`` serves on
127.0.0.1), ``test`` or ``production`` (DEBUG off, secure cookies, HSTS, a secret key required).
Any mistake in the environment stops start-up with a message that names the variable.
"""

import os
import secrets
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from minga.config import (
    cache_from_url,
    database_from_url,
    env_bool,
    env_choice,
    env_int,
    env_list,
    refuse_console_email_backend,
    refuse_plain_secret_key,
)

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("MINGA_BASE_DIR", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("MINGA_VAR_DIR", BASE_DIR / "var")).resolve()

MINGA_ENV = os.environ.get("MINGA_ENV", "development")
if MINGA_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"MINGA_ENV must be development, test or production, not {MINGA_ENV!r}."
    )
PRODUCTION = MINGA_ENV == "production"

DEBUG = env_bool("MINGA_DEBUG", default=False) and not PRODUCTION


def _secret_key() -> str:
    key = os.environ.get("MINGA_SECRET_KEY", "")
    if key:
        if PRODUCTION and len(key) < 32:
            raise ImproperlyConfigured("MINGA_SECRET_KEY must be at least 32 characters in production.")
        if PRODUCTION:
            refuse_plain_secret_key(key)
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "MINGA_SECRET_KEY is not set. In production (MINGA_ENV=production) set it to a long "
            "random value, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    # Outside production a key is made once per machine and kept out of the repository.
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("MINGA_ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("MINGA_ALLOWED_HOSTS is not set: name the host names Minga is served on.")
CSRF_TRUSTED_ORIGINS = env_list("MINGA_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "axes",
    # Two-factor authentication (docs/access.md): TOTP devices, and static tokens as recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Listed so that the API docs page takes Swagger UI from its own static files, not a CDN.
    "ninja",
    # Background jobs: the Tasks framework and its database backend (the queue is a table; docs/jobs.md).
    "django_tasks",
    "django_tasks_db",
    "minga.reference",
    "minga.accounts",
    "minga.audit",
    "minga.site",
    "minga.finance",
    "minga.process",
    "minga.results",
    "minga.narrative",
    "minga.capacity",
    "minga.services",
    "minga.portfolio",
    "minga.localgov",
    "minga.programmes",
    "minga.exchange",
    "minga.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "minga.site.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the language is known (its answer is translated), before CSRF checking reads a body.
    "minga.site.middleware.RequestSizeMiddleware",
    "minga.site.middleware.DatabaseBusyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Two-factor authentication and idle sessions: request.user.is_verified(), then the session's
    # rules (after the messages, since signing out an idle session leaves one).
    "django_otp.middleware.OTPMiddleware",
    "minga.accounts.middleware.SessionRulesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Inside the user, the language and htmx: the CSV of a table is read from the page this reader would get.
    "minga.site.middleware.TableCsvMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lock-out into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "minga.urls"
WSGI_APPLICATION = "minga.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "minga.site.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", ""), default_sqlite_path=VAR_DIR / "minga.sqlite3"
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Shared by every worker: public pages and figures kept until a write (minga.common.cache). The database
# cache by default (its table made by `minga setup` and the test set-up); MINGA_CACHE_URL names another.
CACHES = {"default": cache_from_url(os.environ.get("MINGA_CACHE_URL", ""))}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "site:home"

# Login throttling: five failures for one user name from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env_int("MINGA_LOGIN_FAILURE_LIMIT", default=5, minimum=1, maximum=1000)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# --- Two-factor authentication and idle sessions (docs/access.md, "Two-factor authentication") ---
# A signed-in session that sees no request for this many minutes ends: the next request signs out.
MINGA_SESSION_IDLE_MINUTES = env_int("MINGA_SESSION_IDLE_MINUTES", default=30, minimum=1, maximum=24 * 60)
# The session cookie outlives no idle period by much: the browser drops it too, after the same time.
SESSION_COOKIE_AGE = MINGA_SESSION_IDLE_MINUTES * 60
OTP_TOTP_ISSUER = "Minga"
# The admin lists devices without their keys or QR codes: a key seen there is a second factor copied.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# After n wrong codes in a row a device refuses every code for factor * 2^(n-1) seconds.
OTP_TOTP_THROTTLE_FACTOR = env_int("MINGA_OTP_THROTTLE_SECONDS", default=1, minimum=1, maximum=3600)
OTP_STATIC_THROTTLE_FACTOR = OTP_TOTP_THROTTLE_FACTOR

LANGUAGE_CODE = "es"
# Brazilian Portuguese, so that Django's own strings are too; Minga's catalogue in locale/pt serves pt-br.
LANGUAGES = [("es", "Español"), ("pt-br", "Português"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "America/Panama"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "minga_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# The service directory's map draws the vendored boundaries; map tiles only when an operator sets a tile
# address (e.g. https://tile.example.org/{z}/{x}/{y}.png, also allowed in the CSP's img-src) and its credit.
MINGA_MAP_TILE_URL = os.environ.get("MINGA_MAP_TILE_URL", "")
MINGA_MAP_TILE_ATTRIBUTION = os.environ.get("MINGA_MAP_TILE_ATTRIBUTION", "")
_tile_origins = ["/".join(MINGA_MAP_TILE_URL.split("/")[:3]).replace("{s}.", "*.")] if MINGA_MAP_TILE_URL else []

STATIC_ROOT = Path(os.environ.get("MINGA_STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# Printed to the console outside production; sent by SMTP in production, where the console is refused.
EMAIL_BACKEND = os.environ.get("MINGA_EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("MINGA_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("MINGA_EMAIL_PORT", default=25, minimum=1, maximum=65535)
EMAIL_HOST_USER = os.environ.get("MINGA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("MINGA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("MINGA_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("MINGA_FROM_EMAIL", "Minga <no-reply@minga.localhost>")
# The address the e-mails' links start with (the workflow's notices): no request to take the host from.
MINGA_SITE_URL = (os.environ.get("MINGA_SITE_URL") or (
    f"https://{ALLOWED_HOSTS[0].lstrip('.')}" if PRODUCTION else "http://localhost:8000")).rstrip("/")
EMAIL_TIMEOUT = env_int("MINGA_EMAIL_TIMEOUT", default=10, minimum=1, maximum=300)  # seconds; SMTP never hangs a write

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Web security: the policy pages are served under, upload size, production e-mail ----------------
# Content-Security-Policy (django-csp 4; Django 5.2 has none built in): scripts, styles and everything else
# only from Minga's own files, nothing inline (no <script> without src, no style attribute) and no eval:
# charts run Vega's expression interpreter. data: images for the empty favicon link of base.html.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_tile_origins],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# The largest body a request may carry, refused from its Content-Length before it is read (413): the
# largest upload (a 15 MB project document; a bulk file is at most 5 MB) with room for the form around it.
MINGA_MAX_REQUEST_BYTES = env_int("MINGA_MAX_REQUEST_MB", default=16, minimum=1, maximum=1024) * 1024 * 1024
if PRODUCTION:
    refuse_console_email_backend(EMAIL_BACKEND)
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("MINGA_HSTS_SECONDS", default=60 * 60 * 24 * 365, minimum=0, maximum=10 * 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Django's deployment checklist asks for it; an operator whose subdomains are not all on HTTPS
    # turns it off (MINGA_HSTS_PRELOAD=false) before submitting nothing to the preload list.
    SECURE_HSTS_PRELOAD = env_bool("MINGA_HSTS_PRELOAD", default=True)
    SECURE_SSL_REDIRECT = env_bool("MINGA_SSL_REDIRECT", default=True)
    # The proxy's health probe speaks plain HTTP on the private side.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    # A TLS-terminating proxy in front of gunicorn tells us the request was HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MINGA_LOG_LEVEL", "WARNING")},
}

# Background jobs (docs/jobs.md): the queue is a table of the database, run by `minga worker` (which
# `minga serve` starts beside the web server). "immediate" runs each job inside the request that asks for
# it (no worker needed: a machine that only tries Minga out, or a test).
MINGA_TASK_BACKEND = env_choice("MINGA_TASK_BACKEND", choices=("database", "immediate"), default="database")
TASKS = {"default": {
    "BACKEND": {"database": "django_tasks_db.DatabaseBackend",
                "immediate": "django_tasks.backends.immediate.ImmediateBackend"}[MINGA_TASK_BACKEND],
    "QUEUES": ["default"],
}}
# Where uploaded import files wait for their job (private: never served).
MINGA_IMPORT_DIR = Path(os.environ.get("MINGA_IMPORT_DIR", VAR_DIR / "imports")).resolve()

NINJA_PAGINATION_PER_PAGE = 100
# IATI: the publisher's organisation identifier; it prefixes every iati-identifier of the IATI export.
# The default is a placeholder registered nowhere: set the one the IATI Registry gives the secretariat.
MINGA_IATI_PUBLISHER_REF = os.environ.get("MINGA_IATI_PUBLISHER_REF", "XM-QUITO-PROCESS")
# The folder holding the IATI 2.03 XSD (iati-activities-schema.xsd): imports also validate each activity against it.
MINGA_IATI_SCHEMA_DIR = os.environ.get("MINGA_IATI_SCHEMA_DIR", "")
# Where the catalogue counts its facets: "memory" (the facet index each worker keeps, built at start) or
# "sql" (plain GROUP BY queries each time: no memory held, slower for broad views; docs/benchmarks.md).
MINGA_CATALOGUE_INDEX = env_choice("MINGA_CATALOGUE_INDEX", choices=("memory", "sql"), default="memory")

# The years a project's dates may fall in (planned start and end, value dates, budget years): a date
# typed as 9999 is a mistake, not a plan.
MINGA_DATE_MIN_YEAR = env_int("MINGA_DATE_MIN_YEAR", default=1990, minimum=1900, maximum=2100)
MINGA_DATE_MAX_YEAR = env_int("MINGA_DATE_MAX_YEAR", default=2100, minimum=MINGA_DATE_MIN_YEAR, maximum=9999)
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
