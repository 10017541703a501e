"""
``DownCache``: what a multi-level cache keeps while its shared level (Redis) is down.

L1 serves nothing while L2 is down: its entries are found through the generations in Redis, and
without them an entry could be one another process has invalidated meanwhile. But caching
nothing at all makes every page a render from the database (a hung Redis kept a quarter of the
shop's throughput). So, while the L2 breaker is open, values are kept in the process under their
bare key, apart from L1, and staleness is bounded by time instead of by generations:

- a change made in this process drops, after its commit, the values of the namespaces it
  invalidates (``drop``), so this process shows it on its next page;
- a change made in another process is in the outbox (every invalidation Redis cannot take is
  written there, with the change's commit): each process reads the rows written since its last
  look, at most every ``OUTBOX_DRAIN_INTERVAL`` seconds (2), and drops what they name
  (``Generations.report_outbox``). That interval is the staleness bound while Redis is away;
- each value lives ``L2_DOWN_TTL`` seconds (10) at most, which bounds what the outbox cannot
  report (a row another process applied and deleted before this one looked: Redis answered it);
- once Redis answers again they are all dropped: invalidations through the generations win again.

That is safe for what the caches hold. Pages are pass one, rendered for nobody (no user data:
``perf.twopass``); data values are keyed by what they describe (a product, a user's cart), so no
one is served another's; and nothing computed inside a transaction is kept.
"""

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from perf.cache.generations import Generations
from perf.cache.local import LocalCache
from perf.cache.metrics import Metrics
from perf.db.transactions import in_transaction

T = TypeVar("T")


class DownCache:
    """At most ``max_entries`` values, each kept ``ttl`` seconds (0: none); thread-safe. Counts
    ``down_hits``, and ``bypasses`` for the values it computes, in ``metrics``."""

    def __init__(
        self, generations: Generations, max_entries: int, ttl: float, metrics: Metrics
    ) -> None:
        self._local = LocalCache(max_entries=max_entries if ttl > 0 else 0, ttl=ttl)
        self.generations = generations
        self.metrics = metrics
        generations.listeners.append(self.drop)

    def get_many(
        self,
        items: Mapping[str, Hashable],
        keys: Mapping[str, Sequence[str]],
        compute: Callable[[list[Any]], Mapping[Any, Any]],
    ) -> dict[str, Any]:
        """The values of ``items`` (key -> the item it stands for) kept here, by key;
        ``compute(missed_items)`` returns item -> value for the gaps, in one call, and what it
        returns is kept (outside a transaction) with the key's namespaces (``keys``)."""
        self.generations.report_outbox()
        found = {key: value for key, (_, value) in self._local.get_many(items).items()}
        due = {key: item for key, item in items.items() if key not in found}
        self.metrics.incr("down_hits", len(found))
        self.metrics.incr("bypasses", len(due))
        if not due:
            return found
        values = compute(list(due.values()))
        computed = {key: values[item] for key, item in due.items() if item in values}
        if not in_transaction():
            self._local.set_many(
                {key: (frozenset(keys[key]), value) for key, value in computed.items()}
            )
        return {**found, **computed}

    def get(self, key: str, namespaces: Sequence[str], compute: Callable[[], T]) -> T:
        """The value of ``key`` kept here, else ``compute()``'s, kept."""
        return self.get_many({key: key}, {key: namespaces}, lambda _: {key: compute()})[key]

    def drop(self, namespaces: Iterable[str]) -> None:
        """Forget the values that depend on any of ``namespaces`` (they were just invalidated)."""
        retired = set(namespaces)
        if retired and len(self._local):
            self._local.delete_if(lambda item: not retired.isdisjoint(item[0]))

    def clear(self) -> None:
        if len(self._local):  # on every lookup while L2 answers: mostly empty
            self._local.clear()

    def __len__(self) -> int:
        return len(self._local)
