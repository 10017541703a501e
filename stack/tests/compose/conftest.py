"""
The compose project under test: every image built without a registry, fresh volumes, all
services healthy; its logs kept and everything taken down at the end. What was measured is
printed after the run (``stack.compose.report``).
"""

import socket
import time
from collections.abc import Generator
from pathlib import Path

import pytest

from stack.compose.images import build_images
from stack.compose.journey import Browser, Catalog, catalog
from stack.compose.project import BASE_DIR, ComposeProject
from stack.compose.report import ComposeReport

PROJECT = "shop-compose-test"
LOG_DIR = BASE_DIR / "var" / "compose-test"
REPORT_KEY = pytest.StashKey[ComposeReport]()
# Cold images, a seed of 2,000 products and the cache warm-up on 2 busy cores.
UP_TIMEOUT = 600


def free_loopback_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def report(pytestconfig: pytest.Config) -> ComposeReport:
    return pytestconfig.stash.setdefault(REPORT_KEY, ComposeReport())


@pytest.fixture(scope="session")
def web_port() -> int:
    return free_loopback_port()


@pytest.fixture(scope="session")
def locust_port() -> int:
    return free_loopback_port()


@pytest.fixture(scope="session")
def compose(report: ComposeReport, web_port: int, locust_port: int) -> Generator[ComposeProject]:
    """The project up and healthy, from fresh volumes; down (volumes too) afterwards."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    # Published on loopback only, on ports nothing else uses.
    environ = {"WEB_HOST": "127.0.0.1", "WEB_PORT": str(web_port)}
    environ |= {"LOCUST_HOST": "127.0.0.1", "LOCUST_PORT": str(locust_port)}
    project = ComposeProject(PROJECT, environ)
    report.compose = " ".join(project.compose)
    project.down()
    for log in ("build.log", "services.log"):
        (LOG_DIR / log).unlink(missing_ok=True)
    report.build_seconds = build_images(project.config, LOG_DIR / "build.log")
    started = time.monotonic()
    try:
        project.up()
        project.wait_healthy(project.services, timeout=UP_TIMEOUT)
        report.up_seconds = time.monotonic() - started
        yield project
    finally:
        # The last test takes the project down; after a failure, this does.
        if project.leftovers():
            project.save_logs(LOG_DIR / "services.log")
            project.down()


@pytest.fixture(scope="session")
def log_dir() -> Path:
    return LOG_DIR


@pytest.fixture(scope="session")
def base_url(compose: ComposeProject, web_port: int) -> str:
    return f"http://127.0.0.1:{web_port}"


@pytest.fixture(scope="session")
def shop_catalog(base_url: str) -> Catalog:
    return catalog(Browser(base_url))


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    report = config.stash.get(REPORT_KEY, None)
    if report is not None:
        terminalreporter.section("compose-test")
        for line in report.lines():
            terminalreporter.write_line(line)
