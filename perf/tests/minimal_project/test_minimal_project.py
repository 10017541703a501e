"""A project that has ``perf`` and nothing of the shop passes ``manage.py check`` and serves a
two-pass page: docs/using-perf.md's checklist is complete."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

VISIT = """
import json
from django.core.management import call_command
from django.contrib.auth.models import User
from django.test import Client
from perf.cache import invalidate
from perf.tests.minimal_project import views

call_command("migrate", verbosity=0)
client = Client()
first, second = client.get("/"), client.get("/")
views.GREETING["text"] = "Good morning"
invalidate("greeting")
client.force_login(User.objects.create_user("ada"))
third = client.get("/")
pages = [(r.status_code, r["X-Cache"], " ".join(r.text.split())) for r in (first, second, third)]
health = [client.get(path).status_code for path in ("/healthz", "/readyz", "/perf/")]
print(json.dumps({"pages": pages, "health": health}))
"""


def django_admin(*args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "perf.tests.minimal_project.settings",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_minimal_project_passes_the_system_checks():
    result = django_admin("check", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_minimal_project_serves_a_two_pass_page_then_its_cached_copy():
    result = django_admin("shell", "--no-imports", "-c", VISIT)

    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    (status, cache, first), (_, second_cache, second), (_, third_cache, third) = seen["pages"]
    assert (status, cache, second_cache, third_cache) == (200, "miss", "hit", "miss")
    assert "<h1>Hello</h1> <p>Not signed in</p>" in first
    assert "<h1>Hello</h1> <p>Not signed in</p>" in second
    assert 'name="csrfmiddlewaretoken"' in second  # filled in pass two
    assert "<h1>Good morning</h1> <p>Signed in as ada</p>" in third
    assert seen["health"] == [200, 200, 403]  # /perf/ is for staff only
