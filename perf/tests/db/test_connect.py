import socket
import threading
import time

import psycopg
import pytest

from perf.db.connect import connect_within


class FakeConnection:
    closed = False

    def close(self):
        self.closed = True


def test_a_connection_made_in_time_is_returned():
    connection = FakeConnection()
    assert connect_within(lambda **params: connection, {}, timeout=1.0) is connection


def test_connection_errors_reach_the_caller():
    def refuse(**params):
        raise psycopg.OperationalError("Connection refused")

    with pytest.raises(psycopg.OperationalError, match="refused"):
        connect_within(refuse, {}, timeout=1.0)


def test_psycopg_gets_a_timeout_of_its_own_so_an_abandoned_attempt_ends():
    seen = {}
    connect_within(lambda **params: seen.update(params) or FakeConnection(), {}, timeout=0.5)
    assert seen["connect_timeout"] == 2


def test_the_caller_gives_up_after_the_timeout_and_a_late_connection_is_closed():
    late = FakeConnection()
    release = threading.Event()

    def slow(**params):
        release.wait(5)
        return late

    start = time.monotonic()
    with pytest.raises(psycopg.errors.ConnectionTimeout):
        connect_within(slow, {}, timeout=0.2)
    assert time.monotonic() - start < 0.5
    release.set()
    deadline = time.monotonic() + 2
    while not late.closed and time.monotonic() < deadline:
        time.sleep(0.01)
    assert late.closed


def test_a_server_that_accepts_but_never_answers_times_out_below_libpqs_two_seconds():
    """A stopped postmaster: the kernel completes the TCP handshake, nobody replies."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        host, port = listener.getsockname()
        start = time.monotonic()
        with pytest.raises(psycopg.errors.ConnectionTimeout):
            connect_within(psycopg.connect, {"host": host, "port": port}, timeout=0.3)
        assert time.monotonic() - start < 1.0
