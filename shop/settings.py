"""
Settings for the shop, read from the environment (12-factor).

With nothing set, the site runs on the embedded default: SQLite and the local-memory cache, so
``make demo`` works on any machine with Python. The native stack and docker compose set
``DATABASE_URL``, ``DATABASE_REPLICA_URLS`` and ``REDIS_URL``.

https://docs.djangoproject.com/en/5.2/ref/settings/
"""

import os
from pathlib import Path

import dj_email_url
from django.core.exceptions import ImproperlyConfigured

from perf.db.databases import parse_url, replicated_databases
from shop.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


# ------------------------------------------------------------------------------------------------
# Core
# ------------------------------------------------------------------------------------------------
# Off unless asked for (`make demo` asks): a deploy that forgets a setting must not run in public
# with DEBUG's tracebacks and a key everybody knows.
DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set SECRET_KEY (or DEBUG=True, for a local demo only: it runs with a public key)."
        )
    SECRET_KEY = "django-insecure-embedded-default-only-for-local-demo"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "perf",
    "catalog",
    "cart",
    "accounts",
]

MIDDLEWARE = [
    # First, so it counts every query of the request (docs/replicas-and-failover.md).
    "perf.db.timing.ServerTimingMiddleware",
    # Next, so each request's time covers every other middleware (docs/observability.md).
    "perf.metrics.middleware.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above the session and auth middleware, so their reads follow the request's pin and their
    # slow statements are cancelled at the deadline.
    "perf.db.pinning.PrimaryPinningMiddleware",
    "perf.db.deadlines.DeadlineMiddleware",
    # While the primary is down, writes answer 503 before the session is even read.
    "perf.db.readonly.ReadOnlyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
                "cart.context_processors.minicart",
            ],
        },
    },
]

# ------------------------------------------------------------------------------------------------
# Databases (docs/replicas-and-failover.md)
# DATABASE_URL is the primary; DATABASE_REPLICA_URLS (comma-separated) become replica1, replica2...
# Their PostgreSQL nodes run on perf's failover backend; PERF_DB_FAILOVER=libpq switches to the
# benchmark's baseline, Django's stock backend with libpq multi-host strings. DATABASE_URL may list
# every node (postgres://user@h1:5432,h2:5432/shop?target_session_attrs=read-write): libpq then
# connects to whichever is primary, so the shop follows a promotion (docs/chaos.md).
# ------------------------------------------------------------------------------------------------
CONN_MAX_AGE = int(os.environ.get("CONN_MAX_AGE", "60"))

DATABASES = replicated_databases(
    parse_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=CONN_MAX_AGE,
        conn_health_checks=True,
    ),
    [
        parse_url(url, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
        for url in env_list("DATABASE_REPLICA_URLS")
    ],
    failover=os.environ.get("PERF_DB_FAILOVER") or "backend",
)
DATABASE_ROUTERS = ["perf.db.router.ReplicaRouter"]

# ------------------------------------------------------------------------------------------------
# Cache and sessions
# ------------------------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    REDIS_OPTIONS = {
        "PARSER_CLASS": "redis.connection._HiredisParser",
        # Every command behind a circuit breaker per Redis server: a hung Redis costs each worker
        # one socket timeout, not two per request; a thread probes it every L2_RETRY_AFTER s.
        "REDIS_CLIENT_CLASS": "perf.cache.redis_client.CircuitBreakerRedis",
        "SOCKET_CONNECT_TIMEOUT": 0.5,
        "SOCKET_TIMEOUT": 0.5,
    }
    CACHES = {
        # Errors raise: perf.cache counts them, warns, and reads the database instead.
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": REDIS_OPTIONS,
        },
        # Errors are ignored: with Redis down, cached_db sessions read and write the database.
        "sessions": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {**REDIS_OPTIONS, "IGNORE_EXCEPTIONS": True},
        },
    }
else:
    CACHES = {
        # Room for the demo catalog's data objects and pages (the default culls past 300).
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        },
        "sessions": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "sessions",
        },
    }

# Django's cached_db: reads come from the cache, every write also lands in the primary database, so
# a cart or a log-in survives a Redis restart or eviction. perf's version also asks the database
# whether a cached signed-in session still exists, so a log-out during a Redis blip holds.
SESSION_ENGINE = "perf.sessions"
SESSION_CACHE_ALIAS = "sessions"

