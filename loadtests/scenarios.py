"""
The scenarios of ``make bench`` and ``make failover-demo``, as data.

A scenario is the environment gunicorn runs with (the PERF_* switches of shop/settings.py), the
Locust tags it runs, whether its cache is rebuilt before the warm-up, and the events the runner
fires part-way through the measured run. A suite is the scenarios run one after another in one
run, compared as ratios to its first scenario (the suites themselves, with their goals, are in
``suites``). ``BenchConfig`` is how long and how hard every scenario of a run is driven.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

NO_CACHE = MappingProxyType({"PERF_PAGE_CACHE": "0", "PERF_DATA_CACHE": "0"})
CACHE = MappingProxyType({"PERF_PAGE_CACHE": "1", "PERF_DATA_CACHE": "1"})


@dataclass(frozen=True)
class Event:
    """At ``at`` (a fraction of the measured run) call ``action(replica)`` on the stack; the
    requests that complete from then on belong to the phase named ``phase``. ``undo`` names the
    stack's action that puts things back, called when the run ends whatever happened (so an
    interrupted run leaves no replica killed); it must be harmless when nothing is left to undo."""

    at: float
    action: str
    replica: int
    phase: str
    undo: str = ""


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    env: Mapping[str, str]
    replicas: bool = False
    tags: tuple[str, ...] = ()
    events: tuple[Event, ...] = ()
    first_phase: str = "steady"
    # ``manage.py rebuild_cache`` before the warm-up: a shop that has been up for a while has its
    # catalog pages cached, and a minute from cold would measure mostly the first misses.
    warm_cache: bool = False
    # Task weights of the locustfile's --mix for this scenario (``--mix`` of the run wins).
    mix: str = ""

    @property
    def phase_names(self) -> list[str]:
        return [self.first_phase, *(event.phase for event in self.events)]


@dataclass(frozen=True)
class BenchConfig:
    """How long and how hard. Zero think time by default: every Locust user asks again as soon
    as it has its answer, so a scenario's req/s is what the shop can serve, not what the users
    ask for."""

    duration: float = 60.0
    warmup: float = 10.0
    users: int = 20
    wait_min: float = 0.0
    wait_max: float = 0.0
    products: int = 2000
    mix: str = ""
    progress: bool = True
    # What each PostgreSQL server ran within: "0.05 CPU (cgroup v1 cpu)", or why there was none.
    cpu_budget: str = "none"


@dataclass(frozen=True)
class Suite:
    name: str
    title: str
    scenarios: tuple[Scenario, ...]
    goals: tuple = field(default=())
    # Cores per PostgreSQL server (``stack.cpu``) unless the run says otherwise; 0: no budget.
    db_cpus: float = 0.0


# Replica 1 crashes (immediate stop) a third of the way in and comes back at two thirds.
REPLICA1_CRASH = (
    Event(at=1 / 3, action="kill_replica", replica=1, phase="replica 1 down", undo="start_replica"),
    Event(at=2 / 3, action="start_replica", replica=1, phase="replica 1 restarted"),
)

NAIVE = Scenario("1-no-cache", "No caching, primary only", env=NO_CACHE)
TWO_PASS = Scenario("2-two-pass", "Two-pass caching, primary only", env=CACHE, warm_cache=True)
REPLICAS = replace(
    TWO_PASS, key="3-replicas", title="Two-pass caching, both replicas", replicas=True
)
FAILOVER = replace(
    REPLICAS,
    key="4-failover",
    title="As 3, replica 1 killed at 1/3, restarted at 2/3",
    events=REPLICA1_CRASH,
    first_phase="both replicas up",
)

# The failover demo turns the caches off so that every page reads the database: a dead replica
# then shows in every request, not only in cache misses. Browsing only, so that no write pins a
# browser to the primary and the replicas' share of catalog reads is what routing alone gives.
FAILOVER_OURS = Scenario(
    "failover-ours",
    "Failover backend (perf.db), caches off",
    env=NO_CACHE,
    replicas=True,
    tags=("browse",),
    events=REPLICA1_CRASH,
    first_phase="both replicas up",
)
FAILOVER_LIBPQ = replace(
    FAILOVER_OURS,
    key="failover-libpq",
    title="libpq multi-host baseline (prefer-standby, load_balance_hosts=random), caches off",
    env={**NO_CACHE, "PERF_DB_FAILOVER": "libpq"},
)

# Read replicas as added capacity. Both caches are off and the mix leans on what costs the
# database most (searches, filtered category pages, pages deep into a category), so every page
# reads it; shoppers still fill carts, log in and check out, whose reads belong on the primary.
# Each PostgreSQL server gets the same CPU budget, as separate machines would have, and gunicorn
# has workers enough to keep three of them busy: the web tier is not what is measured. A page
# costs PostgreSQL a tenth of what it costs Django, so on two shared cores only a small budget
# (0.05 of a core) makes the database the bottleneck: the case replicas are for.
DATABASE_BOUND = MappingProxyType({**NO_CACHE, "GUNICORN_WORKERS": "8"})
DATABASE_MIX = "home=5,category=45,search=30,product=12,add_to_cart=3,cart=2,account=2,checkout=1"
PRIMARY_ALONE = Scenario(
    "1-primary", "Primary only, caches off", env=DATABASE_BOUND, mix=DATABASE_MIX
)
WITH_REPLICAS = replace(
    PRIMARY_ALONE, key="2-replicas", title="Primary + 2 replicas, caches off", replicas=True
)
