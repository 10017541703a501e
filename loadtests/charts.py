"""
The PNG charts of a run: throughput and latency per scenario, and the failover timeline.

The timeline puts the scenarios that fire events side by side on shared axes, so the libpq
baseline and the failover backend read at a glance in ``make failover-demo``.
"""

from pathlib import Path

# Figure without pyplot: no global state and no display backend, files only.
from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator, NullFormatter, ScalarFormatter

from loadtests.results import ScenarioResult

NODE_COLOURS = {"default": "#c0392b", "replica1": "#2471a3", "replica2": "#5dade2"}
KIND_COLOURS = ("#c0392b", "#2471a3", "#27ae60", "#f39c12", "#8e44ad", "#7f8c8d", "#16a085")
LATENCIES = (("p50", "#7fb3d5"), ("p95", "#2e86c1"), ("p99", "#1b4f72"))


def aliases(results: list[ScenarioResult]) -> list[str]:
    """Every database alias that served reads, the primary first."""
    seen = {alias for result in results for alias in result.overall.reads}
    return sorted(seen, key=lambda alias: (alias != "default", alias))


def throughput(results: list[ScenarioResult], path: Path) -> None:
    baseline = results[0].overall.rps or 1.0
    labels = [result.scenario.key for result in results]
    values = [result.overall.rps for result in results]
    figure = Figure(figsize=(8, 0.6 * len(results) + 1.6))
    axes = figure.subplots()
    bars = axes.barh(labels, values, color="#2e86c1")
    axes.bar_label(bars, [f" {value:.0f} req/s ({value / baseline:.1f}x)" for value in values])
    axes.invert_yaxis()
    axes.set_xlabel("requests per second")
    axes.set_xlim(0, max(values, default=1) * 1.35 or 1)
    axes.set_title(f"Throughput, as a ratio to {labels[0]}")
    save(figure, path)


def latency(results: list[ScenarioResult], path: Path) -> None:
    figure = Figure(figsize=(8, 4))
    axes = figure.subplots()
    width = 0.8 / len(LATENCIES)
    for offset, (name, colour) in enumerate(LATENCIES):
        positions = [index + (offset - 1) * width for index in range(len(results))]
        values = [max(getattr(result.overall, name), 0.1) for result in results]
        bars = axes.bar(positions, values, width, label=name, color=colour)
        axes.bar_label(bars, fmt="%.0f", fontsize=7)
    axes.set_xticks(range(len(results)), [result.scenario.key for result in results])
    axes.set_ylabel("response time, ms")
    axes.set_title("Latency per scenario")
    axes.legend()
    save(figure, path)


def reads(results: list[ScenarioResult], path: Path) -> None:
    """Reads per second on each node, per scenario, stacked by kind (what they read)."""
    seen = {(node, kind) for result in results for (node, kind, _) in result.overall.kinds}
    nodes = sorted({node for node, _ in seen}, key=lambda node: (node != "default", node))
    kinds = sorted({kind for _, kind in seen})
    figure = Figure(figsize=(8, 4.5))
    axes = figure.subplots()
    width = 0.8 / max(len(nodes), 1)
    for column, result in enumerate(results):
        seconds = result.overall.seconds or 1.0
        for offset, node in enumerate(nodes):
            position = column + (offset - (len(nodes) - 1) / 2) * width
            bottom = 0.0
            for index, kind in enumerate(kinds):
                count = sum(
                    n
                    for (at, what, _), n in result.overall.kinds.items()
                    if (at, what) == (node, kind)
                )
                axes.bar(position, count / seconds, width * 0.9, bottom=bottom,
                         color=KIND_COLOURS[index % len(KIND_COLOURS)],
                         label=kind if column == offset == 0 else None)  # fmt: skip
                bottom += count / seconds
            axes.annotate(node, (position, bottom), ha="center", va="bottom", fontsize=7)
    axes.set_xticks(range(len(results)), [result.scenario.key for result in results])
    axes.set_ylabel("reads per second")
    axes.set_title("Reads per node, by what they read")
    if kinds:
        axes.legend(fontsize=8)
    save(figure, path)


def timeline(
    results: list[ScenarioResult],
    path: Path,
    title: str = "Replica 1 killed at 1/3, restarted at 2/3",
) -> None:
    """One column per scenario: req/s and failures, p50/p99, each node's share of reads."""
    nodes = aliases(results)
    figure = Figure(figsize=(6 * len(results), 8))
    grid = figure.subplots(3, len(results), sharex=True, sharey="row", squeeze=False)
    for column, result in enumerate(results):
        seconds = [piece.start - result.start for piece in result.timeline]
        load, latency_axes, share = grid[0][column], grid[1][column], grid[2][column]
        load.plot(seconds, [piece.requests for piece in result.timeline], label="requests/s")
        load.bar(seconds, [piece.failures for piece in result.timeline], color="#c0392b",
                 label="failed/s")  # fmt: skip
        load.set_title(result.scenario.title, fontsize=9)
        for name, colour in (LATENCIES[0], LATENCIES[2]):
            latency_axes.plot(seconds, [getattr(piece, name) for piece in result.timeline],
                              label=name, color=colour)  # fmt: skip
        latency_axes.set_yscale("log")
        latency_axes.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        latency_axes.yaxis.set_major_formatter(ScalarFormatter())
        latency_axes.yaxis.set_minor_formatter(NullFormatter())
        if nodes:
            share.stackplot(
                seconds,
                *[
                    [piece.read_shares.get(node, 0.0) for piece in result.timeline]
                    for node in nodes
                ],
                labels=nodes,
                colors=[NODE_COLOURS.get(node, "#999999") for node in nodes],
            )
        share.set_ylim(0, 1)
        share.set_xlabel("seconds")
        for axes in (load, latency_axes, share):
            for event, at in result.events:
                axes.axvline(at, color="#555555", linestyle="--", linewidth=1)
                if axes is load:
                    axes.annotate(event.phase, (at, 1), xycoords=("data", "axes fraction"),
                                  fontsize=8, rotation=90, va="top", ha="right")  # fmt: skip
    grid[0][0].set_ylabel("requests per second")
    grid[1][0].set_ylabel("ms (log scale)")
    grid[2][0].set_ylabel("share of reads")
    for row in grid:
        row[-1].legend(loc="upper right", fontsize=8)
    figure.suptitle(title)
    save(figure, path)


def save(figure: Figure, path: Path) -> None:
    figure.tight_layout()
    figure.savefig(path, dpi=110)
