"""
A few seconds of every scenario against the test session's stack: each completes, writes its
report, and fails no request. No timing is asserted: these runs are too short to measure.
"""

import json
import re
import urllib.request
from urllib.parse import urlsplit, urlunsplit

import pytest

from loadtests.runner import SuiteRun
from loadtests.scenarios import FAILOVER_LIBPQ, BenchConfig
from loadtests.server import Accounts, ShopServer, base_environ, manage, prepare
from loadtests.suites import SUITES

pytestmark = pytest.mark.stack

# Log-in and checkout weigh more than in the default mix, so that a few seconds go through them.
SMOKE = BenchConfig(
    duration=3,
    warmup=0,
    users=3,
    products=40,
    mix="home=2,category=3,search=2,product=3,add_to_cart=3,cart=2,account=3,checkout=3",
    progress=False,
)
ACCOUNTS = Accounts(count=SMOKE.users, password="smoke-test-password")
DATABASE = "loadtests_smoke"
REDIS_DB = "9"


def with_path(url: str, path: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{path}"))


class SmokeStack:
    """The session's stack seen through a database and a Redis db of the smoke runs' own, so
    they neither see nor flush what other tests use."""

    def __init__(self, stack, media_root) -> None:
        self.stack = stack
        self.media_root = media_root

    def environ(self) -> dict[str, str]:
        environ = self.stack.environ()
        return {
            "DATABASE_URL": with_path(environ["DATABASE_URL"], DATABASE),
            "DATABASE_REPLICA_URLS": ",".join(
                with_path(url, DATABASE) for url in environ["DATABASE_REPLICA_URLS"].split(",")
            ),
            "REDIS_URL": with_path(environ["REDIS_URL"], REDIS_DB),
            "MEDIA_ROOT": str(self.media_root),
        }

    def kill_replica(self, number: int) -> None:
        self.stack.kill_replica(number)

    def start_replica(self, number: int) -> None:
        self.stack.start_replica(number)


@pytest.fixture(scope="module")
def smoke_stack(stack, tmp_path_factory):
    with stack.primary.connect() as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        connection.execute(f"CREATE DATABASE {DATABASE}")
    smoke_stack = SmokeStack(stack, tmp_path_factory.mktemp("media"))
    prepare(
        base_environ(smoke_stack.environ()),
        products=SMOKE.products,
        accounts=ACCOUNTS,
        log=tmp_path_factory.mktemp("prepare") / "prepare.log",
    )
    yield smoke_stack
    with stack.primary.connect() as connection:
        connection.execute(f"DROP DATABASE {DATABASE} WITH (FORCE)")


@pytest.mark.parametrize("suite", SUITES.values(), ids=SUITES.keys())
def test_every_scenario_completes_and_writes_the_report(suite, smoke_stack, tmp_path):
    run = SuiteRun(suite, smoke_stack, SMOKE, results=tmp_path, accounts=ACCOUNTS)
    directory = run.run(prepared=True)

    summary = json.loads((directory / "summary.json").read_text())
    assert summary["complete"] is True
    assert [s["key"] for s in summary["scenarios"]] == [s.key for s in suite.scenarios]
    for scenario in summary["scenarios"]:
        assert scenario["stats"]["requests"] > 0, scenario["key"]
        # The libpq baseline is there to show the requests it fails when a replica dies.
        if scenario["key"] != FAILOVER_LIBPQ.key:
            assert scenario["stats"]["failures"] == 0, scenario["key"]
        # Server-Timing's split by kind made it through Locust to the report.
        assert scenario["reads_by_kind"], scenario["key"]
        assert (directory / scenario["key"] / "locust_stats.csv").exists()
        assert (directory / scenario["key"] / "report.html").exists()
        if scenario["events"]:
            duration = SMOKE.duration
            assert [e["action"] for e in scenario["events"]] == ["kill_replica", "start_replica"]
            assert scenario["events"][0]["at_seconds"] == pytest.approx(duration / 3, abs=1)
            assert scenario["events"][1]["at_seconds"] == pytest.approx(2 * duration / 3, abs=1)
            assert len(scenario["phases"]) == 3
    assert "| scenario | req/s |" in (directory / "summary.md").read_text()
    assert (directory / "throughput.png").exists()
    assert (tmp_path / "latest").resolve() == directory.resolve()


NEW_PRICE = """
from catalog.models import ProductVariant

for variant in ProductVariant.objects.filter(product__slug={slug!r}):
    variant.price = "987.65"
    variant.save()
"""


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def test_a_change_shows_on_the_next_request_in_every_gunicorn_worker(smoke_stack, tmp_path):
    """Two gunicorn workers remember the product page and its generations; a third process
    changes the price: every request after that shows it, whichever worker serves it."""
    env = base_environ(smoke_stack.environ())
    with ShopServer({**env, "GUNICORN_WORKERS": "2"}, log=tmp_path / "gunicorn.log") as server:
        slug = re.search(r'href="/p/([\w-]+)/"', fetch(server.url)).group(1)
        page = f"{server.url}/p/{slug}/"
        before = [fetch(page) for _ in range(20)]  # each worker caches it and remembers
        manage("shell", "-c", NEW_PRICE.format(slug=slug), env=env, log=tmp_path / "shell.log")
        after = [fetch(page) for _ in range(20)]

    assert not any("$987.65" in html for html in before)
    assert all("$987.65" in html for html in after)
