"""What the ``/perf/`` page (and ``?format=json``) shows about this process's cache levels."""

from typing import Any

from perf.cache import all_caches, generations, shared_cache
from perf.cache.breaker import server_breakers


def cache_levels() -> dict[str, Any]:
    shared = shared_cache()
    caches = []
    for cache in all_caches():
        counts = cache.metrics.snapshot()
        lookups = counts["l1_hits"] + counts["l1_misses"]
        hits = counts["l1_hits"] + counts["l2_hits"]
        caches.append(
            {
                "name": cache.name,
                "enabled": cache.enabled,
                "l1_entries": len(cache.local),
                "l1_max_entries": cache.local.max_entries,
                "l1_ttl": cache.local.ttl,
                "ttl": cache.ttl,
                "hit_ratio": round(hits / lookups, 3) if lookups else None,
                **counts,
            }
        )
    return {
        "shared": {
            "alias": shared.alias,
            "backend": type(shared.backend).__name__,
            "state": "down" if shared.is_down else "up",
            "errors": shared.errors,
            "pending_invalidations": sorted(generations().pending),
        },
        "servers": [
            {"name": b.name, "state": "down" if b.is_open else "up", "errors": b.errors}
            for b in server_breakers().values()
        ],
        "generations": generation_tracking(),
        "caches": caches,
    }


def generation_tracking() -> dict[str, Any]:
    tracker = generations().tracker
    return {
        "tracking": tracker.state,
        "remembered": len(tracker.remembered),
        "hits": tracker.hits,
        "misses": tracker.misses,
        "reports": tracker.reports,
        "connections": tracker.connects,
    }
