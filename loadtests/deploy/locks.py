"""
The longest lock wait of the shop during a run, sampled from ``pg_stat_activity``.

Every ``INTERVAL`` seconds a thread asks how long the oldest query waiting for a lock has been
running; the deploy's own session is left out (it waits at most its ``lock_timeout``, and gives
up rather than block anyone). The maximum is the worst a shopper's query waited behind the deploy.
"""

import threading
import time

import psycopg

INTERVAL = 0.1
OLDEST_WAIT = """
SELECT coalesce(max(extract(epoch FROM clock_timestamp() - query_start)), 0)
  FROM pg_stat_activity
 WHERE wait_event_type = 'Lock' AND datname = current_database() AND pid <> %s
"""


class LockWaitSampler:
    """``longest`` seconds a query of the shop waited for a lock, and ``at`` when (epoch)."""

    def __init__(self, url: str, *, exclude_pid: int) -> None:
        self.url = url
        self.exclude_pid = exclude_pid
        self.longest = 0.0
        self.at = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "LockWaitSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        with psycopg.connect(self.url, autocommit=True, connect_timeout=10) as connection:
            while not self._stop.wait(INTERVAL):
                (waited,) = connection.execute(OLDEST_WAIT, [self.exclude_pid]).fetchone()
                if waited > self.longest:
                    self.longest, self.at = float(waited), time.time()
