"""
Connecting with a deadline shorter than libpq allows.

libpq, and psycopg after it, round any ``connect_timeout`` below 2 seconds up to 2. A hung node
(its postmaster stopped, or packets dropped) accepts the TCP connection and then never answers,
so only a client-side deadline bounds the wait: the attempt runs in a helper thread and the
caller gives up after ``timeout`` seconds. The attempt still ends by itself, at psycopg's own
timeout, and a connection that arrives after the caller gave up is closed.
"""

import math
import threading
from collections.abc import Callable
from typing import Any

import psycopg


def connect_within(connect: Callable[..., Any], params: dict[str, Any], timeout: float) -> Any:
    """``connect(**params)``, or ``psycopg.errors.ConnectionTimeout`` after ``timeout`` s."""
    params = {**params, "connect_timeout": max(2, math.ceil(timeout))}
    attempt = _Attempt(connect, params)
    threading.Thread(target=attempt.run, name="perf-db-connect", daemon=True).start()
    return attempt.result(timeout)


class _Attempt:
    def __init__(self, connect: Callable[..., Any], params: dict[str, Any]) -> None:
        self._connect = connect
        self._params = params
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._abandoned = False
        self._connection: Any = None
        self._error: BaseException | None = None

    def run(self) -> None:
        try:
            connection = self._connect(**self._params)
        except BaseException as error:  # handed to the caller, whatever it is
            self._error = error
            self._done.set()
            return
        with self._lock:
            late = self._abandoned
            self._connection = connection
            self._done.set()
        if late:
            connection.close()

    def result(self, timeout: float) -> Any:
        self._done.wait(timeout)
        with self._lock:
            if not self._done.is_set():
                self._abandoned = True
                raise psycopg.errors.ConnectionTimeout(
                    f"connection timeout expired after {timeout:g} s"
                )
        if self._error is not None:
            raise self._error
        return self._connection
