"""Concurrent shoppers for the failover tests: each in its own thread, with its own connections."""

import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

from django.db import close_old_connections, connections
from django.test import Client


@dataclass
class Visit:
    started: float
    seconds: float
    status: int
    reads: Counter = field(default_factory=Counter)
    error: str = ""


def reads_by_node(response) -> Counter:
    """``{node: reads}`` from the response's Server-Timing header."""
    reads = Counter()
    for entry in response.get("Server-Timing", "").split(","):
        name, _, rest = entry.strip().partition(";")
        if name.startswith("db-"):
            reads[name[3:]] += int(rest.rsplit('desc="', 1)[1].split()[0])
    return reads


class Shoppers:
    """``count`` threads calling ``visit(client)`` back to back until the block ends."""

    def __init__(
        self,
        visit: Callable[[Client], object],
        count: int = 4,
        around: Callable[[], AbstractContextManager] = nullcontext,
    ) -> None:
        self.visit = visit
        self.around = around
        self.visits: list[Visit] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._browse) for _ in range(count)]

    def __enter__(self) -> "Shoppers":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(30)

    def _browse(self) -> None:
        client = Client()
        try:
            with self.around():
                while not self._stop.is_set():
                    self.visits.append(self._one(client))
        finally:
            connections.close_all()

    def _one(self, client: Client) -> Visit:
        # What Django's handler does at each request's start, and the test client skips: drop
        # connections that failed a health check, outlived CONN_MAX_AGE or should move.
        close_old_connections()
        started = time.monotonic()
        try:
            response = self.visit(client)
        except Exception as error:  # the test client re-raises what the view raised
            return Visit(started, time.monotonic() - started, 500, error=repr(error))
        return Visit(
            started, time.monotonic() - started, response.status_code, reads_by_node(response)
        )

    def since(self, moment: float) -> list[Visit]:
        return [visit for visit in list(self.visits) if visit.started >= moment]

    def failures(self) -> list[Visit]:
        return [visit for visit in self.visits if visit.status >= 400]

    def reads(self, visits: list[Visit] | None = None) -> Counter:
        total = Counter()
        for visit in self.visits if visits is None else visits:
            total.update(visit.reads)
        return total

    def wait_for_visits(self, count: int, timeout: float = 30) -> None:
        """Until ``count`` visits are done (throughput varies with the machine's load)."""
        deadline = time.monotonic() + timeout
        while len(self.visits) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.visits)} visits in {timeout} s, not {count}.")
            time.sleep(0.05)

    def wait_for_reads_from(self, node: str, since: float, timeout: float) -> float:
        """When ``node`` first served a read of a visit started after ``since``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            served = [visit.started for visit in self.since(since) if visit.reads[node]]
            if served:
                return min(served)
            time.sleep(0.05)
        raise AssertionError(f"{node} served no read within {timeout} s.")
