"""
One PostgreSQL server of the stack, primary or hot standby, driven with pg_ctl.

The replication setup itself is not here: it lives in ``docker/postgres/*.sh``, which compose
runs in the official image and this module runs natively, so both stacks are built the same way.
This module only adds what is local to a machine: where the data lives, the port, and the user
the server runs as.
"""

import contextlib
import os
import shutil
import signal
import subprocess
from pathlib import Path

import psycopg

from stack.account import ServerAccount
from stack.binaries import Binaries
from stack.cpu import CpuBudget, release
from stack.exceptions import PortInUse, StackError
from stack.ports import HOST, ensure_free
from stack.processes import children, kill_tree, live_pid, run, stop_processes, tail

SCRIPTS_DIR = Path(__file__).resolve().parent.parent / "docker" / "postgres"
SCRIPTS = tuple(
    SCRIPTS_DIR / name
    for name in ("primary-init.sh", "replica-bootstrap.sh", "promote.sh", "follow.sh")
)
SUPERUSER = "postgres"
REPLICATION_USER = "replicator"
# Loopback connections are trusted (initdb --auth=trust), so this only satisfies the script.
REPLICATION_PASSWORD = "replicator"
# In a node's directory, beside its data: the node was a primary and another one has been
# promoted, so it must never start as it is (it would take writes the new primary never sees).
FENCE_FILE = "FENCED"


