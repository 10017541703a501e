"""
Where this host's metric values are, and their sums for the ``/perf/`` page.

Under gunicorn, ``PROMETHEUS_MULTIPROC_DIR`` names a directory where each worker keeps its values
in files of its own (named for its pid); a ``MultiProcessCollector`` sums them, the files of the
workers that have exited included, so a counter never goes back when a worker is replaced. The
gunicorn config empties the directory when it starts. Without it (``runserver``, the tests, the
embedded default) the values are this process's, in prometheus_client's default registry.
"""

import os
from collections.abc import Iterable
from pathlib import Path

from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector


def multiprocess_dir() -> Path | None:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return Path(directory) if directory else None


def host_registry() -> CollectorRegistry:
    """A registry that collects every value of the host, summed over its processes."""
    registry = CollectorRegistry()
    if multiprocess_dir():
        MultiProcessCollector(registry)
    else:
        registry.register(REGISTRY)
    return registry


class Samples:
    """The samples of a collection, to sum by name and labels."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.rows = [
            (sample.name, sample.labels, sample.value)
            for family in registry.collect()
            for sample in family.samples
        ]

    def total(self, name: str, **labels: str) -> float:
        """The sum of ``name``'s samples whose labels include ``labels``."""
        return sum(value for _name, _labels, value in self._matching(name, labels))

    def by(self, name: str, label: str, **labels: str) -> dict[str, float]:
        """``name``'s samples matching ``labels``, summed by the value of ``label``."""
        sums: dict[str, float] = {}
        for _name, sample_labels, value in self._matching(name, labels):
            key = sample_labels.get(label, "")
            sums[key] = sums.get(key, 0.0) + value
        return sums

    def _matching(self, name: str, labels: dict[str, str]) -> Iterable[tuple]:
        for row in self.rows:
            if row[0] == name and labels.items() <= row[1].items():
                yield row


def host_samples() -> Samples:
    return Samples(host_registry())


def requests_by_process() -> dict[int, int]:
    """Requests each process of the host has served (read from its own file under gunicorn),
    so the page can say whose numbers it sums."""
    directory = multiprocess_dir()
    if directory is None:
        return {os.getpid(): int(host_samples().total("perf_request_duration_seconds_count"))}
    served = {}
    for path in sorted(directory.glob("histogram_*.db")):
        pid = int(path.stem.rsplit("_", 1)[1])
        metrics = MultiProcessCollector.merge([str(path)], accumulate=True)
        samples = (sample for metric in metrics for sample in metric.samples)
        count = sum(s.value for s in samples if s.name == "perf_request_duration_seconds_count")
        served[pid] = int(count)
    return served
