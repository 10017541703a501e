"""A test session never leaves servers or directories behind, even when it is stopped or killed."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stack.pytest_plugin import sweep_abandoned_stacks

pytestmark = pytest.mark.stack

BASE_DIR = Path(__file__).resolve().parent.parent.parent
HANGING_TEST = """
import os, time

def test_hangs(stack):
    with open(os.environ["STACK_DIRECTORY_FILE"], "w") as file:
        file.write(str(stack.directory))
    time.sleep(120)
"""


def start_session_and_wait_for_its_stack(tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    (tmp_path / "test_hangs.py").write_text(HANGING_TEST)
    directory_file = tmp_path / "stack-directory"
    command = [sys.executable, "-m", "pytest", "-c", "pyproject.toml", "--rootdir", "."]
    session = subprocess.Popen(
        [*command, "-p", "no:cacheprovider", str(tmp_path / "test_hangs.py")],
        cwd=BASE_DIR,
        env={**os.environ, "STACK_DIRECTORY_FILE": str(directory_file)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not directory_file.exists() or not directory_file.read_text():
        assert session.poll() is None, "the session ended before its test ran"
        assert time.monotonic() < deadline, "the session's stack never came up"
        time.sleep(0.1)
    return session, Path(directory_file.read_text())


def processes_running_in(directory: Path) -> list[str]:
    found = []
    for command_line in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = command_line.read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if str(directory) in text:
            found.append(text)
    return found


def test_terminated_session_stops_its_stack_and_removes_its_directory(tmp_path):
    session, directory = start_session_and_wait_for_its_stack(tmp_path)
    assert processes_running_in(directory)

    session.send_signal(signal.SIGTERM)
    session.wait(timeout=60)

    assert not directory.exists()
    assert processes_running_in(directory) == []


def test_stack_of_a_killed_session_is_swept_up_by_the_next(tmp_path):
    session, directory = start_session_and_wait_for_its_stack(tmp_path)
    session.kill()
    session.wait(timeout=60)
    assert processes_running_in(directory), "SIGKILL leaves the servers running"

    sweep_abandoned_stacks()

    assert not directory.exists()
    assert processes_running_in(directory) == []
