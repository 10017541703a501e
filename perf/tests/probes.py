"""Waiting for the circuit breakers' probes, which ``perf.cache.breaker`` runs in threads."""

import threading


def finish_probes() -> None:
    """Return once every probe under way has found the server answering, or not."""
    for thread in threading.enumerate():
        if thread.name.startswith("perf-probe "):
            thread.join()
