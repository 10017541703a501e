"""
The goals the issues set, as data a suite lists and the report checks against one run.

Each compares figures of the same run only (ratios, phases, shares), never absolute numbers that
another machine would not reproduce. A goal whose scenarios were not run is left out.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from loadtests.results import ScenarioResult

PRIMARY = "default"


@dataclass(frozen=True)
class Outcome:
    goal: str
    measured: str
    met: bool


@dataclass(frozen=True)
class ThroughputRatio:
    """``key`` serves at least ``factor`` times the requests per second of ``baseline``."""

    key: str
    baseline: str
    factor: float

    def check(self, results: Mapping[str, "ScenarioResult"]) -> Outcome | None:
        if self.key not in results or self.baseline not in results:
            return None
        base, ours = results[self.baseline].overall.rps, results[self.key].overall.rps
        ratio = ours / base if base else float("inf")
        return Outcome(
            f"{self.key} req/s >= {self.factor:g}x {self.baseline}",
            f"{ratio:.1f}x ({ours:.0f} vs {base:.0f} req/s)",
            ratio >= self.factor,
        )


@dataclass(frozen=True)
class P95NotAbove:
    """``key``'s p95 latency is no higher than ``baseline``'s."""

    key: str
    baseline: str

    def check(self, results: Mapping[str, "ScenarioResult"]) -> Outcome | None:
        if self.key not in results or self.baseline not in results:
            return None
        base, ours = results[self.baseline].overall.p95, results[self.key].overall.p95
        return Outcome(
            f"{self.key} p95 <= {self.baseline} p95",
            f"{ours:.0f} ms vs {base:.0f} ms",
            ours <= base,
        )


@dataclass(frozen=True)
class NoFailures:
    key: str

    def check(self, results: Mapping[str, "ScenarioResult"]) -> Outcome | None:
        if self.key not in results:
            return None
        stats = results[self.key].overall
        return Outcome(
            f"{self.key} has zero failed requests",
            f"{stats.failures} of {stats.requests}",
            stats.failures == 0,
        )


@dataclass(frozen=True)
class P99PhaseRatio:
    """p99 in phase ``during`` is at most ``factor`` times p99 in phase ``steady``."""

    key: str
    during: int
    steady: int
    factor: float

    def check(self, results: Mapping[str, "ScenarioResult"]) -> Outcome | None:
        phases = results[self.key].phases if self.key in results else []
        if len(phases) <= max(self.during, self.steady):
            return None
        during, steady = phases[self.during], phases[self.steady]
        return Outcome(
            f"{self.key} p99 '{during.name}' <= {self.factor:g}x '{steady.name}'",
            f"{during.stats.p99:.0f} ms vs {steady.stats.p99:.0f} ms",
            during.stats.p99 <= self.factor * steady.stats.p99,
        )


@dataclass(frozen=True)
class PrimaryReadShare:
    """The primary serves at most ``limit`` of the reads in phase ``phase``."""

    key: str
    phase: int
    limit: float

    def check(self, results: Mapping[str, "ScenarioResult"]) -> Outcome | None:
        phases = results[self.key].phases if self.key in results else []
        if len(phases) <= self.phase:
            return None
        phase = phases[self.phase]
        share = phase.stats.read_shares.get(PRIMARY, 0.0)
        return Outcome(
            f"{self.key} primary's share of reads '{phase.name}' <= {self.limit:.0%}",
            f"{share:.1%} of {sum(phase.stats.reads.values())} reads",
            bool(phase.stats.reads) and share <= self.limit,
        )
