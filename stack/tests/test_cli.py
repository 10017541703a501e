"""
``python -m stack`` (behind ``make stack-up`` and friends) is idempotent and recovers from a crash.

The commands run against a stack of their own, on free ports in a temporary directory, so the
tests never touch the native stack on its fixed ports.
"""

import os
import re
import signal
import socket
import time
from pathlib import Path

import pytest

import stack.__main__ as cli
from stack.cluster import Stack
from stack.exceptions import PortInUse
from stack.ports import HOST, StackPorts, ensure_free
from stack.pytest_plugin import throwaway_directory

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def native():
    # Not under pytest's tmp_path: that is private to root, and the servers may run as postgres.
    directory = throwaway_directory()
    stack = Stack(directory, StackPorts.free(), durable=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "native_stack", lambda: Stack(directory, stack.ports, durable=False))
        patch.setattr(cli, "NATIVE_DIRECTORY", directory)
        yield stack
    stack.destroy()


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def status_rows(capsys: pytest.CaptureFixture) -> dict[str, list[str]]:
    code, out, _ = run(capsys, "status")
    assert code == 0
    return {line.split()[0]: line.split(maxsplit=4)[1:] for line in out.splitlines()[1:]}


def processes_under(directory: Path) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            command_line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            cwd = os.readlink(entry / "cwd")
        except (OSError, ValueError):
            continue
        if str(directory) in command_line or cwd.startswith(str(directory)):
            pids.append(int(entry.name))
    return pids


def test_up_twice_starts_the_stack_once(native, capsys):
    assert run(capsys, "up")[0] == 0
    pids = [node.pid for node in native.nodes] + [native.redis.pid]

    code, out, _ = run(capsys, "up")

    assert code == 0
    assert "Stack up" in out
    assert [node.pid for node in native.nodes] + [native.redis.pid] == pids


def test_status_shows_each_role_state_and_lag(native, capsys):
    run(capsys, "up")
    native.wait_for_replication()
    # A standby reports its replay position a moment after it connects; until then: "unknown".
    deadline = time.monotonic() + 10
    while "unknown" in (rows := status_rows(capsys))["replica1"] + rows["replica2"]:
        assert time.monotonic() < deadline, rows
        time.sleep(0.1)

    assert rows["primary"][:3] == [str(native.ports.primary), "primary", "running"]
    for number in (1, 2):
        _, role, state, lag = rows[f"replica{number}"]
        assert [role, state] == ["standby", "streaming"]
        assert re.fullmatch(r"\d+ B, \d+\.\d{3} s", lag), lag
    assert rows["redis"][1:3] == ["cache", "running"]


def test_killed_replica_shows_as_stopped_with_its_slot_lag_then_streams_again(native, capsys):
    run(capsys, "up")

    assert run(capsys, "kill-replica", "1")[0] == 0
    assert native.replica(1).pid is None
    with native.primary.connect("shop") as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS written_meanwhile AS SELECT 1 AS n")
    state, lag = status_rows(capsys)["replica1"][2:]
    assert state == "stopped"
    assert re.fullmatch(r"[1-9]\d* (B|kB|MB) behind \(kept in its slot\)", lag), lag

    assert run(capsys, "start-replica", "1")[0] == 0
    native.wait_for_replication()
    assert status_rows(capsys)["replica1"][2] == "streaming"


def test_unknown_replica_is_a_clear_error(native, capsys):
    code, _, err = run(capsys, "kill-replica", "3")

    assert code == 1
    assert "There is no replica 3" in err


def wait_until_free(*ports: int, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    for port in ports:
        while True:
            try:
                ensure_free(port, "a killed server")
                break
            except PortInUse:
                assert time.monotonic() < deadline, f"port {port} still taken after {timeout} s"
                time.sleep(0.05)


def test_up_recovers_from_stale_pid_files_after_a_crash(native, capsys):
    run(capsys, "up")
    replica = native.replica(2)
    crashed_postmaster, crashed_redis = replica.pid, native.redis.pid
    os.killpg(crashed_postmaster, signal.SIGKILL)
    os.kill(crashed_redis, signal.SIGKILL)
    # The killed processes exit and let go of their ports a moment later.
    wait_until_free(replica.port, native.redis.port)
    assert (replica.data_dir / "postmaster.pid").exists()
    assert native.redis.pid_file.exists()

    assert run(capsys, "up")[0] == 0

    assert replica.pid not in (None, crashed_postmaster)
    assert native.redis.pid not in (None, crashed_redis)


def test_port_already_taken_is_named_in_the_error(native, capsys):
    run(capsys, "down")
    with socket.socket() as squatter:
        squatter.bind((HOST, native.ports.redis))
        squatter.listen()

        code, _, err = run(capsys, "up")

    assert code == 1
    assert f"Port {native.ports.redis} (Redis) is already in use" in err
    assert "A server listens there" in err
    assert native.primary.pid is None, "nothing starts when a port is taken"


def test_port_held_by_a_connection_is_told_apart_from_a_server(native, capsys):
    run(capsys, "down")
    with socket.create_server((HOST, 0)) as server, socket.socket() as client:
        # An outgoing connection whose local port is the stack's, as a load run's can be.
        client.bind((HOST, native.ports.redis))
        client.connect(server.getsockname())

        code, _, err = run(capsys, "up")

    assert code == 1
    assert f"Port {native.ports.redis} (Redis) is already in use" in err
    assert "a connection holds it as its local port" in err


def test_down_twice_leaves_no_process_behind(native, capsys):
    run(capsys, "up")

    assert run(capsys, "down")[0] == 0
    assert run(capsys, "down")[0] == 0

    assert processes_under(native.directory) == []


def test_down_with_no_stack_ever_started_is_harmless(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(cli, "NATIVE_DIRECTORY", tmp_path / "never-started")

    code, out, _ = run(capsys, "down")

    assert code == 0
    assert "Nothing to stop" in out


def test_env_prints_the_exports_that_point_the_shop_at_the_stack(native, capsys):
    code, out, _ = run(capsys, "env")

    assert code == 0
    every_node = ",".join(
        f"127.0.0.1:{port}" for port in [native.ports.primary, *native.ports.replicas]
    )
    assert out.splitlines() == [
        f"export DATABASE_URL='postgres://postgres@{every_node}/shop"
        "?target_session_attrs=read-write'",
        "export DATABASE_REPLICA_URLS="
        + ",".join(f"postgres://postgres@127.0.0.1:{port}/shop" for port in native.ports.replicas),
        f"export REDIS_URL=redis://127.0.0.1:{native.ports.redis}/0",
    ]
