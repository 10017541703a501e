"""The settings contract: the environment drives them, and a production configuration is safe."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CONFIG_VARIABLES = {
    "DATABASE_URL",
    "DATABASE_REPLICA_URLS",
    "REDIS_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in CONFIG_VARIABLES}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_deploy_checks_pass_with_debug_off_and_a_secret_key():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
    )
    assert result.returncode == 0, result.stderr


def test_debug_off_without_a_secret_key_refuses_to_start():
    result = run_manage("check", DEBUG="False")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_debug_is_off_unless_asked_for_even_without_a_secret_key():
    """A deploy that forgets SECRET_KEY must not run in public with DEBUG and the demo's key."""
    result = run_manage("check")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr

    code = "from django.conf import settings; print(settings.DEBUG)"
    shown = run_manage("shell", "-c", code, SECRET_KEY=secrets.token_urlsafe(50))
    assert shown.stdout.strip().splitlines()[-1] == "False", shown.stderr


def test_unset_environment_means_the_embedded_default():
    code = (
        "import json; from django.conf import settings; print(json.dumps(["
        "settings.DATABASES['default']['ENGINE'], sorted(settings.DATABASES), "
        "settings.CACHES['default']['BACKEND']]))"
    )
    result = run_manage("shell", "-c", code, DEBUG="True")
    assert result.returncode == 0, result.stderr
    engine, aliases, cache = json.loads(result.stdout.strip().splitlines()[-1])
    assert engine == "django.db.backends.sqlite3"
    assert aliases == ["default"]
    assert cache == "django.core.cache.backends.locmem.LocMemCache"


def test_replica_urls_become_replica_aliases():
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(sorted(settings.DATABASES)))"
    )
    result = run_manage(
        "shell",
        "-c",
        code,
        DATABASE_URL="postgres://shop@127.0.0.1:1/shop",
        DATABASE_REPLICA_URLS="postgres://shop@127.0.0.1:2/shop,postgres://shop@127.0.0.1:3/shop",
        SECRET_KEY=secrets.token_urlsafe(50),
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == ["default", "replica1", "replica2"]
