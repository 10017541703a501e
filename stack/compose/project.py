"""
``ComposeProject``: one Compose project of docker-compose.yml, under a name of its own.

Compose v2 (``docker compose``) is used where it works, else Debian's docker-compose 1.29;
``COMPOSE`` names another command. 1.29 has no ``up --wait``, so health is polled with ``docker
inspect``, which both versions' containers answer alike.
"""

import json
import os
import shlex
import subprocess
import time
from functools import cached_property
from pathlib import Path

import yaml

from stack.exceptions import StackError

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Every service, the `bench` profile's too, so that each image is built and each container
# is taken down.
PROFILES = ("--profile", "bench")


def compose_command() -> list[str]:
    """``$COMPOSE``, else ``docker compose`` when the plugin answers, else ``docker-compose``."""
    if os.environ.get("COMPOSE"):
        return shlex.split(os.environ["COMPOSE"])
    plugin = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
    return ["docker", "compose"] if plugin.returncode == 0 else ["docker-compose"]


class ComposeProject:
    """docker-compose.yml as project ``name``, with ``environ`` for the file's variables."""

    def __init__(self, name: str, environ: dict[str, str]) -> None:
        self.name = name
        self.environ = {**os.environ, **environ}
        self.compose = compose_command()
        self.command = [*self.compose, "--project-name", name]

    def run(self, *args: str, timeout: float = 600) -> str:
        """Run a Compose subcommand; its output, or a StackError carrying it."""
        argv = [*self.command, *args]
        result = subprocess.run(
            argv,
            cwd=BASE_DIR,
            env=self.environ,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            output = (result.stdout + result.stderr).strip()
            raise StackError(f"{shlex.join(argv)} failed ({result.returncode}):\n{output}")
        return result.stdout

    @cached_property
    def config(self) -> dict:
        """The file as Compose reads it: variables substituted, anchors merged."""
        return yaml.safe_load(self.run(*PROFILES, "config"))

    @property
    def services(self) -> list[str]:
        """What ``up`` starts: the services outside any profile."""
        services = self.config["services"]
        return [name for name, service in services.items() if "profiles" not in service]

    def up(self, *services: str, profiles: tuple[str, ...] = ()) -> None:
        """Start ``services`` (by default, those outside any profile) and what they depend on,
        from images already built."""
        self.run(*profiles, "up", "--detach", "--no-build", *services)

    def promote_replica(self, number: int) -> str:
        """``make promote-replica N=number COMPOSE=...`` on this project (docs/chaos.md)."""
        result = subprocess.run(
            [str(BASE_DIR / "docker" / "promote-replica.sh"), str(number)],
            cwd=BASE_DIR,
            env={**self.environ, "COMPOSE": shlex.join(self.command)},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0:
            raise StackError(f"promote-replica.sh {number} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def down(self) -> None:
        """Remove the containers, the network and the volumes."""
        self.run(*PROFILES, "down", "--volumes", "--remove-orphans", "--timeout", "10")

    def containers(self, service: str) -> list[str]:
        """The ids of the service's containers (``deploy.replicas`` may make several)."""
        ids = self.run(*PROFILES, "ps", "--all", "--quiet", service).split()
        if not ids:
            raise StackError(f"{service} has no container in project {self.name}.")
        return ids

    def states(self, service: str) -> list[dict]:
        """``docker inspect``'s State of each of the service's containers (Status, Health...)."""
        output = docker("inspect", "--format", "{{json .State}}", *self.containers(service))
        return [json.loads(line) for line in output.splitlines()]

    def wait_healthy(self, services: list[str], timeout: float) -> float:
        """Wait until every container of ``services`` reports healthy; the seconds it took. A
        container that exits fails at once, with the end of its log."""
        started = time.monotonic()
        waiting = list(services)
        while waiting:
            for service in list(waiting):
                states = self.states(service)
                if any(state["Status"] == "exited" for state in states):
                    raise StackError(f"{service} exited:\n{self.logs(service, tail=40)}")
                if all(state.get("Health", {}).get("Status") == "healthy" for state in states):
                    waiting.remove(service)
            if waiting and time.monotonic() - started > timeout:
                logs = "\n".join(self.logs(service, tail=20) for service in waiting)
                raise StackError(f"Not healthy after {timeout:.0f} s: {waiting}\n{logs}")
            time.sleep(0.5)
        return time.monotonic() - started

    def logs(self, service: str, *, tail: int | None = None) -> str:
        options = ["--no-color"] + (["--tail", str(tail)] if tail else [])
        return self.run(*PROFILES, "logs", *options, service)

    def save_logs(self, path: Path) -> None:
        """Add every service's log to ``path``, to read once the containers are gone."""
        with path.open("a") as logs:
            logs.write(self.run(*PROFILES, "logs", "--no-color", "--timestamps"))

    def psql(self, service: str, sql: str, *, database: str = "postgres") -> str:
        """One value from ``sql`` run in the service's container, as its superuser."""
        command = ["psql", "--no-psqlrc", "--tuples-only", "--no-align", "--dbname", database]
        return self.run("exec", "-T", service, *command, "--command", sql).strip()

    def leftovers(self) -> list[str]:
        """Containers, volumes and networks the project still has."""
        label = f"label=com.docker.compose.project={self.name}"
        found = []
        for kind in ("container", "volume", "network"):
            listing = ["ls", "--all"] if kind == "container" else ["ls"]
            names = docker(kind, *listing, "--quiet", "--filter", label).split()
            found += [f"{kind} {name}" for name in names]
        return found


def docker(*args: str) -> str:
    result = subprocess.run(["docker", *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise StackError(f"docker {shlex.join(args)} failed: {result.stderr.strip()}")
    return result.stdout
