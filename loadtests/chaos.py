"""
``make chaos``: every fault in turn, under load from shoppers who browse, fill carts and check out.

    python -m loadtests.chaos [--scenario replica-hang ...] [--duration 36] [--users 20] ...

Each fault is a scenario of its own (fresh gunicorn, the stack whole again): a steady third, the
fault (``loadtests.faults``) for the middle third, then the fault undone for the last third.
The report (``loadtests.chaos_report``) gives, per fault, failed requests apart from 503s,
latency, throughput against the steady phase and the orders shoppers were shown against those
the database holds, with the goals (``loadtests.goals``) beside them. Options and environment
variables as for ``python -m loadtests.bench``; the partition fault needs root (iptables).
"""

import sys
from dataclasses import dataclass, replace

import psycopg

from loadtests import bench, chaos_report, goals
from loadtests.faults import ChaosStack, iptables
from loadtests.results import ScenarioResult
from loadtests.runner import SuiteRun
from loadtests.scenarios import CACHE, Event, Scenario, Suite

# A checkout-heavy mix, so that each phase sees orders placed while the fault lasts.
MIX = "home=8,category=25,search=10,product=30,add_to_cart=10,cart=4,account=4,checkout=9"
DEFAULTS = replace(bench.DEFAULTS, duration=36.0, warmup=10.0, mix=MIX)
# The goals' bounds: an answer "within 2 s" and "at least half the steady throughput".
SLOWEST_MS = 2000
KEPT_SHARE = 0.5
FAULT_PHASE, STEADY_PHASE = 1, 0


@dataclass(frozen=True)
class Fault:
    """``inject`` at a third of the run, ``restore`` at two thirds; ``kind`` picks the goals:
    ``down`` (a clean failure), ``hang`` (a node that stops answering) or ``primary``."""

    key: str
    title: str
    inject: str
    restore: str
    kind: str
    # What to call when the run ends, whatever happened: ``restore`` unless said otherwise.
    undo: str = ""

    def scenario(self) -> Scenario:
        return Scenario(
            self.key,
            self.title,
            env=CACHE,
            replicas=True,
            events=(
                Event(1 / 3, self.inject, 1, "fault", undo=self.undo or self.restore),
                Event(2 / 3, self.restore, 1, "recovered"),
            ),
        )

    def goals(self) -> tuple:
        every = (goals.NoFailedGets(self.key), goals.OrdersKept(self.key))
        if self.kind == "hang":
            return (
                *every,
                goals.NoSlowRequests(self.key, FAULT_PHASE, SLOWEST_MS),
                goals.ThroughputKept(self.key, FAULT_PHASE, STEADY_PHASE, KEPT_SHARE),
            )
        if self.kind == "primary":
            return (*every, goals.WritesAnswered(self.key, FAULT_PHASE, SLOWEST_MS))
        return every


FAULTS = (
    Fault("replica-stop", "Replica 1 stopped (fast shutdown)", "stop_replica", "start_replica",
          "down"),
    Fault("replica-kill", "Replica 1 killed (SIGKILL of its whole process tree)", "kill_replica",
          "start_replica", "down"),
    Fault("replica-hang", "Replica 1 hung (its whole process tree SIGSTOPped)", "hang_replica",
          "resume_replica", "hang"),
    Fault("replica-partition", "Replica 1 cut off (iptables drops its packets on loopback)",
          "cut_off_replica", "reconnect_replica", "hang"),
    Fault("redis-hang", "Redis hung (SIGSTOP)", "hang_redis", "resume_redis", "hang"),
    Fault("redis-kill", "Redis killed (SIGKILL), then started empty", "kill_redis", "start_redis",
          "down"),
    Fault("primary-hang", "Primary hung (its whole process tree SIGSTOPped)", "hang_primary",
          "resume_primary", "primary"),
    Fault("primary-kill", "Primary killed (SIGKILL of its whole process tree), then restarted",
          "kill_primary", "start_primary", "primary"),
    Fault("promotion", "Replica 1 promoted, the primary fenced; then it rejoins as a standby",
          "promote_replica", "rejoin_old_primary", "primary", undo="first_roles_back"),
)  # fmt: skip

CHAOS = Suite(
    "chaos",
    "Every fault in turn under load",
    tuple(fault.scenario() for fault in FAULTS),
    goals=tuple(goal for fault in FAULTS for goal in fault.goals()),
)

ORDERS_BETWEEN = """
SELECT number::text FROM cart_order
 WHERE created_at >= to_timestamp(%s) AND created_at <= to_timestamp(%s)
"""


class ChaosRun(SuiteRun):
    """A suite run whose stack injects faults, whose shoppers give up and submit again, and
    which counts the orders in the database after each scenario."""

    locustfile = "loadtests/chaos_shoppers.py"
    # Locust lets a shopper finish the task under way (a checkout, say) when the time is up,
    # so that no order is placed without its shopper seeing it.
    stop_timeout = 15

    def __init__(self, suite: Suite, stack, *args, **kwargs) -> None:
        super().__init__(suite, ChaosStack(stack), *args, **kwargs)

    def run(self, *, prepared: bool = False):
        if any(scenario.key == "replica-partition" for scenario in self.scenarios):
            iptables("-L", "INPUT", "-n")  # fails now, with advice, rather than half-way
        return super().run(prepared=prepared)

    def run_scenario(self, scenario: Scenario) -> ScenarioResult:
        result = super().run_scenario(scenario)
        result.orders_stored = self.orders_between(result.overall.start, result.overall.end)
        return result

    def orders_between(self, start: float, end: float) -> frozenset[str]:
        with psycopg.connect(self.env["DATABASE_URL"], connect_timeout=10) as connection:
            return frozenset(
                number for (number,) in connection.execute(ORDERS_BETWEEN, [start, end])
            )

    def write_report(self, results: list[ScenarioResult], *, complete: bool) -> None:
        chaos_report.write(self, results, complete=complete)


def main(argv: list[str] | None = None) -> int:
    return bench.main(
        argv,
        defaults=DEFAULTS,
        suites={CHAOS.name: CHAOS},
        run_class=ChaosRun,
        prog="python -m loadtests.chaos",
    )


if __name__ == "__main__":
    sys.exit(main())
