"""
``make deploy-demo``: the same schema change shipped twice under load from shoppers who browse,
fill carts and check out, the safe way and the naive way, each in a scenario of its own.

    python -m loadtests.deploy.demo [--scenario safe|naive] [--duration 120] [--users 20] ...

Each scenario starts from the table as the shop's migrations say and release 1 serving. Its steps
(``loadtests.deploy.schema``) run one after another from a fifth of the run on, each when its
``at`` comes and at least ``GAP`` seconds after the one before; the switch to release 2 is a
graceful gunicorn reload (HUP) onto the settings of ``loadtests.deploy.release``. A thread
samples the longest lock wait meanwhile. Options and environment variables as for
``python -m loadtests.bench``; the report is ``loadtests.deploy.report``'s.
"""

import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import replace

import psycopg

from loadtests import bench, chaos
from loadtests.deploy import report, schema, seed
from loadtests.deploy.locks import LockWaitSampler
from loadtests.deploy.release import ENVIRONMENT
from loadtests.locust_process import LocustProcess
from loadtests.results import ScenarioResult
from loadtests.runner import SuiteRun
from loadtests.scenarios import CACHE, Event, Scenario, Suite

# Shoppers who read a page before the next (0.5 to 1.5 s): a shop runs with headroom, and with
# none (no think time, every core busy) any work a deploy adds shows in every response time.
DEFAULTS = replace(chaos.DEFAULTS, duration=180.0, users=40, wait_min=0.5, wait_max=1.5)
GAP = 3.0


def step(at: float, action: str, phase: str) -> Event:
    return Event(at, action, 0, phase)


SAFE = Scenario(
    "safe",
    "Expand, switch with a graceful reload, contract",
    env=CACHE,
    replicas=True,
    events=(
        step(0.2, "expand", "expand: columns + trigger"),
        step(0, "backfill", "backfill in batches"),
        step(0, "build_index", "index concurrently"),
        step(0, "add_constraint", "CHECK NOT VALID"),
        step(0, "validate_constraint", "VALIDATE"),
        step(0, "switch_release", "release 2 (HUP)"),
        step(0.8, "contract", "contract: drop sku"),
    ),
)
NAIVE = replace(
    SAFE,
    key="naive",
    title="One migration (volatile default, plain index, rename), then a restart",
    events=(
        step(0.2, "naive_migration", "the migration"),
        step(0, "switch_release", "release 2 (HUP)"),
    ),
)
DEPLOY = Suite(
    "deploy-demo", "A schema change under load: expand/contract against naive", (SAFE, NAIVE)
)


class DeployRun(SuiteRun):
    """A suite run whose scenarios ship the change: ``follow`` runs the steps, timing each."""

    locustfile = chaos.ChaosRun.locustfile
    stop_timeout = chaos.ChaosRun.stop_timeout
    lines = seed.LINES
    gap = GAP

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lock_waits: dict[str, tuple[float, float]] = {}
        self.step_seconds: dict[str, list[float]] = {}
        self.seed_seconds: float | None = None

    def scenario_environ(self, scenario: Scenario) -> dict[str, str]:
        return {
            **super().scenario_environ(scenario),
            "GUNICORN_ENV_FILE": str(self.env_file),
            "GUNICORN_CMD_ARGS": f"--pid {self.pid_file}",
        }

    @property
    def env_file(self):
        return self.directory / "release.env"

    @property
    def pid_file(self):
        return self.directory / "gunicorn.pid"

    def run_scenario(self, scenario: Scenario) -> ScenarioResult:
        with self.database() as connection:
            if seed.archive_lines(connection) < self.lines:
                self.say(f"  seeding {self.lines:,} order lines (once; about a minute per million)")
            seconds = seed.seed(connection, lines=self.lines)
            if seconds is not None:
                self.seed_seconds = seconds
                self.say(f"  seeded {self.lines:,} order lines in {seconds:.0f} s")
            schema.reset(connection)
        self.env_file.write_text(ENVIRONMENT[1])
        try:
            return super().run_scenario(scenario)
        finally:
            with self.database() as connection:
                schema.reset(connection)

    def database(self) -> psycopg.Connection:
        return psycopg.connect(self.env["DATABASE_URL"], autocommit=True, connect_timeout=10)

    def follow(
        self,
        scenario: Scenario,
        measured: LocustProcess,
        started: float,
        on_exit: Callable,
    ) -> list[tuple[Event, float]]:
        """Run the scenario's steps on time on a session of their own, then wait for the end."""
        duration = self.config.duration
        fired: list[tuple[Event, float]] = []
        seconds: list[float] = []
        with (
            self.database() as connection,
            LockWaitSampler(
                self.env["DATABASE_URL"], exclude_pid=connection.info.backend_pid
            ) as sampler,
        ):
            ready = started
            for event in scenario.events:
                time.sleep(
                    max(0.0, started + event.at * duration - time.time(), ready - time.time())
                )
                if measured.process.poll() is not None:
                    break
                fired.append((event, time.time()))
                self.say(f"  {event.phase}")
                getattr(self, event.action)(connection)
                seconds.append(time.time() - fired[-1][1])
                ready = time.time() + self.gap
            while measured.process.poll() is None and time.time() < started + duration:
                time.sleep(0.5)
        self.lock_waits[scenario.key] = (sampler.longest, sampler.at)
        self.step_seconds[scenario.key] = seconds
        return fired

    # The steps, by the names the scenarios give them.
    expand = staticmethod(schema.expand)
    backfill = staticmethod(schema.backfill)
    build_index = staticmethod(schema.build_index)
    add_constraint = staticmethod(schema.add_constraint)
    validate_constraint = staticmethod(schema.validate_constraint)
    contract = staticmethod(schema.contract)
    naive_migration = staticmethod(schema.naive_migration)

    def switch_release(self, connection: psycopg.Connection) -> None:
        """Release 2's settings for the workers, then a graceful reload: gunicorn starts new
        workers and lets the old ones finish their requests."""
        self.env_file.write_text(ENVIRONMENT[2])
        os.kill(int(self.pid_file.read_text()), signal.SIGHUP)

    def write_report(self, results: list[ScenarioResult], *, complete: bool) -> None:
        report.write(self, results, complete=complete)


def main(argv: list[str] | None = None) -> int:
    return bench.main(
        argv,
        defaults=DEFAULTS,
        suites={DEPLOY.name: DEPLOY},
        run_class=DeployRun,
        prog="python -m loadtests.deploy.demo",
    )


if __name__ == "__main__":
    sys.exit(main())
