"""
The report of ``make chaos``: ``summary.md``, ``summary.json`` and a chart per fault.

Each row reads the fault's middle third (while the fault lasted) against the steady third before
it, from the same run. "Failed" is what a shopper saw go wrong, a 5xx other than 503 or no answer
within the shoppers' patience; 503s, the shop saying "read-only for a moment, come back", are
counted apart. Orders compare what the shoppers were shown with what the database holds.
"""

import json

from loadtests import charts, report
from loadtests.results import Run, ScenarioResult

FAULT, STEADY = 1, 0
SUBTITLE = "The fault at 1/3, undone at 2/3"

EXPLAINED = [
    "Each fault runs in a scenario of its own: a steady third, the fault for the middle third, "
    "then the fault undone. *seconds*, *requests*, *p99* and *vs steady* (its throughput over "
    "the steady third's) are the middle third's. *failed*, *503* and *max* count from the fault "
    "on, to the end: a request that hung during the fault completes (or times out) later.",
    "",
    "- **failed**: 5xx other than 503, or no answer within the shoppers' 10 s patience.",
    "- **503**: the shop answered 'unavailable for a moment' (read-only mode), apart from failed.",
    "- **failed GETs**: pages that did not load, 503s included, over the whole scenario.",
    "- **orders**: shown to shoppers (their checkout redirected to the order) / in the database, "
    "over the whole scenario. A customer whose order failed submits the same form again "
    "(its checkout token makes that safe).",
    "",
]


def markdown(run: Run, results: list[ScenarioResult], outcomes, complete: bool) -> str:
    lines = [*report.heading(run, complete), *EXPLAINED]
    if results:
        lines += [
            "| fault | seconds | requests | failed | 503 | failed GETs | p99 ms | max ms "
            "| vs steady | orders shown / stored |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
        lines += [row(result) for result in results]
        lines.append("")
    met = sum(outcome.met for outcome in outcomes)
    lines += [f"Goals met: {met} of {len(outcomes)}.", ""] if outcomes else []
    lines += report.goals_table(outcomes)
    lines += ["## Charts", ""]
    for result in results:
        if result.phases:
            title, key = result.scenario.title, result.scenario.key
            lines += [f"### {title}", "", f"![{key}]({chart(result)})", ""]
    lines += [
        "## Files",
        "",
        "Per fault directory: Locust's CSVs and `report.html`, every request in `samples.csv.gz`, "
        "and the logs of gunicorn, the warm-up and the measured run.",
        "",
    ]
    return "\n".join(lines)


def row(result: ScenarioResult) -> str:
    if len(result.phases) <= FAULT:
        return f"| {result.scenario.key} | (the fault did not fire) |||||||||"
    stats, steady = result.phases[FAULT].stats, result.phases[STEADY].stats
    later = [phase.stats for phase in result.phases[FAULT:]]
    failed = sum(phase.failures - phase.unavailable for phase in later)
    unavailable = sum(phase.unavailable for phase in later)
    ratio = f"{stats.rps / steady.rps:.0%}" if steady.rps else "-"
    orders = result.orders_as_dict()
    stored = "?" if orders["stored"] is None else orders["stored"]
    return (
        f"| {result.scenario.key} | {stats.seconds:.0f} | {stats.requests} | {failed} | "
        f"{unavailable} | {result.overall.failed_gets} | {stats.p99:.0f} | "
        f"{max(phase.max for phase in later):.0f} | {ratio} | {orders['shown']} / {stored} |"
    )


def chart(result: ScenarioResult) -> str:
    return f"{result.scenario.key}.png"


def write(run: Run, results: list[ScenarioResult], *, complete: bool) -> None:
    by_key = {result.scenario.key: result for result in results}
    outcomes = [outcome for goal in run.suite.goals if (outcome := goal.check(by_key))]
    summary = report.summary_json(run, results, outcomes, complete)
    (run.directory / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    for result in results:
        if result.phases:
            charts.timeline([result], run.directory / chart(result), title=SUBTITLE)
    (run.directory / "summary.md").write_text(markdown(run, results, outcomes, complete))
