"""
The figures of a run, computed from the request samples the locustfile records.

Locust's own CSV keeps whole-run aggregates; the per-phase figures of a failover need every
request with its completion time, so every figure in a summary comes from the samples, the same
way for a whole run, a phase and a one-second slice of the timeline.
"""

import csv
import gzip
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Sample:
    time: float
    name: str
    ms: float
    failed: bool
    reads: tuple[tuple[str, int], ...]
    cache: str
    method: str = "GET"
    # 0 when no answer came (a timeout, a refused connection).
    status: int = 0
    location: str = ""
    # Reads per (node, kind, why the primary served it: "" on a replica).
    kinds: tuple[tuple[tuple[str, str, str], int], ...] = ()


def read_samples(path: Path) -> list[Sample]:
    with gzip.open(path, "rt", newline="") as file:
        return [
            Sample(
                time=float(row["time"]),
                name=row["name"],
                ms=float(row["ms"]),
                failed=row["failed"] == "1",
                reads=tuple(
                    (alias, int(count))
                    for alias, _, count in (item.partition(":") for item in row["reads"].split())
                ),
                cache=row["cache"],
                method=row.get("method", "GET"),
                status=int(row.get("status") or 0),
                location=row.get("location", ""),
                kinds=tuple(parse_kinds(row.get("kinds") or "")),
            )
            for row in csv.DictReader(file)
        ]


def parse_kinds(text: str) -> list[tuple[tuple[str, str, str], int]]:
    """``"default:auth:pin-cookie=1 replica1:catalog:=5"`` -> ``[(("default", "auth",
    "pin-cookie"), 1), (("replica1", "catalog", ""), 5)]``."""
    parsed = []
    for item in text.split():
        what, _, count = item.rpartition("=")
        node, _, rest = what.partition(":")
        kind, _, reason = rest.partition(":")
        parsed.append(((node, kind, reason), int(count)))
    return parsed


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (0 for an empty one)."""
    if not ordered:
        return 0.0
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@dataclass
class Stats:
    """Requests completed in ``[start, end)``."""

    start: float
    end: float
    requests: int = 0
    failures: int = 0
    # Among the failures: 503s (the shop said "come back later"), and failed GETs.
    unavailable: int = 0
    failed_gets: int = 0
    # Writes (any method but GET): how many, how many failed otherwise than with a 503, and the
    # slowest.
    writes: int = 0
    failed_writes: int = 0
    max_write: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    p99: float = 0.0
    max: float = 0.0
    reads: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    cache: Counter = field(default_factory=Counter)

    @classmethod
    def of(cls, samples: list[Sample], start: float, end: float) -> "Stats":
        window = [sample for sample in samples if start <= sample.time < end]
        latencies = sorted(sample.ms for sample in window)
        writes = [sample for sample in window if sample.method != "GET"]
        stats = cls(
            start=start,
            end=end,
            requests=len(window),
            failures=sum(sample.failed for sample in window),
            unavailable=sum(sample.failed and sample.status == 503 for sample in window),
            failed_gets=sum(sample.failed and sample.method == "GET" for sample in window),
            writes=len(writes),
            failed_writes=sum(sample.failed and sample.status != 503 for sample in writes),
            p50=percentile(latencies, 0.50),
            p95=percentile(latencies, 0.95),
            p99=percentile(latencies, 0.99),
            max=latencies[-1] if latencies else 0.0,
            max_write=max((sample.ms for sample in writes), default=0.0),
        )
        for sample in window:
            stats.reads.update(dict(sample.reads))
            stats.kinds.update(dict(sample.kinds))
            if sample.cache:
                stats.cache[sample.cache] += 1
        return stats

    @property
    def seconds(self) -> float:
        return self.end - self.start

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def read_shares(self) -> dict[str, float]:
        total = sum(self.reads.values())
        return {alias: count / total for alias, count in sorted(self.reads.items()) if total}

    def reads_by_kind(self) -> dict[str, dict[str, int]]:
        """``{node: {kind or kind:reason: reads}}``, the most read first."""
        nodes: dict[str, dict[str, int]] = {}
        for (node, kind, reason), count in self.kinds.most_common():
            nodes.setdefault(node, {})[f"{kind}:{reason}" if reason else kind] = count
        return dict(sorted(nodes.items()))

    @property
    def cache_hit_ratio(self) -> float | None:
        looked_up = self.cache["hit"] + self.cache["miss"]
        return self.cache["hit"] / looked_up if looked_up else None

    def as_dict(self) -> dict:
        return {
            "seconds": round(self.seconds, 2),
            "requests": self.requests,
            "rps": round(self.rps, 1),
            "failures": self.failures,
            "unavailable_503": self.unavailable,
            "failed_gets": self.failed_gets,
            "p50_ms": round(self.p50, 1),
            "p95_ms": round(self.p95, 1),
            "p99_ms": round(self.p99, 1),
            "max_ms": round(self.max, 1),
            "writes": self.writes,
            "failed_writes": self.failed_writes,
            "max_write_ms": round(self.max_write, 1),
            "reads": dict(sorted(self.reads.items())),
            "read_shares": {alias: round(share, 4) for alias, share in self.read_shares.items()},
            "reads_by_kind": self.reads_by_kind(),
            "cache_hit_ratio": (
                None if self.cache_hit_ratio is None else round(self.cache_hit_ratio, 4)
            ),
        }


def timeline(samples: list[Sample], start: float, end: float, step: float = 1.0) -> list[Stats]:
    """``Stats`` for each whole ``step``-second slice of ``[start, end)`` (a last, partial slice
    would show as a drop in throughput that never happened)."""
    slices = [
        Stats(start + i * step, start + (i + 1) * step) for i in range(int((end - start) // step))
    ]
    buckets: list[list[Sample]] = [[] for _ in slices]
    for sample in samples:
        index = int((sample.time - start) // step)
        if 0 <= index < len(slices):
            buckets[index].append(sample)
    return [
        Stats.of(bucket, piece.start, piece.end)
        for bucket, piece in zip(buckets, slices, strict=True)
    ]