# ------------------------------------------------------------------------------------------------
# Mail: printed on stderr (the console backend) unless SMTP is configured, by EMAIL_URL
# (submission://user:password@smtp.example.com:587, https://pypi.org/project/dj-email-url/) or by
# EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and EMAIL_USE_TLS.
# ------------------------------------------------------------------------------------------------
_mail = dj_email_url.config()
_smtp = "django.core.mail.backends.smtp.EmailBackend"
_console = "django.core.mail.backends.console.EmailBackend"
EMAIL_BACKEND = _mail.get("EMAIL_BACKEND", _smtp if os.environ.get("EMAIL_HOST") else _console)
EMAIL_HOST = _mail.get("EMAIL_HOST", os.environ.get("EMAIL_HOST", "localhost"))
EMAIL_PORT = _mail.get("EMAIL_PORT", int(os.environ.get("EMAIL_PORT", "25")))
EMAIL_HOST_USER = _mail.get("EMAIL_HOST_USER", os.environ.get("EMAIL_HOST_USER", ""))
EMAIL_HOST_PASSWORD = _mail.get("EMAIL_HOST_PASSWORD", os.environ.get("EMAIL_HOST_PASSWORD", ""))
EMAIL_USE_TLS = _mail.get("EMAIL_USE_TLS", env_bool("EMAIL_USE_TLS", default=False))
EMAIL_USE_SSL = _mail.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = _mail.get("EMAIL_TIMEOUT") or 10  # s: a hung mail server must not hold a worker
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Larkspur Supply Co. <shop@localhost>")
# The shop's address in emails sent outside a request (the order confirmation's link).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# ------------------------------------------------------------------------------------------------
# Money
# ------------------------------------------------------------------------------------------------
# The ISO 4217 code of the prices in the database; its symbol, decimals and layout come from CLDR
# in the locale of LANGUAGE_CODE (catalog/currency.py). Changing it converts no price.
SHOP_CURRENCY = os.environ.get("SHOP_CURRENCY", "USD").strip().upper()

# ------------------------------------------------------------------------------------------------
# perf: two-pass page cache, multi-level data cache, replica routing (every option: perf/conf.py)
# PERF_PAGE_CACHE=0 and PERF_DATA_CACHE=0 turn them off, for the benchmarks' baselines;
# PERF_DIAGNOSTIC_HEADERS=1 sends X-Cache and Server-Timing to everybody, not only to staff.
# ------------------------------------------------------------------------------------------------
PERF = {
    "PAGE_CACHE": env_bool("PERF_PAGE_CACHE", default=True),
    "DATA_CACHE": env_bool("PERF_DATA_CACHE", default=True),
    "DIAGNOSTIC_HEADERS": env_bool("PERF_DIAGNOSTIC_HEADERS", default=False),
    # Pass one renders the prices: another currency retires every cached page.
    "PAGE_VERSION": f"currency={SHOP_CURRENCY}",
    "CACHE_REBUILDERS": ["catalog.rebuild.CatalogRebuilder"],
    # What the header and "Recently viewed" holes read: fetched with each page's generations.
    "HOLE_NAMESPACES": [
        "accounts.backends.hole_namespaces",
        "cart.cache.hole_namespaces",
        "catalog.recently_viewed.hole_namespaces",
    ],
    # Replicas: the catalog may be read a little stale, so replicas serve it; the cart, checkout,
    # orders, accounts, sessions and admin read the primary only (their models and their views).
    "REPLICAS": [alias for alias in DATABASES if alias != "default"],
    "REPLICA_READ_MODELS": ["catalog"],
    "PRIMARY_NAMESPACES": ["admin", "cart", "accounts"],
    # What a Prometheus scraper sends to /metrics as a bearer token (docs/observability.md).
    "METRICS_TOKEN": os.environ.get("METRICS_TOKEN", ""),
    # While the primary is down, a shopper's cart and orders are read from a replica instead,
    # with a banner and the buttons that write disabled (templates/includes/read_only.html).
    "READ_ONLY_NAMESPACES": ["cart", "accounts"],
}

# ------------------------------------------------------------------------------------------------
# Auth
# ------------------------------------------------------------------------------------------------
# ModelBackend with the signed-in user read from the data cache (accounts/backends.py).
AUTHENTICATION_BACKENDS = ["accounts.backends.CachedModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# ------------------------------------------------------------------------------------------------
# Internationalisation
# ------------------------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# ------------------------------------------------------------------------------------------------
# Static and media files
# whitenoise serves static files from gunicorn; product images are generated into MEDIA_ROOT.
# ------------------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# ------------------------------------------------------------------------------------------------
# Security (python manage.py check --deploy passes with DEBUG=False and a SECRET_KEY)
# HTTPS is terminated in front of the app; SECURE_SSL_REDIRECT=0 lets a load test speak plain HTTP.
# ------------------------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "3600"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# ------------------------------------------------------------------------------------------------
# Logging: one line per record on stderr, plain text or, with LOG_FORMAT=json, one JSON object
# whose keys include perf's event fields (event, node, error...). docs/observability.md
# ------------------------------------------------------------------------------------------------
LOGGING = logging_config(
    json_lines=os.environ.get("LOG_FORMAT", "plain") == "json",
    level=os.environ.get("LOG_LEVEL", "INFO"),
)
