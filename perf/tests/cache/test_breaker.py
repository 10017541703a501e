import threading
import time

import pytest

from perf.cache.breaker import CircuitBreaker
from perf.tests.probes import finish_probes


class Unavailable(Exception):
    pass


class Server:
    """A stand-in callable: answers, fails, or (``gate``) waits until let through."""

    def __init__(self) -> None:
        self.calls = 0
        self.failing = False
        self.gate: threading.Event | None = None

    def __call__(self) -> str:
        self.calls += 1
        if self.gate is not None:
            self.gate.wait(5)
        if self.failing:
            raise TimeoutError("no answer")
        return "answer"


def call(breaker: CircuitBreaker, server: Server) -> str:
    return breaker.call(server, errors=(TimeoutError,), unavailable=Unavailable)


def test_a_failure_opens_the_breaker_and_later_calls_skip_the_server(caplog):
    breaker, server = CircuitBreaker("Redis test", retry_after=60), Server()
    server.failing = True
    with pytest.raises(TimeoutError):
        call(breaker, server)

    for _ in range(3):
        with pytest.raises(Unavailable):
            call(breaker, server)

    assert server.calls == 1
    assert breaker.errors == 1
    assert breaker.is_open
    assert [r.getMessage() for r in caplog.records] == [
        "Redis test unavailable (TimeoutError: no answer); skipped for 60 s"
    ]


def test_after_the_cooldown_one_call_tries_the_server_while_the_others_skip_it():
    breaker, server = CircuitBreaker("Redis test", retry_after=0.05), Server()
    breaker.failed(TimeoutError("no answer"))
    time.sleep(0.06)
    server.gate = threading.Event()
    trying = threading.Thread(target=call, args=(breaker, server))
    trying.start()
    while server.calls == 0:
        time.sleep(0.001)

    with pytest.raises(Unavailable):
        call(breaker, server)
    server.gate.set()
    trying.join()

    assert server.calls == 1
    assert not breaker.is_open
    assert call(breaker, server) == "answer"


def test_a_failed_try_keeps_the_breaker_open_for_another_cooldown():
    breaker, server = CircuitBreaker("Redis test", retry_after=0.05), Server()
    breaker.failed(TimeoutError("no answer"))
    time.sleep(0.06)
    server.failing = True

    with pytest.raises(TimeoutError):
        call(breaker, server)
    with pytest.raises(Unavailable):
        call(breaker, server)
    assert breaker.errors == 2


def test_an_error_that_is_not_a_server_failure_counts_as_an_answer():
    breaker = CircuitBreaker("Redis test", retry_after=60)

    def wrong_type():
        raise ValueError("WRONGTYPE")

    with pytest.raises(ValueError, match="WRONGTYPE"):
        breaker.call(wrong_type, errors=(TimeoutError,), unavailable=Unavailable)
    assert not breaker.is_open
    assert breaker.errors == 0


def test_with_a_probe_the_try_after_the_cooldown_is_the_probes_not_a_callers():
    probe = Server()
    probe.failing = True
    breaker, server = CircuitBreaker("Redis test", retry_after=0.05, probe=probe), Server()
    breaker.failed(TimeoutError("no answer"))
    time.sleep(0.06)

    with pytest.raises(Unavailable):  # the cooldown is over: the probe starts, the call skips
        call(breaker, server)
    finish_probes()
    assert (probe.calls, server.calls, breaker.errors) == (1, 0, 2)
    assert breaker.is_open  # the probe failed: another cooldown

    probe.failing = False
    time.sleep(0.06)
    with pytest.raises(Unavailable):
        call(breaker, server)
    finish_probes()
    assert not breaker.is_open
    assert call(breaker, server) == "answer"
