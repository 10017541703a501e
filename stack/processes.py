"""Running the server commands, and telling a live server's pid file from a crash's stale one."""

import os
import subprocess
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
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command may hold spaces and parentheses: the parent's pid follows the last ")".
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found
