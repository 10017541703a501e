"""
Read the ``Server-Timing`` header the shop sends on every response.

``perf.db`` names there the database nodes that served a request's reads and how many each,
which is how the load test counts each node's share of reads from outside the server.
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
