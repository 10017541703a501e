"""
Run a suite: for each scenario, an empty Redis, a fresh gunicorn, the cache rebuilt if the
scenario caches, a warm-up, then the measured Locust run with the scenario's events fired on
time; then the report.

The stack is anything with ``environ()``, ``kill_replica(n)`` and ``start_replica(n)``: the native
stack for ``make bench``, the test session's throwaway stack for the smoke tests. Everything the
runner starts it also stops, on errors and Ctrl-C too, and a replica it killed is started again.
"""

import csv
import os
import secrets
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import redis
from tqdm import tqdm

from loadtests import report
from loadtests.locust_process import LocustProcess
from loadtests.results import ScenarioResult
from loadtests.samples import read_samples
from loadtests.scenarios import BenchConfig, Event, Scenario, Suite
from loadtests.server import (
    ROOT,
    Accounts,
    ShopServer,
    base_environ,
    manage,
    prepare,
)

RESULTS = ROOT / "loadtests" / "results"
LOCUSTFILE = "loadtests/locustfile.py"


class Stack(Protocol):
    def environ(self) -> dict[str, str]: ...
    def kill_replica(self, number: int) -> None: ...
    def start_replica(self, number: int) -> None: ...


class SuiteRun:
    """One run of a suite, writing into ``results/<timestamp>/``."""

    locustfile = LOCUSTFILE
    # Seconds Locust lets each user finish its task when the time is up (0: stop at once).
    stop_timeout = 0

    def __init__(
        self,
        suite: Suite,
        stack: Stack,
        config: BenchConfig,
        *,
        results: Path = RESULTS,
        scenarios: tuple[Scenario, ...] | None = None,
        command: str = "python -m loadtests.bench",
        accounts: Accounts | None = None,
    ) -> None:
        self.suite = suite
        self.command = command
        self.stack = stack
        self.config = config
        self.scenarios = scenarios or suite.scenarios
        self.results = results
        self.started = datetime.now(UTC)
        self.directory = results / self.started.strftime("%Y%m%d-%H%M%S")
        self.accounts = accounts or Accounts(count=config.users, password=secrets.token_urlsafe(16))
        self.env = base_environ(stack.environ())

    def say(self, message: str) -> None:
        if self.config.progress:
            tqdm.write(message)

    def run(self, *, prepared: bool = False) -> Path:
        """Run every scenario and write the report; return the run's directory. ``prepared``
        says the database is already migrated, seeded and holds ``accounts``."""
        self.directory.mkdir(parents=True)
        self.say(f"Results: {self.directory}")
        if not prepared:
            self.say(f"Preparing the shop (migrate, static files, {self.config.products} products)")
            prepare(
                self.env,
                products=self.config.products,
                accounts=self.accounts,
                log=self.directory / "prepare.log",
            )
        finished: list[ScenarioResult] = []
        try:
            for number, scenario in enumerate(self.scenarios, start=1):
                self.say(f"[{number}/{len(self.scenarios)}] {scenario.key}: {scenario.title}")
                finished.append(self.run_scenario(scenario))
        finally:
            # An interrupted run still reports what it measured, but ``latest`` stays on the
            # last complete one.
            self.write_report(finished, complete=len(finished) == len(self.scenarios))
        self._point_latest()
        return self.directory

    def write_report(self, results: list[ScenarioResult], *, complete: bool) -> None:
        report.write(self, results, complete=complete)

    def scenario_environ(self, scenario: Scenario) -> dict[str, str]:
        env = {**self.env, **scenario.env}
        if not scenario.replicas:
            env.pop("DATABASE_REPLICA_URLS", None)
        return env

    def run_scenario(self, scenario: Scenario) -> ScenarioResult:
        directory = self.directory / scenario.key
        directory.mkdir()
        # Each scenario starts from the seeded stock, whatever the checkouts before it took.
        manage(
            "seed_catalog",
            "--products",
            str(self.config.products),
            "--restock",
            env=self.scenario_environ(scenario),
            log=directory / "restock.log",
        )
        redis.Redis.from_url(self.env["REDIS_URL"]).flushdb()
        samples = directory / "samples.csv.gz"
        with ExitStack() as running:
            server = running.enter_context(
                ShopServer(self.scenario_environ(scenario), log=directory / "gunicorn.log")
            )
            if scenario.warm_cache:
                self.say("  rebuilding the cache (manage.py rebuild_cache)")
                manage(
                    "rebuild_cache",
                    "--base-url",
                    server.url,
                    env=server.env,
                    log=directory / "rebuild_cache.log",
                )
            if self.config.warmup > 0:
                self.say(f"  gunicorn at {server.url}; warming up for {self.config.warmup:g} s")
                warmup = self.locust(server.url, scenario, self.config.warmup, directory / "warmup")
                running.callback(warmup.stop)
                warmup.wait(timeout=self.config.warmup + 60)
            throttling = self.throttling()
            measured = self.locust(
                server.url, scenario, self.config.duration, directory / "locust", samples=samples
            )
            running.callback(measured.stop)
            started = measured.wait_for(samples)
            fired = self.follow(scenario, measured, started, running.callback)
            measured.wait(timeout=self.config.duration + 60)
            throttling = {
                node: (periods - throttling[node][0], throttled - throttling[node][1])
                for node, (periods, throttled) in self.throttling().items()
                if node in throttling
            }
        result = ScenarioResult.from_samples(scenario, read_samples(samples), fired, directory)
        result.throttling = throttling
        return result

    def throttling(self) -> dict[str, tuple[int, int]]:
        """Each PostgreSQL server's CPU budget so far: periods it ran, periods it was throttled
        (none when the stack has no budgets)."""
        nodes = getattr(self.stack, "nodes", [])
        return {
            node.name: node.cpu_budget.throttling()
            for node in nodes
            if node.cpu_budget is not None and node.cpu_budget.path.exists()
        }

    def locust(
        self,
        host: str,
        scenario: Scenario,
        seconds: float,
        prefix: Path,
        *,
        samples: Path | None = None,
    ) -> LocustProcess:
        config = self.config
        argv = [
            sys.executable, "-m", "locust",
            "-f", self.locustfile,
            "--headless", "--only-summary", "--exit-code-on-error", "0",
            "--host", host,
            "--users", str(config.users),
            "--spawn-rate", str(config.users),
            "--run-time", f"{max(1, round(seconds))}s",
            "--stop-timeout", str(self.stop_timeout),
            "--wait-min", str(config.wait_min),
            "--wait-max", str(config.wait_max),
            "--shop-users", str(self.accounts.count),
            "--shop-user-prefix", self.accounts.prefix,
        ]  # fmt: skip
        if mix := config.mix or scenario.mix:
            argv += ["--mix", mix]
        if scenario.tags:
            argv += ["--tags", *scenario.tags]
        if samples is not None:
            argv += [
                "--samples-csv", str(samples),
                "--csv", str(prefix),
                "--html", str(prefix.with_name("report.html")),
            ]  # fmt: skip
        env = {**os.environ, "LOCUST_SHOP_PASSWORD": self.accounts.password}
        return LocustProcess(argv, env=env, log=prefix.with_suffix(".log"))

    def follow(
        self,
        scenario: Scenario,
        measured: LocustProcess,
        started: float,
        on_exit: Callable,
    ) -> list[tuple[Event, float]]:
        """Show progress until the run's end, firing the scenario's events on time; return each
        event with the time it was fired."""
        duration = self.config.duration
        pending = sorted(scenario.events, key=lambda event: event.at)
        fired: list[tuple[Event, float]] = []
        history = measured.log.with_name("locust_stats_history.csv")
        with tqdm(
            total=round(duration),
            unit="s",
            desc=f"  {scenario.key}",
            disable=not self.config.progress,
            bar_format="{desc}: {bar} {n_fmt}/{total_fmt} s {postfix}",
        ) as bar:
            while measured.process.poll() is None and time.time() - started < duration:
                while pending and time.time() >= started + pending[0].at * duration:
                    event = pending.pop(0)
                    fired.append((event, time.time()))
                    if event.undo:
                        on_exit(getattr(self.stack, event.undo), event.replica)
                    getattr(self.stack, event.action)(event.replica)
                    bar.write(f"  {event.action.replace('_', ' ')} {event.replica}: {event.phase}")
                elapsed = time.time() - started
                bar.n = min(round(elapsed), round(duration))
                bar.set_postfix_str(latest_figures(history, elapsed), refresh=True)
                time.sleep(0.5)
        return fired

    def _point_latest(self) -> None:
        latest = self.results / "latest"
        latest.unlink(missing_ok=True)
        latest.symlink_to(self.directory.name)


def latest_figures(history: Path, elapsed: float) -> str:
    """Requests so far, their rate and failures, from Locust's stats history (progress bar)."""
    try:
        lines = history.read_text().splitlines()
    except FileNotFoundError:
        return ""
    rows = list(csv.DictReader([lines[0], *lines[-3:]])) if len(lines) > 1 else []
    row = next((row for row in reversed(rows) if row.get("Name") == "Aggregated"), None)
    if row is None or elapsed <= 0:
        return ""
    requests = int(row["Total Request Count"])
    return f"{requests / elapsed:.0f} req/s, {row['Total Failure Count']} failed"
