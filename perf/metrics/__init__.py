"""
Prometheus metrics of what perf does, for ``/metrics`` and the host's view on ``/perf/``.

- ``families``: the counters and the request histogram, and the events that feed them. The
  places that already count for the status page (a cache's ``Metrics``, ``perf.db.health``, a
  circuit breaker, generation tracking) count into them, so nothing is counted twice. It imports
  nothing else from perf: ``perf.db`` and ``perf.cache`` import it.
- ``host``: where the values are read from, every gunicorn worker's summed
  (``PROMETHEUS_MULTIPROC_DIR``) or this process's (the embedded default).
- ``state``: gauges read when scraped (nodes up, lag, breakers, read-only mode).
- ``middleware``: request latency by URL name; ``views``: the protected ``/metrics``.

docs/observability.md says how to run and scrape it.
"""
