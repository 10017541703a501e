"""
The multi-level cache: L1 in the process, L2 shared (Redis), then the source of truth.

``get_or_set`` is for one expensive value (a rendered page, the category tree). A missing value
is computed by one process while the others wait for it a bounded time; an expired one is
recomputed by one process while the others keep serving the stale value (stale-while-revalidate).
The recompute lock lives in L2 and expires on its own, so a crashed holder blocks nobody for long.
Values close to expiry are refreshed early with a probability that grows as expiry nears (XFetch),
so hot keys are usually refreshed before anyone sees them expire.

``get_many`` is for many cheap values computed in one batch (products by id): a fixed number of
round trips whatever the number of keys, and whatever is missing or expired is computed in one
call. The caller hands each key with the item it stands for (``{"card:7": 7}``), and ``compute``
receives the items that missed, so nothing parses a key back into an id.

Three rules keep wrong data out. Values of a namespace invalidated moments ago are computed from
the primary database, never from a replica that may still lag behind the write (see
``generations``); the rest come from wherever the router sends them. A value is stored under the
generations read *before* it was computed, and only if they are still current just before
storing: a render that started before an invalidation is never stored after it. And nothing is
stored from inside a transaction, whose data other connections cannot see yet and which may still
roll back.

Keys are the caller's: those of pickled objects carry the objects' shape (``shapes``), so two
releases sharing L2 during a deploy never read each other's objects. While Redis is away,
``DownCache`` keeps values in the process for a bounded time (``down``).
"""

import time
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from contextlib import nullcontext
from typing import Any, TypeVar

from perf.cache.down import DownCache
from perf.cache.entry import Entry
from perf.cache.generations import Generations
from perf.cache.local import LocalCache
from perf.cache.metrics import Metrics
from perf.cache.shared import CacheUnavailable, SharedCache
from perf.cache.stampede import RecomputeLocks
from perf.db.routing import use_primary
from perf.db.transactions import in_transaction

T = TypeVar("T")
Item = TypeVar("Item", bound=Hashable)
#: Computes the values of the items that missed: item -> value (an item left out has none).
Compute = Callable[[list[Any]], Mapping[Any, Any]]
#: The namespaces whose invalidation retires an item's value.
Namespaces = Callable[[Any], Sequence[str]]


