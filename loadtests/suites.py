"""
The suites of ``make bench``, ``make bench-replicas`` and ``make failover-demo``: their
scenarios, run one after another in one run, and the goals (``loadtests.goals``) the report
checks them against.
"""

from loadtests import goals
from loadtests.scenarios import (
    FAILOVER,
    FAILOVER_LIBPQ,
    FAILOVER_OURS,
    NAIVE,
    PRIMARY_ALONE,
    REPLICAS,
    TWO_PASS,
    WITH_REPLICAS,
    Suite,
)

SUITES = {
    "bench": Suite(
        "bench",
        "Caching and replicas, side by side",
        (NAIVE, TWO_PASS, REPLICAS, FAILOVER),
        goals=(
            goals.ThroughputRatio(TWO_PASS.key, NAIVE.key, factor=5),
            goals.P95NotAbove(TWO_PASS.key, NAIVE.key),
            goals.NoFailures(FAILOVER.key),
        ),
    ),
    "failover-demo": Suite(
        "failover-demo",
        "Replica 1 dies under load: perf.db's failover backend against libpq's",
        (FAILOVER_OURS, FAILOVER_LIBPQ),
        goals=tuple(
            goal
            for key in (FAILOVER_OURS.key, FAILOVER_LIBPQ.key)
            for goal in (
                goals.NoFailures(key),
                goals.P99PhaseRatio(key, during=1, steady=0, factor=2),
                goals.PrimaryReadShare(key, phase=0, limit=0.10),
            )
        ),
    ),
    "replicas": Suite(
        "replicas",
        "Read replicas add capacity: the primary alone against the primary and two replicas",
        (PRIMARY_ALONE, WITH_REPLICAS),
        goals=(
            goals.ThroughputRatio(WITH_REPLICAS.key, PRIMARY_ALONE.key, factor=2),
            goals.P95NotAbove(WITH_REPLICAS.key, PRIMARY_ALONE.key),
            goals.PrimaryKindShare(WITH_REPLICAS.key, kind="catalog", limit=0.10),
        ),
        db_cpus=0.05,
    ),
}
