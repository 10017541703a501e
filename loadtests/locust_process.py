"""Locust run headless in a process of its own, as the runner drives it."""

import subprocess
import time
from pathlib import Path

from loadtests.server import ROOT, tail, terminate


class BenchError(RuntimeError):
    pass


class LocustProcess:
    """Locust headless in its own process (and session, so Ctrl-C reaches only the runner)."""

    def __init__(self, argv: list[str], *, env: dict[str, str], log: Path) -> None:
        self.log = log
        self._output = log.open("a")
        self.process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdout=self._output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_for(self, path: Path, timeout: float = 60.0) -> float:
        """Wait until Locust creates ``path``; return the time it appeared."""
        deadline = time.monotonic() + timeout
        while not path.exists():
            self._check_running()
            if time.monotonic() > deadline:
                raise BenchError(f"Locust did not start within {timeout} s:\n{tail(self.log)}")
            time.sleep(0.05)
        return time.time()

    def _check_running(self) -> None:
        if self.process.poll() is not None:
            raise BenchError(f"Locust exited with {self.process.returncode}:\n{tail(self.log)}")

    def wait(self, timeout: float) -> None:
        """Wait for the end of the run; failed requests are counted from the samples, so any
        exit code but 0 (see ``--exit-code-on-error 0``) means Locust itself went wrong."""
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired as error:
            message = f"Locust still running after {timeout} s:\n{tail(self.log)}"
            raise BenchError(message) from error
        if code != 0:
            raise BenchError(f"Locust exited with {code}:\n{tail(self.log)}")

    def stop(self) -> None:
        terminate(self.process)
        self._output.close()
