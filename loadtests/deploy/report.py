"""
The report of ``make deploy-demo``: ``summary.md``, ``summary.json`` and a chart per deploy.

Each deploy reads against its own steady phase, the fifth of the run before the first step:
requests that failed (a 5xx, or no answer within the shoppers' 10 s patience), p99 and max
latency from the first step to the end, and the longest time a query of the shop waited for a
lock. The chart marks each step where it began.
"""

import json
from typing import TYPE_CHECKING

from loadtests import charts
from loadtests import report as bench_report
from loadtests.deploy.schema import LOCKS
from loadtests.goals import Outcome
from loadtests.results import ScenarioResult
from loadtests.samples import Stats, read_samples

if TYPE_CHECKING:
    from loadtests.deploy.demo import DeployRun

# The goal of the design notes: a safe deploy fails nothing and keeps p99 within this of steady.
P99_FACTOR = 1.5

EXPLAINED = [
    "Each deploy runs in a scenario of its own, from the table as the migrations say and release 1 "
    "serving. *steady* is the phase before the first step; *deploy* runs from the first step "
    "to the end of the run. **failed**: a 5xx, or no answer within the shoppers' 10 s patience; "
    "**503** counts those of them that were the shop's 'read-only for a moment' answer. "
    "**lock wait**: the longest a query of the shop waited for a lock (pg_stat_activity, "
    "sampled every 0.1 s; the deploy's own session left out). The shop's database backend "
    "cancels a query on the primary after its 1 s deadline and answers 503, so no wait outlasts "
    "that: **exclusive s** is how long the deploy held `ACCESS EXCLUSIVE` on the table, the "
    "longest of its steps that take it.",
    "",
]


def deploy_stats(result: ScenarioResult) -> Stats | None:
    if not result.events:
        return None
    samples = read_samples(result.directory / "samples.csv.gz")
    return Stats.of(samples, result.start + result.events[0][1], result.overall.end)


def exclusive_seconds(run: "DeployRun", result: ScenarioResult) -> float:
    seconds = run.step_seconds.get(result.scenario.key, [])
    return max(
        (
            took
            for (event, _), took in zip(result.events, seconds, strict=False)
            if LOCKS[event.action].startswith("ACCESS EXCLUSIVE")
        ),
        default=0.0,
    )


def row(run: "DeployRun", result: ScenarioResult) -> str:
    steady, deploy = result.phases[0].stats, deploy_stats(result)
    longest, _ = run.lock_waits.get(result.scenario.key, (0.0, 0.0))
    ratio = f"{deploy.p99 / steady.p99:.2f}x" if steady.p99 else "-"
    overall = result.overall
    return (
        f"| {result.scenario.key} | {overall.requests} | {overall.failures} | "
        f"{overall.unavailable} | {steady.rps:.0f} / {deploy.rps:.0f} | {steady.p99:.0f} | "
        f"{deploy.p99:.0f} | {ratio} | {deploy.max:.0f} | {longest:.2f} | "
        f"{exclusive_seconds(run, result):.2f} |"
    )


def steps(run: "DeployRun", result: ScenarioResult) -> list[str]:
    seconds = run.step_seconds.get(result.scenario.key, [])
    lines = [
        "| step | lock on cart_orderline | began at s | took s | until the next: p99 ms | max ms |",
        "|---|---|--:|--:|--:|--:|",
    ]
    lines += [
        f"| {event.phase} | {LOCKS[event.action]} | {at:.1f} | {took:.2f} | "
        f"{phase.stats.p99:.0f} | {phase.stats.max:.0f} |"
        for (event, at), took, phase in zip(result.events, seconds, result.phases[1:], strict=False)
    ]
    if len(seconds) < len(result.scenario.events):
        lines += ["", "**Not every step ran**: the run ended first (raise DURATION)."]
    return [*lines, ""]


def outcomes(results: list[ScenarioResult]) -> list[Outcome]:
    safe = next((result for result in results if result.scenario.key == "safe"), None)
    if safe is None or not safe.events:
        return []
    steady, deploy = safe.phases[0].stats, deploy_stats(safe)
    ran, planned = len(safe.events), len(safe.scenario.events)
    return [
        Outcome("safe deploy ran every step", f"{ran} of {planned}", ran == planned),
        Outcome(
            "safe deploy fails no request",
            f"{safe.overall.failures} of {safe.overall.requests}",
            safe.overall.failures == 0,
        ),
        Outcome(
            f"safe deploy's p99 <= {P99_FACTOR:g}x steady",
            f"{deploy.p99:.0f} ms against {steady.p99:.0f} ms",
            deploy.p99 <= P99_FACTOR * steady.p99,
        ),
    ]


def markdown(run: "DeployRun", results: list[ScenarioResult], met: list[Outcome], complete: bool):
    lines = [*bench_report.heading(run, complete), *EXPLAINED]
    if run.seed_seconds is not None:
        lines += [f"Seeded {run.seed_seconds:.0f} s for this run (kept for the next).", ""]
    shown = [result for result in results if result.events]
    if shown:
        lines += [
            "| deploy | requests | failed | 503 | req/s steady / deploy | p99 steady ms "
            "| p99 deploy ms | p99 ratio | max ms | lock wait s | exclusive s |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
            *(row(run, result) for result in shown),
            "",
        ]
    lines += bench_report.goals_table(met)
    for result in shown:
        key = result.scenario.key
        lines += [
            f"## {result.scenario.title}",
            "",
            *steps(run, result),
            f"![{key}]({key}.png)",
            "",
        ]
    return "\n".join(lines)


def write(run: "DeployRun", results: list[ScenarioResult], *, complete: bool) -> None:
    met = outcomes(results)
    summary = bench_report.summary_json(run, results, met, complete)
    summary["lock_wait_s"] = {key: round(value, 2) for key, (value, _) in run.lock_waits.items()}
    summary["step_seconds"] = run.step_seconds
    summary["seed_seconds"] = run.seed_seconds
    (run.directory / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    for result in results:
        if result.events:
            charts.timeline([result], run.directory / f"{result.scenario.key}.png",
                            title="Deploy steps marked where each began")  # fmt: skip
    (run.directory / "summary.md").write_text(markdown(run, results, met, complete))
