"""
``migrate``, made safe to run while the shop serves traffic (docs/migration-rules.md).

On PostgreSQL each migration runs with a short ``lock_timeout`` and a ``statement_timeout``. When a
lock cannot be had in time, the migration rolls back and the whole command retries with a growing
delay; migrations already applied stay applied, so each attempt resumes at the one that waited.
Before a migration with ``atomic = False`` runs, the INVALID indexes an interrupted
``CREATE INDEX CONCURRENTLY`` of it left behind (in this run or a killed one) are dropped. It
refuses to run against a hot standby: migrations run on the primary only. On other databases it
is plain ``migrate``. Every option of ``migrate`` works the same.

``--phase expand`` applies only what may run while the previous release still serves: each app's
migrations up to its first one marked ``phase = "contract"`` (and none that depends on one);
``--phase contract``, run once that release is gone, applies the rest (``perf.migration_rules.
phases``). Without ``--phase`` it applies everything, as ``migrate`` does.
"""

import contextlib
import time

from django.core.management.base import CommandError
from django.core.management.commands import migrate
from django.db import DatabaseError, OperationalError, connections
from django.db.migrations.executor import MigrationExecutor

from perf.migration_rules import locks, phases


class Command(migrate.Command):
    help = (
        "Apply migrations on the primary with a short lock_timeout and a statement_timeout, "
        "retrying with backoff when a lock is not granted in time. Plain migrate on SQLite."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--phase",
            choices=phases.PHASES,
            help=(
                "expand: only the migrations that may run while the previous release still "
                "serves (each app's, up to its first phase = 'contract' migration); contract: "
                "the rest, once the previous release is gone. Default: all."
            ),
        )
        parser.add_argument(
            "--lock-timeout",
            default="2s",
            help="How long a statement may wait for a lock before the attempt is retried (2s).",
        )
        parser.add_argument(
            "--statement-timeout",
            default="1min",
            help=(
                "Longest statement of an atomic migration (1min); its locks block the shop, so a "
                "statement that runs longer is cancelled."
            ),
        )
        parser.add_argument(
            "--non-atomic-statement-timeout",
            default="30min",
            help=(
                "Longest statement of a migration with atomic = False (30min): concurrent index "
                "builds and batched backfills let the shop run meanwhile."
            ),
        )
        parser.add_argument(
            "--attempts",
            type=int,
            default=6,
            help="Attempts before giving up on a lock (6).",
        )
        parser.add_argument(
            "--retry-delay",
            type=float,
            default=1.0,
            help="Seconds before the first retry, doubled for each next one, at most 30 (1).",
        )

    def handle(self, *args, **options):
        self.connection = connections[options["database"]]
        self.lock_timeout = None
        self.current_migration = None
        if self.connection.vendor != "postgresql":
            for run in self._runs(options):
                super().handle(*args, **run)
            return
        if options["attempts"] < 1:
            raise CommandError("--attempts must be at least 1.")
        if locks.is_standby(self.connection):
            raise CommandError(
                f"Database {options['database']!r} is a hot standby (pg_is_in_recovery() is "
                "true). Migrations run on the primary only; the replicas receive them through "
                "replication. Use --database with the primary's alias."
            )
        # Statements of atomic migrations hold locks that block the shop; the others do not.
        self.statement_timeouts = {
            True: options["statement_timeout"],
            False: options["non_atomic_statement_timeout"],
        }
        for statement_timeout in self.statement_timeouts.values():
            try:
                locks.set_timeouts(
                    self.connection,
                    lock_timeout=options["lock_timeout"],
                    statement_timeout=statement_timeout,
                )
            except DatabaseError as error:
                raise CommandError(f"Invalid timeout: {error}") from error
        self.lock_timeout = options["lock_timeout"]
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"safe_migrate: lock_timeout={self.lock_timeout}, statement_timeout="
                f"{self.statement_timeouts[True]} (atomic migrations) or "
                f"{self.statement_timeouts[False]} (atomic = False), up to "
                f"{options['attempts']} attempts."
            )
        try:
            for run in self._runs(options):
                self._migrate_with_retries(*args, **run)
        finally:
            # In a failed transaction they are rolled back anyway; keep the original error.
            with contextlib.suppress(DatabaseError):
                locks.reset_timeouts(self.connection)

    def _runs(self, options: dict) -> list[dict]:
        """The options of each ``migrate`` to run: the command's own, or for ``--phase expand``
        one per target that brings the database to the end of the expand phase."""
        if options["phase"] != phases.EXPAND:
            return [options]
        executor = MigrationExecutor(self.connection)
        graph = executor.loader.graph
        label, name = options["app_label"], options["migration_name"]
        if label and name == "zero":
            targets = [(label, None)]
        elif label and name:
            try:
                targets = [(label, executor.loader.get_migration_by_prefix(label, name).name)]
            except KeyError as error:
                raise CommandError(f"No migration {name!r} in app {label!r}.") from error
        else:
            targets = [node for node in graph.leaf_nodes() if not label or node[0] == label]
        plan = executor.migration_plan(targets)
        if any(backwards for _migration, backwards in plan):
            raise CommandError("--phase applies migrations; unapply them without --phase.")
        expand, held = phases.expand_plan(graph, [migration for migration, _ in plan])
        if held and options["verbosity"] >= 1:
            self.stdout.write(
                f"safe_migrate --phase expand holds back {len(held)} migration(s) for the "
                "contract phase (safe_migrate --phase contract, once the previous release is "
                f"gone): {', '.join(f'{app}.{migration}' for app, migration in held)}"
            )
        if not expand and options["verbosity"] >= 1:
            self.stdout.write("No migrations to apply in the expand phase.")
        return [
            {**options, "app_label": app, "migration_name": migration}
            for app, migration in phases.plan_targets(graph, expand)
        ]

    def _migrate_with_retries(self, *args, **options):
        for attempt in range(1, options["attempts"] + 1):
            try:
                return super().handle(*args, **options)
            except OperationalError as error:
                self._handle_failure(error, attempt, options)

    def _handle_failure(self, error: OperationalError, attempt: int, options: dict) -> None:
        migration = self.current_migration or "migrate"
        code = locks.sqlstate(error)
        if self.connection.in_atomic_block:
            # The schema editor does not leave its transaction when deferred SQL (foreign keys,
            # indexes) fails; a new connection rolls it back and resets Django's state.
            self.connection.close()
            self.connection.connect()
        if code == locks.QUERY_CANCELED:
            raise CommandError(
                f"{migration} ran a statement longer than statement_timeout and was cancelled "
                f"({error}). A statement that long under a lock means the table is rewritten or "
                "scanned: see docs/migration-rules.md for the safe recipe. If it is reviewed and "
                "does not block the shop, raise --statement-timeout for this deploy."
            ) from error
        if code != locks.LOCK_NOT_AVAILABLE:
            raise error
        self.stdout.write("")
        if attempt == options["attempts"]:
            raise CommandError(
                f"{migration} did not get its locks within lock_timeout="
                f"{options['lock_timeout']} in {attempt} attempts: a long transaction holds a "
                "conflicting lock. The oldest open transactions: SELECT pid, now() - xact_start, "
                "state, query FROM pg_stat_activity WHERE xact_start IS NOT NULL ORDER BY "
                "xact_start LIMIT 5; end or wait for the culprit, then rerun."
            ) from error
        delay = min(options["retry_delay"] * 2 ** (attempt - 1), 30.0)
        self.stdout.write(
            self.style.WARNING(
                f"  Lock timeout ({options['lock_timeout']}) in {migration}: another transaction "
                f"holds a conflicting lock. Attempt {attempt + 1} of {options['attempts']} in "
                f"{delay:g}s."
            )
        )
        time.sleep(delay)

    def migration_progress_callback(self, action, migration=None, fake=False):
        if self.lock_timeout and action in ("apply_start", "unapply_start"):
            # Runs before the migration's transaction opens, so session settings apply to it.
            self.current_migration = migration
            if action == "apply_start" and not migration.atomic:
                for index in locks.drop_invalid_indexes(self.connection, migration):
                    self.stdout.write(
                        f"  Dropped invalid index {index} left by an interrupted build."
                    )
            locks.set_timeouts(
                self.connection,
                lock_timeout=self.lock_timeout,
                statement_timeout=self.statement_timeouts[bool(migration.atomic)],
            )
        super().migration_progress_callback(action, migration, fake)
