"""
Who reads the primary, and why: each scenario's reads split by kind (the app of the model read:
``sessions``, ``auth``, ``cart``, ``catalog``...), with the reasons the primary served them.

The shop's ``Server-Timing`` header carries the split (``perf.db.timing``). Sessions, carts,
orders and accounts belong on the primary; a catalog read there has a reason worth reading: the
request wrote (``unsafe-method``, ``wrote``), the browser wrote a few seconds ago
(``pin-cookie``), its view reads the primary only (``namespace``), a transaction was open...
"""

from collections import Counter

from loadtests.goals import PRIMARY
from loadtests.results import ScenarioResult


def by_kind(result: ScenarioResult) -> dict[str, tuple[int, int, Counter]]:
    """``{kind: (reads on the primary, reads on replicas, {reason: primary reads})}``, the kinds
    the primary reads most first."""
    kinds: dict[str, tuple[int, int, Counter]] = {}
    for (node, kind, reason), count in result.overall.kinds.items():
        primary, replicas, reasons = kinds.get(kind, (0, 0, Counter()))
        if node == PRIMARY:
            reasons[reason] += count
            kinds[kind] = (primary + count, replicas, reasons)
        else:
            kinds[kind] = (primary, replicas + count, reasons)
    return dict(sorted(kinds.items(), key=lambda item: (-item[1][0], -item[1][1], item[0])))


def as_dict(result: ScenarioResult) -> dict:
    return {
        kind: {"primary": primary, "replicas": replicas, "primary_reasons": dict(reasons)}
        for kind, (primary, replicas, reasons) in by_kind(result).items()
    }


def table(results: list[ScenarioResult]) -> list[str]:
    """The Markdown section, one row per scenario and kind; nothing when no read was counted."""
    rows = []
    for result in results:
        kinds = by_kind(result)
        total = sum(primary for primary, _, _ in kinds.values())
        for kind, (primary, replicas, reasons) in kinds.items():
            share_of_kind = primary / (primary + replicas) if primary + replicas else 0.0
            why = ", ".join(f"{reason} {n}" for reason, n in reasons.most_common())
            rows.append(
                f"| {result.scenario.key} | {kind} | {primary} | "
                f"{primary / total if total else 0:.0%} | {replicas} | {share_of_kind:.0%} | "
                f"{why or '-'} |"
            )
    if not rows:
        return []
    return [
        "## Who reads the primary, and why",
        "",
        "Reads by kind (the app of the model read). *share* is the kind's part of the primary's "
        "reads; *on primary* the part of the kind's reads the primary served. Reasons: "
        "`primary-only` (a model the replicas do not serve), `no-replicas` (none configured), "
        "`unsafe-method` (a POST's reads guard its write), `pin-cookie` (the browser wrote "
        "seconds ago), `wrote` (after a write in the request), `namespace` (a view that reads "
        "the primary only), `transaction`, `instance` (following a row read from the primary), "
        "`failover` (every replica down), `other` (SQL the ORM did not route).",
        "",
        "| scenario | kind | primary reads | share | replica reads | on primary | why |",
        "|---|---|--:|--:|--:|--:|---|",
        *rows,
        "",
    ]


def throttling_table(results: list[ScenarioResult]) -> list[str]:
    """How hard each server pressed on its CPU budget: the share of the 0.1 s periods it ran in
    that ended with its quota spent. High on a node: that node is what held the scenario back."""
    rows = [
        f"| {result.scenario.key} | {node} | {periods} | {throttled / max(periods, 1):.0%} |"
        for result in results
        for node, (periods, throttled) in sorted(result.throttling.items())
    ]
    if not rows:
        return []
    return [
        "## Database CPU budgets",
        "",
        "Periods of 0.1 s in which a server ran, and the share of them it ended throttled (its "
        "quota spent, waiting for the next period).",
        "",
        "| scenario | node | periods | throttled |",
        "|---|---|--:|--:|",
        *rows,
        "",
    ]
