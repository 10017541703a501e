"""
The goals a run is judged by, as data a suite lists and the report checks against one run.

Each compares figures of the same run only (ratios, phases, shares), never absolute numbers that
another machine would not reproduce. A goal whose scenarios were not run is left out.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from loadtests.results import Outcome, ScenarioResult

PRIMARY = "default"


@dataclass(frozen=True)
class ThroughputRatio:
    """``key`` serves at least ``factor`` times the requests per second of ``baseline``."""

    key: str
    baseline: str
    factor: float

    def check(self, results: Mapping[str, ScenarioResult]) -> Outcome | None:
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

    def check(self, results: Mapping[str, ScenarioResult]) -> Outcome | None:
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

    def check(self, results: Mapping[str, ScenarioResult]) -> Outcome | None:
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

    def check(self, results: Mapping[str, ScenarioResult]) -> Outcome | None:
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

    def check(self, results: Mapping[str, ScenarioResult]) -> Outcome | None:
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


@dataclass(frozen=True)
class PrimaryKindShare:
    """The primary serves at most ``limit`` of the reads of ``kind`` (an app: ``catalog``)."""

    key: str
    kind: str
    limit: float

    def check(self, results: Mapping[str, "ScenarioResult"]) -> Outcome | None:
        if self.key not in results:
            return None
        kinds = results[self.key].overall.kinds
        reads = sum(n for (_, kind, _), n in kinds.items() if kind == self.kind)
        on_primary = sum(
            n for (node, kind, _), n in kinds.items() if (node, kind) == (PRIMARY, self.kind)
        )
        share = on_primary / reads if reads else 0.0
        return Outcome(
            f"{self.key}: primary's share of {self.kind} reads <= {self.limit:.0%}",
            f"{share:.1%} ({on_primary} of {reads})",
            bool(reads) and share <= self.limit,
        )


# -- make chaos -----------------------------------------------------------------------------------


def _phase(results: Mapping[str, ScenarioResult], key: str, index: int):
    phases = results[key].phases if key in results else []
    return phases[index] if len(phases) > index else None


def _from_phase(results: Mapping[str, ScenarioResult], key: str, index: int) -> list:
    """Phase ``index`` and those after it: a request that hung during a fault completes, and
    counts, only once the fault is undone or the shopper gives up."""
    phases = results[key].phases if key in results else []
    return phases[index:]


@dataclass(frozen=True)
class NoFailedGets:
    """No page a shopper asked for failed, a 503 included, over the whole run."""

    key: str

    def check(self, results: Mapping[str, ScenarioResult]) -> Outcome | None:
        if self.key not in results:
            return None
        stats = results[self.key].overall
        return Outcome(
            f"{self.key}: 0 failed GETs",
            f"{stats.failed_gets} of {stats.requests - stats.writes} GETs",
            not stats.failed_gets,
        )


@dataclass(frozen=True)
class OrdersKept:
    """Every order a shopper was shown is in the database, and the database holds no order its
    shopper was not shown (they would have placed it again)."""

    key: str

    def check(self, results: Mapping[str, ScenarioResult]) -> Outcome | None:
        if self.key not in results or results[self.key].orders_stored is None:
            return None
        orders = results[self.key].orders_as_dict()
        return Outcome(
            f"{self.key}: 0 orders lost or doubled",
            f"{orders['shown']} shown, {orders['stored']} stored: {orders['lost']} lost, "
            f"{orders['not_shown']} never shown",
            orders["lost"] == 0 and orders["not_shown"] == 0,
        )


@dataclass(frozen=True)
class NoSlowRequests:
    """No request completed from phase ``phase`` on took longer than ``limit_ms``."""

    key: str
    phase: int
    limit_ms: float

    def check(self, results: Mapping[str, ScenarioResult]) -> Outcome | None:
        if not (phases := _from_phase(results, self.key, self.phase)):
            return None
        slowest = max(phase.stats.max for phase in phases)
        return Outcome(
            f"{self.key}: no request over {self.limit_ms / 1000:g} s from '{phases[0].name}' on",
            f"max {slowest:.0f} ms",
            slowest <= self.limit_ms,
        )


@dataclass(frozen=True)
class ThroughputKept:
    """Phase ``phase`` serves at least ``share`` of phase ``steady``'s requests per second."""

    key: str
    phase: int
    steady: int
    share: float

    def check(self, results: Mapping[str, ScenarioResult]) -> Outcome | None:
        phase, steady = (
            _phase(results, self.key, self.phase),
            _phase(results, self.key, self.steady),
        )
        if phase is None or steady is None:
            return None
        ratio = phase.stats.rps / steady.stats.rps if steady.stats.rps else 0.0
        return Outcome(
            f"{self.key}: req/s '{phase.name}' >= {self.share:.0%} of '{steady.name}'",
            f"{ratio:.0%} ({phase.stats.rps:.0f} vs {steady.stats.rps:.0f} req/s)",
            ratio >= self.share,
        )


@dataclass(frozen=True)
class WritesAnswered:
    """From phase ``phase`` on, every write was answered within ``limit_ms``, by success or a
    503: no 500, no timeout. Not met when no write was even tried in phase ``phase``: the
    shoppers were all held up before they could."""

    key: str
    phase: int
    limit_ms: float

    def check(self, results: Mapping[str, ScenarioResult]) -> Outcome | None:
        if not (phases := _from_phase(results, self.key, self.phase)):
            return None
        tried = phases[0].stats.writes
        failed = sum(phase.stats.failed_writes for phase in phases)
        slowest = max(phase.stats.max_write for phase in phases)
        return Outcome(
            f"{self.key}: writes answered (or 503) within {self.limit_ms / 1000:g} s, "
            f"none failed otherwise, from '{phases[0].name}' on",
            f"{tried} tried during '{phases[0].name}', {failed} failed otherwise, "
            f"slowest {slowest:.0f} ms",
            tried > 0 and failed == 0 and slowest <= self.limit_ms,
        )