class MultiLevelCache:
    """One named cache over an ``LocalCache`` (L1) and a ``SharedCache`` (L2)."""

    def __init__(
        self,
        name: str,
        *,
        local: LocalCache,
        shared: SharedCache,
        generations: Generations,
        ttl: float,
        stale_ttl: float,
        lock_timeout: float,
        lock_wait: float,
        down_ttl: float = 0.0,
        enabled: bool = True,
    ) -> None:
        self.name = name
        self.local = local
        self.shared = shared
        self.generations = generations
        self.ttl = ttl
        self.stale_ttl = stale_ttl
        self.locks = RecomputeLocks(shared, timeout=lock_timeout, wait=lock_wait)
        self.enabled = enabled
        self.metrics = Metrics(name)
        self.down = DownCache(generations, local.max_entries, down_ttl, self.metrics)

    # --- one value ---------------------------------------------------------------------------

    def get_or_set(
        self, key: str, compute: Callable[[], T], *, namespaces: Sequence[str] = ()
    ) -> T:
        """The value of ``key``, computed by ``compute()`` when missing or expired."""
        if not self.enabled:
            return compute()
        try:
            generations = self._read_generations(namespaces)
            full_key = self._full_key(key, namespaces, generations)
            entry = self._lookup([full_key]).get(full_key)
        except CacheUnavailable:
            return self.down.get(key, namespaces, compute)
        now = time.time()
        if entry is not None and not entry.is_due(now):
            return entry.value
        token = self.locks.acquire(full_key)
        if token is None:  # another process is computing it
            if entry is not None:
                if not entry.is_fresh(now):
                    self.metrics.incr("stale_serves")
                return entry.value
            self.metrics.incr("lock_waits")
            entry = self.locks.wait_for(full_key)
            if entry is not None:
                self.local.set_many({full_key: entry})
                return entry.value
        try:
            values = self._recompute(
                {full_key: key}, set(namespaces), generations, lambda _: {key: compute()}
            )
        finally:
            self.locks.release(full_key, token)
        return values[full_key]

    # --- many values -------------------------------------------------------------------------

    def get_many(
        self, items: Mapping[str, Item], compute: Compute, *, namespaces: Namespaces
    ) -> dict[str, Any]:
        """Values for ``items`` (key -> the item it stands for), by key; ``compute(missed_items)``
        returns item -> value for the gaps, and ``namespaces(item)`` says what invalidates one.

        Items that ``compute`` does not return (a deleted product) are left out of the result.
        Expired values are recomputed in the same batch rather than served stale: a batch is
        cheap, and one batch query is what a herd of requests would repeat.
        """
        if not items:
            return {}
        if not self.enabled:
            return self._compute_all(items, compute)
        keys = {key: namespaces(item) for key, item in items.items()}
        try:
            generations, full_keys, entries = self._find(keys)
        except CacheUnavailable:
            return self.down.get_many(items, keys, compute)
        now = time.time()
        result = {}
        due = {}
        for full_key, key in full_keys.items():
            entry = entries.get(full_key)
            if entry is None or entry.is_due(now):
                due[full_key] = items[key]
            else:
                result[key] = entry.value
        if due:
            due_namespaces = {ns for full_key in due for ns in keys[full_keys[full_key]]}
            computed = self._recompute(due, due_namespaces, generations, compute)
            result.update((full_keys[full_key], value) for full_key, value in computed.items())
        return result

    def peek_many(self, items: Mapping[str, Item], *, namespaces: Namespaces) -> dict[str, Any]:
        """What the cache holds for ``items`` (as in ``get_many``), fresh or stale, computing
        nothing.

        Used to compare cached data with the database (has a change crossed what pages show?).
        Empty when the cache is off or L2 is down: a caller must then assume the worst.
        """
        if not self.enabled or not items:
            return {}
        try:
            _, full_keys, entries = self._find({k: namespaces(i) for k, i in items.items()})
        except CacheUnavailable:
            return {}
        return {full_keys[full_key]: entry.value for full_key, entry in entries.items()}

    def refresh_many(
        self, items: Mapping[str, Item], compute: Compute, *, namespaces: Namespaces
    ) -> dict[str, Any]:
        """Recompute and store ``items`` (as in ``get_many``) whatever is cached (a rebuild)."""
        if not self.enabled or not items:
            return {}
        keys = {key: namespaces(item) for key, item in items.items()}
        all_namespaces = {ns for names in keys.values() for ns in names}
        try:
            generations = self._read_generations(all_namespaces)
        except CacheUnavailable:
            return {}
        full_keys = {self._full_key(key, ns, generations): key for key, ns in keys.items()}
        due = {full_key: items[key] for full_key, key in full_keys.items()}
        computed = self._recompute(due, all_namespaces, generations, compute)
        return {full_keys[full_key]: value for full_key, value in computed.items()}

    def put_many(self, values: Mapping[str, tuple[Sequence[str], Any]]) -> int:
        """Store values computed by the caller (key -> (namespaces, value)); how many were stored.

        Call it inside ``generations.snapshot()``, opened before the values were computed: they
        are stored under the generations of that snapshot, if those are still current.
        """
        if not self.enabled or not values:
            return 0
        try:
            generations = self._read_generations(ns for names, _ in values.values() for ns in names)
        except CacheUnavailable:
            return 0
        entries = {
            self._full_key(key, names, generations): value for key, (names, value) in values.items()
        }
        namespaces = {ns for names, _ in values.values() for ns in names}
        return self._store(entries, 0.0, namespaces, generations)

    def clear_local(self) -> None:
        """Empty this process's L1 (tests; the shared level is the Django cache's to clear)."""
        self.local.clear()

    # --- machinery ---------------------------------------------------------------------------

    def _read_generations(self, namespaces: Iterable[str]) -> dict[str, int]:
        # While L2 is down L1 serves nothing: without the generations, an L1 entry could be one
        # another process has invalidated. Only ``down`` keeps values, until L2 answers again.
        if self.shared.is_down:
            raise CacheUnavailable(self.shared.alias)
        self.down.clear()
        return self.generations.read(namespaces)

    def _find(
        self, keys: Mapping[str, Sequence[str]]
    ) -> tuple[dict[str, int], dict[str, str], dict[str, Entry]]:
        """The generations of ``keys``' namespaces, each full key with its key, and what L1 or
        L2 holds under the full keys; raises CacheUnavailable."""
        generations = self._read_generations(ns for names in keys.values() for ns in names)
        full_keys = {self._full_key(key, names, generations): key for key, names in keys.items()}
        return generations, full_keys, self._lookup(list(full_keys))

    def _full_key(self, key: str, namespaces: Sequence[str], generations: dict[str, int]) -> str:
        versions = ".".join(str(generations[ns]) for ns in namespaces)
        return f"perf:{self.name}:{key}:{versions}" if versions else f"perf:{self.name}:{key}"

    def _lookup(self, full_keys: list[str]) -> dict[str, Entry]:
        """L1, then L2 for what L1 lacks (one round trip); L2 hits are copied into L1.

        Raises CacheUnavailable, before anything is computed, when L2 fails.
        """
        found = self.local.get_many(full_keys)
        self.metrics.incr("l1_hits", len(found))
        self.metrics.incr("l1_misses", len(full_keys) - len(found))
        wanted = [key for key in full_keys if key not in found]
        if wanted:
            shared = self.shared.get_many(wanted)
            self.metrics.incr("l2_hits", len(shared))
            self.metrics.incr("l2_misses", len(wanted) - len(shared))
            self.local.set_many(shared)
            found.update(shared)
        return found

    def _compute_all(self, items: Mapping[str, Item], compute: Compute) -> dict[str, Any]:
        values = compute(list(items.values()))
        return {key: values[item] for key, item in items.items() if item in values}

    def _recompute(
        self,
        due: dict[str, Item],
        namespaces: set[str],
        generations: dict[str, int],
        compute: Compute,
    ) -> dict[str, Any]:
        """Compute the due items (full key -> item) in one call, store them; full key -> value."""
        started = time.monotonic()
        # A replica still replaying the commit that bumped a generation would put the old data
        # back under the new one.
        fresh_reads = (
            use_primary("recent-invalidation")
            if self.generations.recently_bumped(namespaces)
            else nullcontext()
        )
        with fresh_reads:
            values = compute(list(due.values()))
        elapsed = time.monotonic() - started
        self.metrics.incr("recomputes", len(due))
        computed = {full_key: values[item] for full_key, item in due.items() if item in values}
        self._store(computed, elapsed / len(due), namespaces, generations)
        return computed

    def _store(
        self,
        values: dict[str, Any],
        compute_seconds: float,
        namespaces: set[str],
        generations: dict[str, int],
    ) -> int:
        if not values or in_transaction():
            return 0
        try:
            wanted = {ns: generations[ns] for ns in namespaces}
            if self.generations.establish(wanted) != wanted:
                self.metrics.incr("discarded_sets", len(values))
                return 0
            fresh_until = time.time() + self.ttl
            entries = {
                key: Entry(value, fresh_until, compute_seconds) for key, value in values.items()
            }
            self._put(entries)
        except CacheUnavailable:
            return 0
        return len(entries)

    def _put(self, entries: dict[str, Entry]) -> None:
        """Store checked entries in L2 (raises CacheUnavailable), then in L1."""
        self.shared.set_many(entries, self.ttl + self.stale_ttl)
        self.local.set_many(entries)
