"""Settings of a project that lifts ``perf`` in: SQLite and local memory, no Redis needed."""

from pathlib import Path

HERE = Path(__file__).resolve().parent

SECRET_KEY = "minimal-project-for-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "perf",
]

MIDDLEWARE = [
    "perf.db.timing.ServerTimingMiddleware",
    "perf.db.pinning.PrimaryPinningMiddleware",
    "perf.db.deadlines.DeadlineMiddleware",
    "perf.db.readonly.ReadOnlyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

ROOT_URLCONF = "perf.tests.minimal_project.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ],
        },
    }
]

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
DATABASE_ROUTERS = ["perf.db.router.ReplicaRouter"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "perf.sessions"

PERF = {
    # X-Cache on every response, so the test sees the miss and the hit.
    "DIAGNOSTIC_HEADERS": True,
    "HOLE_NAMESPACES": ["perf.tests.minimal_project.views.greeting_namespaces"],
}
