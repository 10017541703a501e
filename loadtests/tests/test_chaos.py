"""
The pieces of ``make chaos`` without the whole run: each fault and its undo on the session's
stack, and the report from samples made to measure.
"""

import contextlib
import csv
import gzip
import json
import socket
import uuid
from pathlib import Path

import psycopg
import pytest
import redis

from loadtests import chaos_report
from loadtests.chaos import CHAOS, FAULTS
from loadtests.faults import ChaosStack
from loadtests.results import ScenarioResult
from loadtests.samples import read_samples
from loadtests.tests.test_reports import START, fake_run
from stack.ports import HOST
from stack.processes import process_tree

FIELDS = ("time", "name", "method", "status", "ms", "failed", "reads", "cache", "location")


def states(pid: int) -> set[str]:
    """The scheduler states of ``pid`` and its descendants (T: stopped, Z: gone but unreaped)."""
    found = set()
    for member in process_tree(pid):
        with contextlib.suppress(FileNotFoundError):
            found.add(Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()[0])
    return found


def answers(node, timeout: float = 2.0) -> bool:
    try:
        with psycopg.connect(
            host=HOST,
            port=node.port,
            user="postgres",
            dbname="postgres",
            connect_timeout=2,
            options=f"-c statement_timeout={int(timeout * 1000)}",
        ) as connection:
            return connection.execute("SELECT 1").fetchone()[0] == 1
    except psycopg.OperationalError:
        return False


@pytest.mark.stack
class TestFaults:
    def test_a_replica_hang_stops_its_whole_process_tree_and_resume_lets_it_answer(self, stack):
        faults, replica = ChaosStack(stack), stack.replica(1)
        with psycopg.connect(replica.url("postgres"), autocommit=True) as open_connection:
            faults.hang_replica(1)
            assert states(replica.pid) == {"T"}, "postmaster and every backend stopped"
            with pytest.raises(psycopg.OperationalError):
                psycopg.connect(replica.url("postgres"), connect_timeout=2)
            faults.resume_replica(1)
            assert "T" not in states(replica.pid)
            assert open_connection.execute("SELECT 1").fetchone() == (1,)

    def test_a_replica_kill_leaves_no_process_and_start_brings_it_back(self, stack):
        faults, replica = ChaosStack(stack), stack.replica(2)
        tree = process_tree(replica.pid)
        assert len(tree) > 3, "the postmaster and its background processes"
        faults.kill_replica(2)
        assert replica.pid is None
        assert set().union(*(states(pid) for pid in tree)) <= {"Z"}
        faults.start_replica(2)
        assert answers(replica)

    def test_a_partition_drops_the_replicas_packets_until_reconnected(self, stack):
        faults, replica = ChaosStack(stack), stack.replica(1)
        faults.cut_off_replica(1)
        try:
            with pytest.raises(TimeoutError):
                socket.create_connection((HOST, replica.port), timeout=1)
        finally:
            faults.reconnect_replica(1)
        faults.reconnect_replica(1)  # harmless when there is nothing to undo
        socket.create_connection((HOST, replica.port), timeout=1).close()

    def test_redis_hangs_then_resumes_and_a_killed_redis_starts_again(self, stack):
        faults, client = ChaosStack(stack), stack.redis.client(timeout=0.5)
        faults.hang_redis()
        try:
            with pytest.raises(redis.TimeoutError):
                client.ping()
        finally:
            faults.resume_redis()
        assert stack.redis.client().ping()
        faults.kill_redis()
        assert stack.redis.pid is None
        faults.start_redis()
        assert stack.redis.client().ping()

    def test_the_primary_hangs_and_resumes(self, stack):
        faults = ChaosStack(stack)
        faults.hang_primary()
        try:
            assert not answers(stack.primary)
        finally:
            faults.resume_primary()
        assert answers(stack.primary)


def test_every_fault_and_undo_is_an_action_of_the_chaos_stack():
    for fault in FAULTS:
        for action in (fault.inject, fault.restore, fault.undo or fault.restore):
            assert callable(getattr(ChaosStack, action)), action
    assert len({fault.key for fault in FAULTS}) == len(CHAOS.scenarios) == 9


def write_samples(path: Path, rows: list[tuple]) -> list:
    with gzip.open(path, "wt", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(FIELDS)
        writer.writerows(rows)
    return read_samples(path)


def request(second: float, ms: float = 20, method="GET", status=200, location=""):
    failed = int(status >= 500 or status == 0)
    name = "/checkout/ (place order)" if method == "POST" else "/p/[slug]/"
    return (f"{START + second:.4f}", name, method, status, ms, failed, "replica1:1", "", location)


def test_the_chaos_report_counts_503s_apart_from_failures_and_compares_orders(tmp_path):
    shown, lost, never_shown = (str(uuid.uuid4()) for _ in range(3))
    rows = [request(second / 10) for second in range(30)]  # steady: 10 req/s
    rows += [request(3 + second / 4, status=503, method="POST") for second in range(4)]
    rows += [request(4.5, method="POST", status=302, location=f"/accounts/orders/{shown}/")]
    rows += [request(4.6, method="POST", status=302, location=f"/accounts/orders/{lost}/")]
    rows += [request(5.5, ms=2500, status=0)]  # hung during the fault, gave up after it
    rows += [request(6 + second / 10) for second in range(30)]
    fault = next(scenario for scenario in CHAOS.scenarios if scenario.key == "primary-hang")
    inject, restore = fault.events
    directory = tmp_path / fault.key
    directory.mkdir()
    samples = write_samples(directory / "samples.csv.gz", rows)
    result = ScenarioResult.from_samples(
        fault, samples, [(inject, START + 3), (restore, START + 5)], directory
    )
    result.orders_stored = frozenset({shown, never_shown})

    chaos_report.write(fake_run(tmp_path, CHAOS), [result], complete=True)

    summary = json.loads((tmp_path / "summary.json").read_text())
    (scenario,) = summary["scenarios"]
    assert scenario["orders"] == {"shown": 2, "stored": 2, "lost": 1, "not_shown": 1}
    assert scenario["phases"][1]["unavailable_503"] == 4
    goals = {goal["goal"]: goal for goal in summary["goals"]}
    assert not goals["primary-hang: 0 failed GETs"]["met"], "the timeout is a failed GET"
    assert not goals["primary-hang: 0 orders lost or doubled"]["met"]
    writes = next(goal for name, goal in goals.items() if "writes answered" in name)
    assert writes["met"], "503s within 2 s are answers"
    markdown = (tmp_path / "summary.md").read_text()
    # fault third: 6 requests in 2 s, 3 of steady's 10 req/s; 1 failed (the timeout), 4 503s.
    assert "| primary-hang | 2 | 6 | 1 | 4 | 1 | 20 | 2500 | 30% | 2 / 2 |" in markdown
    assert (tmp_path / "primary-hang.png").read_bytes().startswith(b"\x89PNG")
