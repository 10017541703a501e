"""What the ``/perf/`` page (and ``?format=json``) shows about the cache levels: the host's
counts (every worker's, summed: ``perf.metrics.host``), and this process's L1 and breakers."""

from typing import Any

from perf.cache import all_caches, generations, shared_cache
from perf.cache.breaker import server_breakers
from perf.cache.metrics import EVENTS
from perf.metrics.families import LOOKUPS
from perf.metrics.host import Samples, host_samples


def cache_levels() -> dict[str, Any]:
    samples = host_samples()
    shared = shared_cache()
    caches = []
    for cache in all_caches():
        counts = host_counts(samples, cache.name)
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
            "errors": breaker_errors(samples, shared.breaker.name),
            "pending_invalidations": sorted(generations().pending),
        },
        "servers": [
            {
                "name": b.name,
                "state": "down" if b.is_open else "up",
                "errors": breaker_errors(samples, b.name),
            }
            for b in server_breakers().values()
        ],
        "generations": generation_tracking(samples),
        "caches": caches,
    }


def host_counts(samples: Samples, cache: str) -> dict[str, int]:
    """The cache's ``EVENTS``, summed over the host's processes."""
    counts = {}
    for event in EVENTS:
        if event in LOOKUPS:
            level, result = LOOKUPS[event]
            labels = {"cache": cache, "level": level, "result": result}
            counts[event] = samples.total("perf_cache_lookups_total", **labels)
        else:
            counts[event] = samples.total("perf_cache_events_total", cache=cache, event=event)
    return {event: int(count) for event, count in counts.items()}


def breaker_errors(samples: Samples, name: str) -> int:
    return int(samples.total("perf_breaker_errors_total", breaker=name))


def generation_tracking(samples: Samples) -> dict[str, Any]:
    """This process's tracking state and memory; the host's counts."""
    tracker = generations().tracker
    events = samples.by("perf_generation_tracking_events_total", "event")
    return {
        "tracking": tracker.state,
        "remembered": len(tracker.remembered),
        "hits": int(events.get("hits", 0)),
        "misses": int(events.get("misses", 0)),
        "reports": int(events.get("reports", 0)),
        "connections": int(events.get("connects", 0)),
    }
