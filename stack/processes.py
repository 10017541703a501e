"""Running the server commands, telling a live server's pid file from a crash's stale one, and
killing a server's whole process tree (the faults of the tests and of `make chaos`)."""

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

from stack.exceptions import StackError


def run(argv: list[str], *, what: str, cwd: Path, env: dict[str, str] | None = None) -> None:
    """Run a command to completion in ``cwd`` (somewhere the server user may enter: the
    checkout may be private); on failure raise with its output, which says why."""
    result = subprocess.run(
        argv,
        cwd=cwd,
        env=None if env is None else {**os.environ, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        raise StackError(f"{what} failed (exit {result.returncode}):\n{output}")


def live_pid(pid_file: Path, *, command_contains: str) -> int | None:
    """
    The pid in ``pid_file`` if that process is alive and is the server the file belongs to.

    After a crash the file stays behind and its pid may since have gone to another process, so
    the process' command line must mention ``command_contains`` (the data directory or port).
    A stale file is removed, so the server starts again instead of refusing.
    """
    try:
        pid = int(pid_file.read_text().split()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return None
    if is_running(pid, command_contains=command_contains):
        return pid
    pid_file.unlink(missing_ok=True)
    return None


def is_running(pid: int, *, command_contains: str) -> bool:
    """Whether ``pid`` is a live process whose command line mentions ``command_contains``."""
    try:
        command_line = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (FileNotFoundError, ProcessLookupError):
        return False
    # A zombie has an empty command line: it is gone as far as a server goes.
    return command_contains in command_line


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


def children(pid: int) -> list[int]:
    """The pids of the processes whose parent is ``pid`` (a postmaster's backends)."""
    return [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and (stat := _stat(entry / "stat")) and stat[1] == pid
    ]


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants, parents before children (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(entry / "stat")):
            parents.setdefault(stat[1], []).append(int(entry.name))
    tree, index = [pid], 0
    while index < len(tree):
        tree += parents.get(tree[index], [])
        index += 1
    return tree


def kill_tree(pid: int, timeout: float = 10.0) -> None:
    """SIGKILL ``pid`` and every descendant, as when the machine dies, and wait until each has
    exited (its sockets closed). The tree is listed first: a killed parent's children are handed
    to init."""
    tree = process_tree(pid)
    for member in tree:
        with contextlib.suppress(ProcessLookupError):
            os.kill(member, signal.SIGKILL)
    deadline = time.monotonic() + timeout
    while not all(_exited(member) for member in tree):
        if time.monotonic() > deadline:
            raise StackError(f"Processes of {pid} still alive {timeout:g} s after SIGKILL.")
        time.sleep(0.01)


def stop_processes(pids: list[int], timeout: float = 10.0) -> None:
    """SIGSTOP each of ``pids`` and wait until each is stopped: the signal is delivered when the
    process is next scheduled, so on a busy machine it may still run for a moment after
    ``kill()`` returns, and a fault must be in effect when its injector returns."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGSTOP)
    deadline = time.monotonic() + timeout
    while not all(_state(Path(f"/proc/{pid}/stat")) in "TZX" for pid in pids):
        if time.monotonic() > deadline:
            raise StackError(f"Processes {pids} not stopped {timeout:g} s after SIGSTOP.")
        time.sleep(0.01)


def _exited(pid: int) -> bool:
    """Whether every thread of ``pid`` has exited. A threaded server's main thread can be a
    zombie while its other threads still run and hold its sockets (Redis has several)."""
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return True
    return all(_state(task / "stat") in "ZX" for task in tasks)


def _state(path: Path) -> str:
    """The state letter in a /proc ``stat`` file; "X" (dead) when it is gone."""
    stat = _stat(path)
    return "X" if stat is None else stat[0]


def _stat(path: Path) -> tuple[str, int] | None:
    """The state letter and parent pid in a /proc ``stat`` file, or None when it is gone."""
    try:
        # The command may hold spaces and parentheses: the fields after its last ")" are fixed.
        fields = path.read_text().rsplit(")", 1)[1].split()
        return fields[0], int(fields[1])
    except (OSError, IndexError, ValueError):
        return None
