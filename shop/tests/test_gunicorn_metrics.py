"""
The host's metrics under real gunicorn: two workers, each counting into its own files under
PROMETHEUS_MULTIPROC_DIR, and ``/metrics`` and ``/perf/`` summing both; its logs as JSON lines
with ``LOG_FORMAT=json``, the access log included.

It runs the embedded default (SQLite, local memory), which needs no stack: what is under test
is how the processes share their counts, not what they count.
"""

import json
import secrets
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from loadtests.server import ROOT, ShopServer, base_environ, manage, tail

TOKEN = secrets.token_urlsafe(16)
STAFF_SESSION = """
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

user = get_user_model().objects.create_user("ops", is_staff=True)
client = Client()
client.force_login(user)
print(client.cookies[settings.SESSION_COOKIE_NAME].value)
"""


def shell(code: str, *, env: dict[str, str]) -> subprocess.CompletedProcess:
    """``manage.py shell -c code`` in a process of its own, its output captured."""
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """gunicorn with 2 workers on a migrated SQLite database (static files collected, as
    ``make serve`` does), and a staff session cookie."""
    tmp = tmp_path_factory.mktemp("gunicorn-metrics")
    env = {
        **base_environ({"DATABASE_URL": f"sqlite:///{tmp / 'shop.sqlite3'}"}),
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESSLOG": "-",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp / "prometheus"),
        "METRICS_TOKEN": TOKEN,
        "LOG_FORMAT": "json",
    }
    log = tmp / "gunicorn.log"
    manage("safe_migrate", "--noinput", env=env, log=log)
    manage("collectstatic", "--noinput", env=env, log=log)
    made = shell(STAFF_SESSION, env=env)
    assert made.returncode == 0, made.stderr
    session = made.stdout.strip().splitlines()[-1]
    with ShopServer(env, log=log) as server:
        yield server, session, log


def get(url: str, **headers: str) -> str:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode()


def requests_served(server: ShopServer, session: str) -> dict[str, int]:
    cookie = f"sessionid={session}"
    return json.loads(get(f"{server.url}/perf/?format=json", Cookie=cookie))["host"]["processes"]


def scrape(server: ShopServer) -> dict[tuple[str, frozenset], float]:
    text = get(f"{server.url}/metrics", Authorization=f"Bearer {TOKEN}")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_and_the_status_page_sum_every_workers_counts(shop):
    server, session, log = shop
    sent = 0
    with ThreadPoolExecutor(max_workers=4) as pool:
        # Bounded by count, not by time: concurrent requests reach both workers at once.
        while sent < 2000:
            list(pool.map(lambda _: get(f"{server.url}/readyz"), range(50)))
            sent += 50
            if len(requests_served(server, session)) == 2:
                break

    served = requests_served(server, session)
    samples = scrape(server)

    assert len(served) == 2, tail(log)
    assert all(count > 0 for count in served.values())
    readyz = {"view": "readyz", "status": "2xx"}
    assert samples[("perf_request_duration_seconds_count", frozenset(readyz.items()))] == sent
    counted = sum(
        value
        for (name, _), value in samples.items()
        if name == "perf_request_duration_seconds_count"
    )
    # The scrape counts the status page's request, which the page could not count itself.
    assert counted == sum(served.values()) + 1


def test_the_status_page_says_it_shows_the_host(shop):
    server, session, _log = shop
    page = get(f"{server.url}/perf/", Cookie=f"sessionid={session}")
    assert "The host's view" in page
    assert 'id="host-totals"' in page


def wait_for_records(log: Path, **fields: object) -> list[dict]:
    """The JSON records of ``log`` with ``fields``, once there are some: gunicorn writes an
    access line after it has sent the response."""
    for _ in range(100):
        lines = [line for line in log.read_text().splitlines() if line.startswith("{")]
        found = [r for r in map(json.loads, lines) if fields.items() <= r.items()]
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"no record with {fields} in {log}:\n{tail(log)}")


def test_with_log_format_json_gunicorns_access_and_error_logs_are_json_lines(shop):
    server, _session, log = shop
    get(f"{server.url}/readyz?from=access-log-test")

    access = wait_for_records(log, query="from=access-log-test")
    records = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert access[0]["method"] == "GET"
    assert access[0]["path"] == "/readyz"
    assert access[0]["status"] == 200
    assert access[0]["logger"] == "gunicorn.access"
    assert any(
        r["logger"] == "gunicorn.error" and "Booting worker" in r["message"] for r in records
    )


def test_with_log_format_json_perf_events_carry_their_fields(tmp_path: Path):
    code = "from perf.db import health; health.record_failure('replica1', 'refused')"
    env = {**base_environ({}), "LOG_FORMAT": "json"}
    done = shell(code, env=env)

    assert done.returncode == 0, done.stderr
    [record] = [json.loads(line) for line in done.stderr.splitlines() if '"node_down"' in line]
    assert record["event"] == "node_down"
    assert record["node"] == "replica1"
    assert record["error"] == "refused"
    assert record["logger"] == "perf.db"
    assert record["level"] == "WARNING"
    assert "perf" not in record


def test_the_gunicorn_config_sets_the_directory_before_anything_imports_prometheus_client():
    """prometheus_client picks where values live when first imported: a config that imported it
    before setting the directory would leave every worker counting in memory of its own."""
    code = (
        "import os, runpy; runpy.run_path('shop/gunicorn.conf.py'); "
        "from prometheus_client import values; "
        "print(os.environ['PROMETHEUS_MULTIPROC_DIR'], values.ValueClass.__qualname__)"
    )
    env = {k: v for k, v in base_environ({}).items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )

    assert done.returncode == 0, done.stderr
    directory, value_class = done.stdout.split()
    assert directory == str(ROOT / "var" / "prometheus")
    assert value_class == "MultiProcessValue.<locals>.MmapedValue"
