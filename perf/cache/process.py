"""
``ProcessCache``: a multi-level cache whose values never leave the process.

Values live in L1 only, under the shared generations, so invalidations reach them as they reach
every other entry. It is for values whose keys visitors can multiply without bound, such as the
pages of search results: every new query is a new key, and in Redis (``allkeys-lru``) a flood of
random searches would evict the product pages, data and sessions that matter. Here the flood can
only fill each process's bounded L1. Popular searches stay cached in every process that serves
them; there is no stampede control across processes, each computes its own.
"""

from perf.cache.entry import Entry
from perf.cache.multilevel import MultiLevelCache


class ProcessCache(MultiLevelCache):
    def _lookup(self, full_keys: list[str]) -> dict[str, Entry]:
        found = self.local.get_many(full_keys)
        self.metrics.incr("l1_hits", len(found))
        self.metrics.incr("l1_misses", len(full_keys) - len(found))
        return found

    def _put(self, entries: dict[str, Entry]) -> None:
        self.local.set_many(entries)

    def _lock(self, full_key: str) -> str | None:
        return ""
