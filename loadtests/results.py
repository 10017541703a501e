"""
What a run measured: each scenario's result (the whole scenario, its phases, a one-second
timeline), the outcome of each goal, and what a report reads of the run itself (``Run``).

Phases are cut at the moments the runner fired the scenario's events (its own clock, taken just
before it acted), so "replica 1 down" holds exactly the requests completed while it was down.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from loadtests.samples import Sample, Stats, timeline
from loadtests.scenarios import BenchConfig, Event, Scenario, Suite


class Run(Protocol):
    """What a report reads of a run (``runner.SuiteRun``, or a test's stand-in)."""

    suite: Suite
    config: BenchConfig
    command: str
    started: datetime
    directory: Path


@dataclass(frozen=True)
class Outcome:
    """A goal checked against a run: what it asks, what was measured, whether it was met."""

    goal: str
    measured: str
    met: bool


@dataclass
class Phase:
    name: str
    stats: Stats


# Where a checkout that placed an order sends the shopper.
ORDER_PAGE = re.compile(r"/accounts/orders/([0-9a-f-]{36})/")


@dataclass
class ScenarioResult:
    scenario: Scenario
    overall: Stats
    phases: list[Phase]
    timeline: list[Stats]
    events: list[tuple[Event, float]]
    directory: Path
    # The numbers of the orders shoppers were shown, and (when the runner counts them) of those
    # the database holds from the same run: an order lost, or placed without the shopper being
    # told (who would then place it again), shows as a difference.
    orders_shown: frozenset[str] = frozenset()
    orders_stored: frozenset[str] | None = None
    # Per PostgreSQL server with a CPU budget: scheduler periods it ran in during the measured
    # run, and those it ended throttled (its quota spent).
    throttling: dict[str, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def from_samples(
        cls,
        scenario: Scenario,
        samples: list[Sample],
        fired: list[tuple[Event, float]],
        directory: Path,
    ) -> "ScenarioResult":
        """``fired`` holds each event with the wall-clock time it was fired at."""
        if samples:
            start = min(sample.time - sample.ms / 1000 for sample in samples)
            end = max(sample.time for sample in samples) + 1e-6
        else:
            start = end = 0.0
        # An event fired after the last request completed leaves an empty phase, not a negative one.
        cuts = [start, *(min(max(when, start), end) for _, when in fired), end]
        names = scenario.phase_names[: len(cuts) - 1]
        phases = [
            Phase(name, Stats.of(samples, cuts[i], cuts[i + 1])) for i, name in enumerate(names)
        ]
        return cls(
            scenario=scenario,
            overall=Stats.of(samples, start, end),
            phases=phases if fired else [],
            timeline=timeline(samples, start, end),
            events=[(event, when - start) for event, when in fired],
            directory=directory,
            orders_shown=frozenset(
                match.group(1)
                for sample in samples
                if sample.method == "POST" and (match := ORDER_PAGE.search(sample.location))
            ),
        )

    @property
    def start(self) -> float:
        return self.overall.start

    def as_dict(self) -> dict:
        return {
            "key": self.scenario.key,
            "title": self.scenario.title,
            "env": dict(self.scenario.env),
            "replicas": self.scenario.replicas,
            "tags": list(self.scenario.tags),
            "mix": self.scenario.mix,
            "stats": self.overall.as_dict(),
            "events": [
                {"action": event.action, "replica": event.replica, "at_seconds": round(at, 2)}
                for event, at in self.events
            ],
            "phases": [{"name": phase.name, **phase.stats.as_dict()} for phase in self.phases],
            "directory": self.directory.name,
            "orders": self.orders_as_dict(),
            "cpu_throttling": {
                node: {"periods": periods, "throttled": throttled}
                for node, (periods, throttled) in self.throttling.items()
            },
        }

    def orders_as_dict(self) -> dict:
        stored = self.orders_stored
        return {
            "shown": len(self.orders_shown),
            "stored": None if stored is None else len(stored),
            "lost": None if stored is None else len(self.orders_shown - stored),
            "not_shown": None if stored is None else len(stored - self.orders_shown),
        }