class PostgresNode:
    """A PostgreSQL server in ``directory`` (data in ``data/``, log in ``postgres.log``)."""

    def __init__(
        self,
        name: str,
        directory: Path,
        port: int,
        *,
        shared_dir: Path,
        binaries: Binaries,
        account: ServerAccount,
        durable: bool,
    ) -> None:
        self.name = name
        self.directory = directory
        self.data_dir = directory / "data"
        self.log_file = directory / "postgres.log"
        self.port = port
        self.shared_dir = shared_dir
        self.binaries = binaries
        self.account = account
        self.durable = durable
        self.frozen = False
        self._frozen_pids: list[int] = []
        # At most this many cores (``limit_cpu``), from each start on; None: no limit.
        self.cpu_budget: CpuBudget | None = None

    def __repr__(self) -> str:
        return f"<PostgresNode {self.name} :{self.port}>"

    @property
    def description(self) -> str:
        return f"PostgreSQL {self.name}"

    @property
    def initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").is_file()

    @property
    def is_standby(self) -> bool:
        """Whether the data directory is a standby's (``standby.signal``, which a promotion
        removes), running or not."""
        return (self.data_dir / "standby.signal").is_file()

    @property
    def fenced(self) -> bool:
        return (self.directory / FENCE_FILE).is_file()

    @property
    def pid(self) -> int | None:
        """The postmaster's pid, or None when it is not running."""
        return live_pid(self.data_dir / "postmaster.pid", command_contains=str(self.data_dir))

    def url(self, database: str) -> str:
        return f"postgres://{SUPERUSER}@{HOST}:{self.port}/{database}"

    def connect(self, database: str = "postgres", timeout: int = 5) -> psycopg.Connection:
        return psycopg.connect(
            host=HOST,
            port=self.port,
            user=SUPERUSER,
            dbname=database,
            autocommit=True,
            connect_timeout=timeout,
        )

    def initialise_primary(self, *, database: str, replica_slots: list[str]) -> None:
        """initdb, then the shared primary-init.sh against the running server, then a restart
        so the settings it wrote take effect (as the image's entrypoint does)."""
        self._prepare_directory()
        initdb = [self.binaries.postgres("initdb"), "--pgdata", str(self.data_dir)]
        initdb += ["--username", SUPERUSER, "--auth", "trust", "--encoding", "UTF8"]
        initdb += ["--locale", "C.UTF-8"]
        if not self.durable:
            initdb.append("--no-sync")
        self._run(initdb, what=f"initdb for {self.name}")
        # Until the script has written the settings, the throwaway stack still wants fsync off.
        self.start(**({} if self.durable else {"fsync": "off"}))
        env = self._script_env(PGHOST=HOST, PGPORT=str(self.port), PGUSER=SUPERUSER)
        env |= {"CLUSTER_NAME": self.name, "REPLICA_SLOTS": " ".join(replica_slots)}
        self._run([str(self.shared_dir / "primary-init.sh")], env=env, what="primary-init.sh")
        with self.connect() as connection:
            connection.execute(f'CREATE DATABASE "{database}"')
        self.stop()

    def bootstrap_replica(self, primary: "PostgresNode") -> None:
        """Copy the primary with the shared replica-bootstrap.sh (pg_basebackup into a slot)."""
        self._prepare_directory()
        env = self._script_env(PRIMARY_HOST=HOST, PRIMARY_PORT=str(primary.port))
        env |= {"SLOT_NAME": self.name, "CLUSTER_NAME": self.name}
        script = [str(self.shared_dir / "replica-bootstrap.sh")]
        self._run(script, env=env, what=f"replica-bootstrap.sh for {self.name}")

    def promote(self, *, replica_slots: list[str]) -> None:
        """End recovery with the shared promote.sh, creating the slots of the standbys that will
        follow this node."""
        env = self._script_env(PGHOST=HOST, PGPORT=str(self.port), PGUSER=SUPERUSER)
        env["REPLICA_SLOTS"] = " ".join(replica_slots)
        self._run([str(self.shared_dir / "promote.sh")], env=env, what=f"promoting {self.name}")

    def follow(self, primary: "PostgresNode") -> None:
        """Stream from ``primary`` from now on (follow.sh: a new primary_conninfo, a reload)."""
        env = self._script_env(PGHOST=HOST, PGPORT=str(self.port), PGUSER=SUPERUSER)
        script = [str(self.shared_dir / "follow.sh"), HOST, str(primary.port)]
        self._run(script, env=env, what=f"pointing {self.name} at {primary.name}")

    def fence(self, reason: str) -> None:
        """Stop the server and keep it from starting again as it is (see ``FENCE_FILE``)."""
        self.stop()
        (self.directory / FENCE_FILE).write_text(reason + "\n")

    def unfence(self) -> None:
        (self.directory / FENCE_FILE).unlink(missing_ok=True)

    def checkpoint_lsn(self) -> str:
        """The latest checkpoint's WAL position from pg_controldata: on a server stopped cleanly,
        its shutdown checkpoint, the last record it wrote."""
        result = subprocess.run(
            [self.binaries.postgres("pg_controldata"), str(self.data_dir)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "LC_ALL": "C"},
        )
        for line in result.stdout.splitlines():
            if line.startswith("Latest checkpoint location:"):
                return line.split(":", 1)[1].strip()
        raise StackError(f"pg_controldata did not report {self.name}'s latest checkpoint.")

    def start(self, **settings: str) -> None:
        """Start the server unless it already runs; wait until it accepts connections.
        ``settings`` are passed on the command line, over the configuration files."""
        if self.pid is not None:
            return
        if self.fenced:
            raise StackError(
                f"{self.name} is fenced: {(self.directory / FENCE_FILE).read_text().strip()} "
                f"Bring it back as a standby of the new primary with `python -m stack rejoin "
                f"{self.name}` (a fresh base backup)."
            )
        ensure_free(self.port, self.description)
        settings = {"port": str(self.port), "listen_addresses": HOST, **settings}
        options = " ".join(f"-c {name}={value}" for name, value in settings.items())
        options += " -c unix_socket_directories=''"
        pg_ctl = [self.binaries.postgres("pg_ctl"), "start", "--wait", "--timeout", "60"]
        pg_ctl += ["--pgdata", str(self.data_dir), "--log", str(self.log_file), "-o", options]
        try:
            self._run(pg_ctl, what=f"starting {self.name}")
        except StackError as error:
            log = tail(self.log_file)
            kind = PortInUse if "Address already in use" in log else StackError
            raise kind(f"{error}\nLast lines of {self.log_file}:\n{log}") from None
        self.frozen = False
        if self.cpu_budget is not None:
            self.cpu_budget.place(self.pid)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server if it runs; mode ``immediate`` is a crash (recovery on next start)."""
        if self.pid is None:
            return
        self.thaw()
        pg_ctl = [self.binaries.postgres("pg_ctl"), "stop", "--wait", "--timeout", "60"]
        pg_ctl += ["--pgdata", str(self.data_dir), "--mode", mode]
        self._run(pg_ctl, what=f"stopping {self.name}")
        release(self.cgroup_name)

    @property
    def cgroup_name(self) -> str:
        """The control group of its CPU budget: named by port too, as stacks run side by side."""
        return f"shop-{self.name}-{self.port}"

    def limit_cpu(self, cpus: float | None) -> None:
        """Run within ``cpus`` cores (None: no limit) from now on, a running server included."""
        release(self.cgroup_name)
        self.cpu_budget = CpuBudget(self.cgroup_name, cpus) if cpus else None
        if self.cpu_budget is not None and self.pid is not None:
            self.cpu_budget.place(self.pid)

    def freeze(self, *, whole_tree: bool = False) -> None:
        """SIGSTOP the postmaster: it accepts no new connection until thawed. ``whole_tree``
        stops every backend too, so open connections get no answer either (a hung host)."""
        pid = self.pid
        if pid is None:
            raise StackError(f"{self.name} is not running, so it cannot be frozen.")
        # The postmaster first, so that it forks no backend the list would miss.
        stop_processes([pid])
        self._frozen_pids = [pid, *(children(pid) if whole_tree else [])]
        stop_processes(self._frozen_pids)
        self.frozen = True

    def thaw(self) -> None:
        if self.frozen:
            for pid in self._frozen_pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)
        self._frozen_pids = []
        self.frozen = False

    def crash(self) -> None:
        """SIGKILL the postmaster and every backend, as when the machine dies: no shutdown, no
        message to clients; the next start recovers from the WAL."""
        pid = self.pid
        if pid is not None:
            kill_tree(pid)
        self.frozen = False
        release(self.cgroup_name)

    def _run(self, argv: list[str], *, what: str, env: dict[str, str] | None = None) -> None:
        run(self.account.command(argv), what=what, cwd=self.directory, env=env)

    def _prepare_directory(self) -> None:
        """An empty node directory: whatever a failed first attempt left is of no use."""
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.account.own(self.directory)

    def _script_env(self, **extra: str) -> dict[str, str]:
        return {
            "PATH": f"{self.binaries.postgres_bindir}{os.pathsep}{os.environ.get('PATH', '')}",
            "PGDATA": str(self.data_dir),
            "REPLICATION_USER": REPLICATION_USER,
            "REPLICATION_PASSWORD": REPLICATION_PASSWORD,
            "STACK_DURABILITY": "on" if self.durable else "off",
            **extra,
        }
