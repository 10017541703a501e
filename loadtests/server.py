"""
The shop under test: its database made ready, then gunicorn serving it as ``make serve`` does.

Each scenario gets its own gunicorn (the settings switches are read at start-up) on a free port,
so a ``make serve`` already running on 8000 is never in the way.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent

# Variables the runner decides for every scenario; inherited values would make runs differ.
OWN_VARIABLES = ("DATABASE_URL", "DATABASE_REPLICA_URLS", "REDIS_URL", "DEBUG", "SECRET_KEY")
OWN_PREFIXES = ("PERF_", "GUNICORN_", "LOCUST_")

CREATE_ACCOUNTS = """
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

User = get_user_model()
password = make_password({password!r})
User.objects.bulk_create(
    [User(username=f"{prefix}{{n}}", password=password) for n in range({count})],
    ignore_conflicts=True,
)
User.objects.filter(username__startswith={prefix!r}).update(password=password)
"""


class ShopError(RuntimeError):
    """The shop could not be prepared or did not start; the message ends with its log."""


@dataclass(frozen=True)
class Accounts:
    """The customers' accounts: ``<prefix>0`` to ``<prefix><count - 1>``, one password."""

    count: int
    prefix: str = "bench-shopper-"
    password: str = ""


def base_environ(stack_environ: dict[str, str]) -> dict[str, str]:
    """The environment every process of a run starts from: production-like settings (DEBUG off,
    plain HTTP on loopback) pointed at the stack, and one secret key for the whole run."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if key not in OWN_VARIABLES and not key.startswith(OWN_PREFIXES)
    }
    return {
        **inherited,
        **stack_environ,
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        # The load reads X-Cache and Server-Timing, which the shop sends only to staff otherwise.
        "PERF_DIAGNOSTIC_HEADERS": "1",
        "PYTHONUNBUFFERED": "1",
    }


def tail(path: Path, lines: int = 20) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def manage(*args: str, env: dict[str, str], log: Path) -> None:
    """Run ``manage.py`` with ``args``, appending its output to ``log``."""
    with log.open("a") as output:
        output.write(f"$ manage.py {' '.join(args)}\n")
        output.flush()
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if done.returncode:
        raise ShopError(f"manage.py {args[0]} failed ({log}):\n{tail(log)}")


def terminate(process: subprocess.Popen, timeout: float = 15) -> None:
    """Stop ``process`` with SIGTERM, and SIGKILL if it is still there after ``timeout`` seconds."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def prepare(env: dict[str, str], *, products: int, accounts: Accounts, log: Path) -> None:
    """Migrate (primary only), collect static files, seed the catalog if empty, and create the
    customers' accounts: all that ``make serve`` does first, plus the accounts."""
    primary_only = {key: value for key, value in env.items() if key != "DATABASE_REPLICA_URLS"}
    manage("safe_migrate", env=primary_only, log=log)
    manage("collectstatic", "--noinput", env=primary_only, log=log)
    manage("seed_catalog", "--products", str(products), "--if-empty", env=primary_only, log=log)
    code = CREATE_ACCOUNTS.format(
        prefix=accounts.prefix, count=accounts.count, password=accounts.password
    )
    manage("shell", "-c", code, env=primary_only, log=log)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ShopServer:
    """gunicorn with ``shop/gunicorn.conf.py`` on a free loopback port, as a context manager."""

    def __init__(self, env: dict[str, str], *, log: Path, start_timeout: float = 60.0) -> None:
        self.port = free_port()
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        self.log = log
        self.start_timeout = start_timeout
        self.process: subprocess.Popen | None = None
        self._output: IO | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "ShopServer":
        self._output = self.log.open("a")
        # A session of its own: Ctrl-C in the terminal reaches the runner, which stops gunicorn.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "shop/gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            stdout=self._output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ShopError(
                    f"gunicorn exited with {self.process.returncode}:\n{tail(self.log)}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise ShopError(f"gunicorn not ready after {self.start_timeout} s:\n{tail(self.log)}")

    def stop(self) -> None:
        if self.process is not None:
            terminate(self.process)
        if self._output is not None:
            self._output.close()
            self._output = None
