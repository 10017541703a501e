"""The stack's Redis, started from the same ``docker/redis/redis.conf`` as the compose service."""

import os
import signal
import time
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from stack.account import ServerAccount
from stack.binaries import Binaries
from stack.exceptions import PortInUse, StackError
from stack.ports import HOST, ensure_free
from stack.processes import is_running, live_pid, run, stop_processes, tail

CONFIG_FILE = Path(__file__).resolve().parent.parent / "docker" / "redis" / "redis.conf"


class RedisNode:
    """A Redis server in ``directory`` (pid file and log there; nothing is persisted)."""

    name = "redis"
    description = "Redis"

    def __init__(
        self,
        directory: Path,
        port: int,
        *,
        shared_dir: Path,
        binaries: Binaries,
        account: ServerAccount,
    ) -> None:
        self.directory = directory
        self.port = port
        self.config_file = shared_dir / CONFIG_FILE.name
        self.binaries = binaries
        self.account = account
        self.pid_file = directory / "redis.pid"
        self.log_file = directory / "redis.log"
        self.frozen = False

    def __repr__(self) -> str:
        return f"<RedisNode :{self.port}>"

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    @property
    def pid(self) -> int | None:
        return live_pid(self.pid_file, command_contains=f"{HOST}:{self.port}")

    def client(self, timeout: float = 1.0) -> redis.Redis:
        """A client that fails at once: redis-py otherwise retries a refused connection for
        seconds, which would slow every probe of a stopped server."""
        return redis.Redis(
            host=HOST, port=self.port, socket_timeout=timeout, retry=Retry(NoBackoff(), 0)
        )

    def start(self, timeout: float = 10.0) -> None:
        """Start Redis unless it runs; wait until it answers PING."""
        if self.pid is not None:
            return
        ensure_free(self.port, self.description)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.account.own(self.directory)
        command = [self.binaries.redis_server, str(self.config_file), "--port", str(self.port)]
        command += ["--bind", HOST, "--daemonize", "yes", "--pidfile", str(self.pid_file)]
        command += ["--dir", str(self.directory), "--logfile", str(self.log_file)]
        run(self.account.command(command), what="starting Redis", cwd=self.directory)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.02)
        log = tail(self.log_file)
        kind = PortInUse if "Address already in use" in log else StackError
        raise kind(f"Redis did not answer on port {self.port}. Last lines of its log:\n{log}")

    def freeze(self) -> None:
        """SIGSTOP the server: connections are still accepted, nothing is answered (a hung
        host). Redis is one process, so that is its whole tree."""
        pid = self.pid
        if pid is None:
            raise StackError("Redis is not running, so it cannot be frozen.")
        stop_processes([pid])
        self.frozen = True

    def thaw(self) -> None:
        pid = self.pid
        if self.frozen and pid is not None:
            os.kill(pid, signal.SIGCONT)
        self.frozen = False

    def stop(self, timeout: float = 10.0) -> None:
        """Stop Redis if it runs (SIGTERM; it saves nothing, so this is quick)."""
        pid = self.pid
        if pid is None:
            return
        self.thaw()
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while is_running(pid, command_contains=f"{HOST}:{self.port}"):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                deadline = float("inf")
            time.sleep(0.02)
        self.pid_file.unlink(missing_ok=True)
