"""OpsDB settings, read from the environment.

Development defaults need nothing set. With OPSDB_PRODUCTION=1 the settings
are hardened (``manage.py check --deploy`` is clean) and SECRET_KEY and
ALLOWED_HOSTS become mandatory.
"""

import datetime as dt
import os
import re
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = env_bool("OPSDB_PRODUCTION")
DEBUG = env_bool("DEBUG", default=not PRODUCTION)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when OPSDB_PRODUCTION=1")
    # Only for local development: a known key must never reach a server.
    SECRET_KEY = "django-insecure-local-development-only"
# Former keys, still accepted for sessions and signed links while they expire.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

# testserver and localhost are what the test client and the browser tests use.
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver"
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when OPSDB_PRODUCTION=1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF's check, which reads the form: an oversized body is refused unread.
    "operations.limits.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so that it sees a view's exception first: an unreachable database is a 503.
    "operations.unavailable.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "opsdb.urls"
WSGI_APPLICATION = "opsdb.wsgi.application"

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
                "operations.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A write transaction takes SQLite's write lock when it begins, so two that cross
    # wait for each other (and see each other's versions) instead of one failing with
    # "database is locked" when it first writes.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
PG_RANDOM_PAGE_COST = os.environ.get("OPSDB_PG_RANDOM_PAGE_COST", "1.1")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and PG_RANDOM_PAGE_COST:
    # PostgreSQL's default (4) prices a page read as a spinning disk's: with it the
    # planner may scan 100,000 titles for `q` (0.5 s in the bench) rather than read
    # their trigram index (0.06 s). 1.1 is the usual price where pages are in memory
    # or on SSD.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"-c random_page_cost={PG_RANDOM_PAGE_COST}"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# Everything is stored in UTC; each operation keeps its own local time zone.
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# In development whitenoise serves straight from static/ and the apps; in
# production from what `collectstatic` wrote to STATIC_ROOT.
WHITENOISE_USE_FINDERS = not PRODUCTION
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles")) if PRODUCTION else None
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("leaflet", xstatic.pkg.leaflet.BASE_DIR),
    ("leaflet-markercluster", xstatic.pkg.leaflet_markercluster.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Django's cache: anonymous readers' pages and API answers (see operations/caching.py)
# and the API's throttle. Redis when REDIS_URL is set, shared by every worker; each
# worker's own memory otherwise. Entries are never stale (their keys carry the data
# version); OPSDB_CACHE_SECONDS only bounds how long unread ones take up room.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {
        "BACKEND": (
            "operations.cache_backend.TolerantRedisCache"
            if REDIS_URL
            else "django.core.cache.backends.locmem.LocMemCache"
        ),
        "LOCATION": REDIS_URL or "opsdb",
        "TIMEOUT": int(os.environ.get("OPSDB_CACHE_SECONDS", "600")),
        # Parallel test workers (pytest-xdist) share one Redis: each keeps to its own keys.
        "KEY_PREFIX": "opsdb" + os.environ.get("PYTEST_XDIST_WORKER", ""),
        # A Redis that stops answering costs a reader a second at most: the read is a miss.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1} if REDIS_URL else {},
    }
}

# The map's background: any XYZ tile server. Without tiles (offline) the
# markers still show, on a blank background.
OPSDB_TILE_URL = os.environ.get("OPSDB_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
OPSDB_TILE_ATTRIBUTION = os.environ.get("OPSDB_TILE_ATTRIBUTION", "© OpenStreetMap contributors")


def tile_origin(url):
    """The origin of the tile URL for the policy: "https://{s}.tile.…" allows any subdomain."""
    parts = urlsplit(url)
    host = re.sub(r"^\{[a-z]+\}\.", "*.", parts.netloc)
    return f"{parts.scheme}://{host}" if parts.scheme and host else SELF


# No inline script anywhere, and nothing loaded from elsewhere but the map's tiles:
# a stored name that slips past escaping still cannot run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", tile_origin(OPSDB_TILE_URL)],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The admin import page: the largest file it accepts, and where an uploaded file
# waits between its preview and its confirmation (files older than an hour,
# which can no longer be confirmed, are removed at the next upload).
OPSDB_IMPORT_MAX_BYTES = int(os.environ.get("OPSDB_IMPORT_MAX_BYTES", 50 * 1024 * 1024))
# Every other request body (API writes, the intake's article, admin forms): a larger
# one is refused with 413 before it is read (operations/limits.py).
OPSDB_MAX_REQUEST_BYTES = int(os.environ.get("OPSDB_MAX_REQUEST_BYTES", 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = OPSDB_MAX_REQUEST_BYTES
OPSDB_IMPORT_DIR = Path(
    os.environ.get("OPSDB_IMPORT_DIR", Path(tempfile.gettempdir()) / "opsdb-imports")
)

# Failed logins, on the admin's form and the API's token endpoint alike: after
# OPSDB_LOGIN_FAILURE_LIMIT failures for one username from one address, that pair
# is refused (429) for OPSDB_LOGIN_COOLOFF_MINUTES; a success clears the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("OPSDB_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("OPSDB_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "operations.logins.locked_out"
# The client's address as the API's throttle reads it: X-Forwarded-For only behind proxies.
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("OPSDB_NUM_PROXIES", "0")) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT else ("REMOTE_ADDR",)
)

# The changes feed hands out changes older than this many seconds, so that a write whose
# transaction commits late is not missed. More than SQLite's 5 s lock timeout.
CHANGES_SETTLE_SECONDS = float(os.environ.get("OPSDB_CHANGES_SETTLE_SECONDS", "10"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    # Anonymous reads per client address; scripts with a token are not throttled.
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("OPSDB_ANON_RATE", "300/minute")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "URL_FORMAT_OVERRIDE": "format",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Clients are told apart by address: behind N proxies, the Nth address from the
    # right of X-Forwarded-For; with 0, the connection's own (a header can be forged).
    "NUM_PROXIES": int(os.environ.get("OPSDB_NUM_PROXIES", "0")),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "OpsDB API",
    "DESCRIPTION": (
        "Military operations against ISIS as sources report them: operations, targets, "
        "persons, organisations, places, sources and every claim with who makes it. "
        "Reading is open (published records); writing needs an analyst's token."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Operations are grouped by resource in the docs: operations, persons, ...
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The interactive docs load their scripts from this server, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `kind`: each choice set gets its own name.
    "ENUM_NAME_OVERRIDES": {
        "OperationKindEnum": "operations.models.OperationKind",
        "OrganisationKindEnum": "operations.models.Organisation.Kind",
        "PlaceKindEnum": "operations.models.Place.Kind",
        "SourceKindEnum": "operations.models.Source.Kind",
        "AliasKindEnum": "operations.models.PersonAlias.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "operations.api.schema.document_exports_and_errors",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django's own console handler would print every line a second time.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}
