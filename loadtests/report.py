"""
``summary.md``, ``summary.json`` and the charts of a run.

Both summaries hold the same figures; the Markdown one is what the README and the docs quote.
Every figure is also given as a ratio to the suite's first scenario from the same run.
"""

import json
import os
import platform
from importlib.metadata import version
from pathlib import Path

from loadtests import charts, primary_reads
from loadtests.results import Run, ScenarioResult


def cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def os_name() -> str:
    try:
        return platform.freedesktop_os_release()["PRETTY_NAME"]
    except (OSError, KeyError):
        return platform.platform()


def machine() -> dict:
    """What the numbers were measured on, to read them against."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "os": os_name(),
        "python": platform.python_version(),
        "locust": version("locust"),
        "django": version("django"),
    }


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def shares(stats, nodes: list[str]) -> str:
    read_shares = stats.read_shares
    if not read_shares:
        return "-"
    return " / ".join(f"{read_shares.get(node, 0.0):.0%}" for node in nodes)


def heading(run: Run, complete: bool) -> list[str]:
    """The title and what the run was: command, machine, load."""
    config = run.config
    think = (
        "no think time"
        if config.wait_max == 0
        else f"think time {config.wait_min:g}-{config.wait_max:g} s"
    )
    host = machine()
    lines = [
        f"# {run.suite.title}",
        "",
        f"`{run.command}` on {run.started:%Y-%m-%d %H:%M} UTC: {host['cores']} cores "
        f"({host['cpu']}), {host['memory_gib']} GiB, {host['os']}. {config.users} Locust users "
        f"(FastHttpUser, {think}), {config.warmup:g} s warm-up then {config.duration:g} s per "
        f"scenario, {config.products} products, gunicorn as in `make serve`. Locust, gunicorn, "
        "PostgreSQL and Redis share the machine: read the ratios, not the absolute numbers. "
        f"CPU budget: {config.cpu_budget}.",
        "",
    ]
    if not complete:
        lines += ["**Incomplete run**: stopped before every scenario had run.", ""]
    return lines


def goals_table(outcomes) -> list[str]:
    if not outcomes:
        return []
    lines = ["## Goals", "", "| goal | measured | met |", "|---|---|---|"]
    lines += [
        f"| {outcome.goal} | {outcome.measured} | {'yes' if outcome.met else '**no**'} |"
        for outcome in outcomes
    ]
    return [*lines, ""]


def summary_json(run: Run, results: list[ScenarioResult], outcomes, complete: bool) -> dict:
    """What every suite's ``summary.json`` holds; a suite's report may add to it."""
    return {
        "suite": run.suite.name,
        "title": run.suite.title,
        "command": run.command,
        "started": run.started.isoformat(timespec="seconds"),
        "complete": complete,
        "machine": machine(),
        "config": {
            "duration_s": run.config.duration,
            "warmup_s": run.config.warmup,
            "users": run.config.users,
            "wait_min_s": run.config.wait_min,
            "wait_max_s": run.config.wait_max,
            "products": run.config.products,
            "mix": run.config.mix or "locustfile default",
            "cpu_budget": run.config.cpu_budget,
        },
        "scenarios": [result.as_dict() for result in results],
        "goals": [outcome.__dict__ for outcome in outcomes],
    }


def markdown(run: Run, results: list[ScenarioResult], outcomes, complete: bool) -> str:
    nodes = charts.aliases(results)
    lines = heading(run, complete)
    if results:
        base = results[0].overall
        lines += [
            f"| scenario | req/s | x {results[0].scenario.key} | p50 ms | p95 ms | p99 ms | "
            f"failed | reads {' / '.join(nodes) or '(none)'} | cache hits |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for result in results:
            stats = result.overall
            ratio = stats.rps / base.rps if base.rps else 0.0
            lines.append(
                f"| {result.scenario.key}: {result.scenario.title} | {stats.rps:.0f} | "
                f"{ratio:.1f}x | {stats.p50:.0f} | {stats.p95:.0f} | {stats.p99:.0f} | "
                f"{stats.failures} of {stats.requests} | {shares(stats, nodes)} | "
                f"{percent(stats.cache_hit_ratio)} |"
            )
        lines.append("")
    phased = [result for result in results if result.phases]
    if phased:
        lines += [
            "## Phases",
            "",
            f"| scenario | phase | seconds | req/s | failed | p50 ms | p99 ms | "
            f"reads {' / '.join(nodes)} |",
            "|---|---|--:|--:|--:|--:|--:|--:|",
        ]
        for result in phased:
            for phase in result.phases:
                stats = phase.stats
                lines.append(
                    f"| {result.scenario.key} | {phase.name} | {stats.seconds:.0f} | "
                    f"{stats.rps:.0f} | {stats.failures} | {stats.p50:.0f} | {stats.p99:.0f} | "
                    f"{shares(stats, nodes)} |"
                )
        lines.append("")
    lines += primary_reads.table(results)
    lines += primary_reads.throttling_table(results)
    lines += goals_table(outcomes)
    lines += ["## Charts", ""]
    lines += [f"![{name}]({name}.png)" for name in chart_names(results)]
    lines += [
        "",
        "## Files",
        "",
        "Per scenario directory: Locust's `locust_stats.csv`, `locust_stats_history.csv`, "
        "`locust_failures.csv`, `report.html`, every request in `samples.csv.gz`, and the logs "
        "of gunicorn, the warm-up and the measured run.",
        "",
    ]
    return "\n".join(lines)


def chart_names(results: list[ScenarioResult]) -> list[str]:
    if not results:
        return []
    names = ["throughput", "latency", "reads"]
    return [*names, "failover"] if any(result.phases for result in results) else names


def write(run: Run, results: list[ScenarioResult], *, complete: bool) -> None:
    by_key = {result.scenario.key: result for result in results}
    outcomes = [outcome for goal in run.suite.goals if (outcome := goal.check(by_key))]
    directory = run.directory
    summary = summary_json(run, results, outcomes, complete)
    summary["baseline"] = results[0].scenario.key if results else None
    summary["scenarios"] = [
        {
            **result.as_dict(),
            "ratio_to_baseline": ratios(result, results[0]),
            "reads_by_kind": primary_reads.as_dict(result),
        }
        for result in results
    ]
    (directory / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    if results:
        charts.throughput(results, directory / "throughput.png")
        charts.latency(results, directory / "latency.png")
        charts.reads(results, directory / "reads.png")
        phased = [result for result in results if result.phases]
        if phased:
            charts.timeline(phased, directory / "failover.png")
    (directory / "summary.md").write_text(markdown(run, results, outcomes, complete))


def ratios(result: ScenarioResult, baseline: ScenarioResult) -> dict:
    ours, base = result.overall, baseline.overall
    return {
        name: round(getattr(ours, name) / getattr(base, name), 3) if getattr(base, name) else None
        for name in ("rps", "p50", "p95", "p99")
    }
