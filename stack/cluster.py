"""
``Stack``: a PostgreSQL primary, its hot-standby replicas and Redis, all under one directory.

Every operation is idempotent (``up`` starts what is missing, ``down`` stops what runs), so the
``make`` targets can be typed twice and a crashed stack comes back with ``up``. The directory
holds one sub-directory per node plus ``ports.json``, so a stack left behind by a killed test
run can be found and stopped later.
"""

import dataclasses
import json
import os
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from stack import postgres, redis
from stack.account import server_account
from stack.binaries import find_binaries
from stack.exceptions import StackError
from stack.ports import HOST, StackPorts, ensure_free
from stack.postgres import SUPERUSER, PostgresNode
from stack.redis import RedisNode

DATABASE = "shop"


class Stack:
    """
    The stack in ``directory`` on ``ports``.

    ``durable=False`` (the throwaway test stack only) turns fsync off: faster, and a power cut
    may corrupt the data, which the tests throw away anyway.
    """

    def __init__(self, directory: Path, ports: StackPorts, *, durable: bool = True) -> None:
        binaries = find_binaries()
        self.account = server_account()
        self.directory = directory.resolve()
        self.ports = ports
        shared_dir = self.directory / "shared"
        settings = {"shared_dir": shared_dir, "binaries": binaries, "account": self.account}
        self.first_primary = PostgresNode(
            "primary", self.directory / "primary", ports.primary, **settings, durable=durable
        )
        self.replicas = [
            PostgresNode(
                f"replica{n}", self.directory / f"replica{n}", port, **settings, durable=durable
            )
            for n, port in enumerate(ports.replicas, start=1)
        ]
        self.redis = RedisNode(self.directory / "redis", ports.redis, **settings)
        self.up_seconds = 0.0

    @classmethod
    def in_directory(cls, directory: Path, *, durable: bool = True) -> "Stack":
        """The stack a previous ``up`` left in ``directory`` (its ports are saved there)."""
        saved = json.loads((directory / "ports.json").read_text())
        ports = StackPorts(saved["primary"], tuple(saved["replicas"]), saved["redis"])
        return cls(directory, ports, durable=durable)

    @property
    def nodes(self) -> list[PostgresNode]:
        return [self.first_primary, *self.replicas]

    @property
    def primary(self) -> PostgresNode:
        """The node that is primary now: the first one, until a replica is promoted
        (``stack.promotion``); then the one whose data directory is no standby's and not fenced."""
        for node in self.nodes:
            if node.initialised and not node.is_standby and not node.fenced:
                return node
        return self.first_primary

    @property
    def standbys(self) -> list[PostgresNode]:
        """Every node but the primary and the fenced ones, in port order."""
        primary = self.primary
        return [node for node in self.nodes if node is not primary and not node.fenced]

    # -- URLs ------------------------------------------------------------------------------------

    @property
    def database_url(self) -> str:
        """Every node, the first primary first, with ``target_session_attrs=read-write``: libpq
        connects to whichever node is primary now, so the shop follows a promotion."""
        hosts = ",".join(f"{HOST}:{node.port}" for node in self.nodes)
        return f"postgres://{SUPERUSER}@{hosts}/{DATABASE}?target_session_attrs=read-write"

    @property
    def replica_urls(self) -> list[str]:
        return [replica.url(DATABASE) for replica in self.replicas]

    @property
    def redis_url(self) -> str:
        return self.redis.url

    def environ(self) -> dict[str, str]:
        """The settings' environment variables that point the shop at this stack."""
        return {
            "DATABASE_URL": self.database_url,
            "DATABASE_REPLICA_URLS": ",".join(self.replica_urls),
            "REDIS_URL": self.redis_url,
        }

    # -- Whole stack -----------------------------------------------------------------------------

    def up(self) -> None:
        """Create what is missing and start what is stopped: the primary first, then the
        replicas (side by side), with Redis starting meanwhile."""
        began = time.monotonic()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.account.own(self.directory)
        self.account.check_can_reach(self.directory)
        (self.directory / "ports.json").write_text(json.dumps(dataclasses.asdict(self.ports)))
        self._install_shared_files()
        self._check_ports()
        with ThreadPoolExecutor(max_workers=len(self.replicas) + 1) as pool:
            redis_started = pool.submit(self.redis.start)
            primary = self.primary
            if not primary.initialised:
                slots = [replica.name for replica in self.replicas]
                primary.initialise_primary(database=DATABASE, replica_slots=slots)
            primary.start()
            for started in [pool.submit(self._start_replica, r) for r in self.standbys]:
                started.result()
            redis_started.result()
        self.up_seconds = time.monotonic() - began

    def limit_cpus(self, cpus: float | None) -> None:
        """Give each PostgreSQL server at most ``cpus`` cores (None: no limit), as separate
        machines would; ``stack.cpu`` says how, and raises StackError where it cannot."""
        for node in self.nodes:
            node.limit_cpu(cpus)

    def down(self, *, mode: str = "fast") -> None:
        """Stop every server that runs; nothing is left behind. Harmless when nothing runs."""
        for node in [*self.standbys, self.primary]:
            node.stop(mode)
        self.redis.stop()

    def destroy(self) -> None:
        """Crash-stop everything and delete the directory (the throwaway stack's end)."""
        self.down(mode="immediate")
        shutil.rmtree(self.directory, ignore_errors=True)

    def restore(self) -> None:
        """Thaw and start again whatever a test froze or stopped; a restarted primary is back
        once both replicas stream from it again."""
        for node in self.nodes:
            node.thaw()
        self.redis.thaw()
        self._check_ports()
        primary_was_down = self.primary.pid is None
        self.primary.start()
        for replica in self.standbys:
            replica.start()
        self.redis.start()
        if primary_was_down:
            self.wait_for_streaming()

    # -- One node --------------------------------------------------------------------------------

    def replica(self, number: int) -> PostgresNode:
        """Replica ``number``, counted from 1 as in ``replica1``."""
        if not 1 <= number <= len(self.replicas):
            count = len(self.replicas)
            raise StackError(f"There is no replica {number}: replicas are 1 to {count}.")
        return self.replicas[number - 1]

    def kill_replica(self, number: int) -> None:
        """Crash a replica (immediate stop: no checkpoint, as if the machine died)."""
        replica = self.replica(number)
        if replica is self.primary:
            raise StackError(f"{replica.name} is the primary now (it was promoted).")
        replica.stop(mode="immediate")

    def start_replica(self, number: int) -> None:
        self._start_replica(self.replica(number))

    def freeze_replica(self, number: int, *, whole_tree: bool = False) -> None:
        self.replica(number).freeze(whole_tree=whole_tree)

    def thaw_replica(self, number: int) -> None:
        self.replica(number).thaw()

    @contextmanager
    def replay_paused(self, *numbers: int) -> Iterator[None]:
        """Replicas ``numbers`` keep receiving WAL but apply none of it inside the block: what
        the primary writes meanwhile is missing there, as on a replica that lags."""
        for number in numbers:
            with self.replica(number).connect() as connection:
                connection.execute("SELECT pg_wal_replay_pause()")
        try:
            yield
        finally:
            for number in numbers:
                with self.replica(number).connect() as connection:
                    connection.execute("SELECT pg_wal_replay_resume()")

    def stop_primary(self, mode: str = "fast") -> None:
        """Stop the primary (``immediate``: crash it) until ``restore`` or ``start_primary``."""
        self.primary.stop(mode)

    def start_primary(self) -> None:
        self.primary.start()
        self.wait_for_streaming()

    def wait_for_streaming(self, timeout: float = 15.0) -> None:
        """Wait until every running replica streams from the primary again (a standby retries
        its connection every few seconds after losing it)."""
        running = {r.name for r in self.standbys if r.pid is not None and not r.frozen}
        deadline = time.monotonic() + timeout
        with self.primary.connect() as primary:
            while True:
                streaming = {
                    name
                    for (name,) in primary.execute(
                        "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'"
                    )
                }
                if running <= streaming:
                    return
                if time.monotonic() > deadline:
                    raise StackError(f"Replicas {sorted(running - streaming)} do not stream.")
                time.sleep(0.05)

    def freeze_redis(self) -> None:
        self.redis.freeze()

    def thaw_redis(self) -> None:
        self.redis.thaw()

    def stop_redis(self) -> None:
        self.redis.stop()

    def start_redis(self) -> None:
        self.redis.start()

    def wait_for_replication(self, timeout: float = 10.0) -> None:
        """Wait until every running, unfrozen replica has replayed all the primary has written
        (replay LSN at or past the primary's current LSN, compared with pg_wal_lsn_diff)."""
        with self.primary.connect() as primary:
            target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout
        for replica in self.standbys:
            if replica.frozen or replica.pid is None:
                continue
            with replica.connect() as connection:
                while not connection.execute(
                    "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s) >= 0", [target]
                ).fetchone()[0]:
                    if time.monotonic() > deadline:
                        raise StackError(
                            f"{replica.name} has not replayed up to {target} after {timeout} s."
                        )
                    time.sleep(0.01)

    # -- Internals -------------------------------------------------------------------------------

    def _start_replica(self, replica: PostgresNode) -> None:
        if not replica.initialised:
            replica.bootstrap_replica(self.primary)
        replica.start()

    def _install_shared_files(self) -> None:
        """Copy the setup scripts and redis.conf that compose also uses next to the data: the
        servers' user may not be allowed into the checkout (a clone under /root, say)."""
        shared_dir = self.directory / "shared"
        shared_dir.mkdir(exist_ok=True)
        for source in [*postgres.SCRIPTS, redis.CONFIG_FILE]:
            shutil.copy2(source, shared_dir / source.name)

    def _check_ports(self) -> None:
        """Fail before starting anything when a stopped node's port is taken."""
        for node in [*self.nodes, self.redis]:
            if node.pid is None:
                ensure_free(node.port, node.description)


#: Where ``make stack-up`` keeps the native stack's data.
NATIVE_DIRECTORY = Path(__file__).resolve().parent.parent / "var" / "stack"


def native_stack() -> Stack:
    """The native stack of ``make stack-up``: fixed ports, data under ``var/stack/``, and with
    ``STACK_DB_CPUS`` set, that many cores per PostgreSQL server (off by default)."""
    stack = Stack(NATIVE_DIRECTORY, StackPorts.native())
    if cpus := float(os.environ.get("STACK_DB_CPUS") or 0):
        stack.limit_cpus(cpus)
    return stack
