"""
Read the ``Server-Timing`` header the shop sends on every response.

``perf.db`` names there the database nodes that served a request's reads and how many each,
which is how the load test counts each node's share of reads from outside the server, and splits
them by what they read and, on the primary, why it served them.
https://www.w3.org/TR/server-timing/
"""

import re

# name, then ;key=value params; a value is a token or a quoted string.
METRIC = re.compile(
    r'\s*([^\s;,]+)((?:\s*;\s*[^\s;,=]+(?:\s*=\s*(?:"[^"]*"|[^\s;,]*))?)*)\s*(?:,|$)'
)
PARAM = re.compile(r';\s*([^\s;,=]+)(?:\s*=\s*(?:"([^"]*)"|([^\s;,]*)))?')


def parse(header: str) -> list[tuple[str, dict[str, str]]]:
    """``'db;desc="replica1";dur=2.1, app;dur=9'``
    -> ``[("db", {"desc": "replica1", "dur": "2.1"}), ("app", {"dur": "9"})]``."""
    metrics = []
    for match in METRIC.finditer(header or ""):
        if not match.group(1):
            continue
        params = {
            key.lower(): quoted or token for key, quoted, token in PARAM.findall(match.group(2))
        }
        metrics.append((match.group(1), params))
    return metrics


def reads(header: str) -> dict[str, int]:
    """Reads per database node: ``db-replica1;dur=1.5;desc="3 reads"`` -> ``{"replica1": 3}``.

    ``perf.db.timing`` sends one ``db-<alias>`` entry per node that served reads (``default`` is
    the primary), and a ``db`` entry totalling every query, which is not a node.
    """
    counts: dict[str, int] = {}
    for name, params in parse(header):
        node = name.removeprefix("db-")
        if node != name and node:
            count = params.get("desc", "").split(" ", 1)[0]
            counts[node] = counts.get(node, 0) + (int(count) if count.isdigit() else 1)
    return counts


def kinds(header: str) -> dict[tuple[str, str, str], int]:
    """Reads per node, kind and reason: ``db-default;desc="3 reads";kinds="auth:pin-cookie=1
    catalog:pin-cookie=2"`` -> ``{("default", "auth", "pin-cookie"): 1, ...}``; a replica's
    reads have no reason (``""``)."""
    counts: dict[tuple[str, str, str], int] = {}
    for name, params in parse(header):
        node = name.removeprefix("db-")
        if node == name or not node:
            continue
        for item in params.get("kinds", "").split():
            what, _, count = item.rpartition("=")
            kind, _, reason = what.partition(":")
            if kind and count.isdigit():
                key = (node, kind, reason)
                counts[key] = counts.get(key, 0) + int(count)
    return counts
