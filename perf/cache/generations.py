"""
Namespaces with generation counters: invalidation is one atomic ``INCR``, run after commit.

Every namespaced key embeds the current generation of each namespace it depends on. Bumping a
namespace therefore makes every old key unreachable at once, in every process, without deleting
anything (old entries expire by their TTL). That is also how the in-process L1 stays coherent:
each lookup starts from the current generations, so the first request after a bump, in any
process, builds the new keys and never reads an L1 entry made under the old ones. The generations
come from Redis (one ``MGET`` for all the namespaces of a batch), or from the process's memory when
Redis tracks them for it and has reported no change since (see ``tracking``); a short TTL alone
would let a stale page live that long after an admin edit.

A generation that disappears (Redis restarted, key evicted, its counter expired) comes back as the
current time in microseconds, never as a number an old key might already hold. Reading a namespace
writes nothing: a missing counter is read as a provisional value, and created (with that value)
only when something is stored under it. So a request for a page that does not exist, say
``/p/<junk>/``, leaves no key behind, and counters expire after ``GENERATION_TIMEOUT`` seconds
unless bumped.

A bump also leaves a short-lived mark: while it lives, values of that namespace are recomputed from
the primary, since a replica may not have replayed the commit yet and would put the old data back
under the new generation. It lives as long as the router may keep a lagging replica in rotation
(``MAX_LAG_SECONDS`` plus one lag check); after that every replica still serving reads has the
commit, and recomputes go back to the replicas.
"""

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DatabaseError, transaction

from perf.cache import outbox
from perf.cache.shared import CacheUnavailable, SharedCache
from perf.cache.tracking import GenerationTracker
from perf.conf import get_config
from perf.db import health
from perf.db.transactions import in_transaction

logger = logging.getLogger(__name__)

PREFIX = "perf:gen:"
BUMPED_PREFIX = "perf:bumped:"

_snapshot: ContextVar[dict[str, int] | None] = ContextVar("perf_generations", default=None)


def _fresh_generation() -> int:
    return time.time_ns() // 1000


class Generations:
    """Generation counters kept in the shared level."""

    def __init__(self, shared: SharedCache, *, tracking: bool = False) -> None:
        self.shared = shared
        # Bumps that neither Redis nor the outbox could take: this process retries them.
        self.pending: set[str] = set()
        # Called with the namespaces of each invalidation, after its commit, whether Redis took
        # it or not (the caches' ``DownCache`` drops what depends on them).
        self.listeners: list[Callable[[Iterable[str]], None]] = []
        # The last outbox row reported to them while Redis is down, and when to look again.
        self._reported_pk = 0
        self._report_at = 0.0
        self._drain_at = 0.0
        config = get_config()
        self.tracker = GenerationTracker(
            shared,
            prefix=PREFIX,
            ttl=config["GENERATION_TTL"],
            max_entries=config["GENERATION_MAX_ENTRIES"],
            enabled=tracking,
        )

    def read(self, namespaces: Iterable[str], *, fresh: bool = False) -> dict[str, int]:
        """The current generation of each namespace, in at most one round trip; raises
        CacheUnavailable. A namespace without a counter gets a provisional one (see ``establish``).

        Inside ``snapshot()``, a namespace already read is not read again, unless ``fresh``, which
        also skips what the process remembers and asks Redis.
        """
        memo = None if fresh else _snapshot.get()
        wanted = set(namespaces)
        known = {ns: memo[ns] for ns in wanted if ns in memo} if memo is not None else {}
        unknown = sorted(wanted - known.keys())
        if unknown:
            found = self._current(unknown, fresh=fresh)
            provisional = _fresh_generation()
            known |= {ns: found.get(ns, provisional) for ns in unknown}
            if memo is not None:
                memo.update(known)
        return known

    def establish(self, generations: dict[str, int]) -> dict[str, int]:
        """The current generations, fresh from Redis, after creating the missing counters with the
        values a computation used. A value is stored only if its generations are still current;
        where another process created a counter first, its namespace is left out, and the value
        is not stored."""
        current = self._current(list(generations), fresh=True)
        timeout = get_config()["GENERATION_TIMEOUT"]
        created = {
            ns: generation
            for ns, generation in generations.items()
            if ns not in current and self.shared.add(PREFIX + ns, generation, timeout)
        }
        return current | created

    def _current(self, namespaces: list[str], *, fresh: bool) -> dict[str, int]:
        """The counters that exist, from the process's memory where Redis tracks them (see
        ``tracking``), else from Redis."""
        if self.pending:
            self._retry_pending()
        self._drain_outbox()
        remembered, token = ({}, None) if fresh else self.tracker.lookup(namespaces)
        unread = [ns for ns in namespaces if ns not in remembered]
        if not unread:
            return remembered
        found = self.shared.get_many([PREFIX + ns for ns in unread])
        current = {ns: int(found[PREFIX + ns]) for ns in unread if PREFIX + ns in found}
        self.tracker.remember(current, token)
        return remembered | current

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read each namespace's generation at most once inside the block (a page render).

        Everything the render reads then belongs to one consistent set of generations; what it
        stores is still checked against fresh ones.
        """
        if _snapshot.get() is not None:
            yield
            return
        token = _snapshot.set({})
        try:
            yield
        finally:
            _snapshot.reset(token)

    def bump(self, *namespaces: str, using: str | None = None) -> None:
        """Invalidate ``namespaces`` once the current transaction on ``using`` commits; inside a
        transaction, durably (see ``outbox``)."""
        self._after_commit(namespaces, self._incr, using=using)

    def bump_now(self, *namespaces: str) -> None:
        self._apply(namespaces, self._incr, recorded=[], using=None)

    def forget(self, *namespaces: str, using: str | None = None) -> None:
        """Retire ``namespaces`` for good once the current transaction on ``using`` commits.

        For a namespace of one object that is gone (a deleted cart): its counter is deleted rather
        than bumped, so that counters of dead objects do not pile up in the shared level. A read
        that comes later starts it again at the current time, which retires what was stored
        under the old counter just as a bump does.
        """
        self._after_commit(namespaces, self._delete, using=using)

    def _after_commit(
        self, namespaces: tuple[str, ...], retire: Callable[[str], None], *, using: str | None
    ) -> None:
        recorded = []
        if transaction.get_connection(using).in_atomic_block:
            recorded = outbox.record(namespaces, using=using)
        transaction.on_commit(
            lambda: self._apply(namespaces, retire, recorded=recorded, using=using), using=using
        )

    def _apply(
        self,
        namespaces: Iterable[str],
        retire: Callable[[str], None],
        *,
        recorded: list[int],
        using: str | None,
    ) -> None:
        failed = []
        namespaces = tuple(namespaces)
        for listener in self.listeners:
            listener(namespaces)
        for ns in namespaces:
            try:
                retire(ns)
            except CacheUnavailable:
                failed.append(ns)
            # This process reads the new generation next, without waiting for Redis's report.
            self.tracker.forget([ns])
        if not failed:
            outbox.discard(recorded, using=using)
            return
        # Meanwhile the entries stay unreachable here: reads bypass the shared level while it is
        # down. Every process applies what the outbox holds once it answers again.
        logger.error("Could not invalidate cache namespaces %s; the outbox keeps them", failed)
        if not recorded:
            try:
                outbox.record(failed, using=using)
            except DatabaseError:  # the database is gone too: this process retries alone
                self.pending.update(failed)

    def _drain_outbox(self) -> None:
        """Apply the invalidations other processes could not, at most once per interval."""
        interval = get_config()["OUTBOX_DRAIN_INTERVAL"]
        now = time.monotonic()
        if interval is None or now < self._drain_at or in_transaction():
            return
        self._drain_at = now + interval
        if not health.is_up(get_config()["PRIMARY"]):
            return
        try:
            rows = outbox.waiting()
        except DatabaseError:
            return
        for ns in dict.fromkeys(row.namespace for row in rows):
            self._incr(ns)
            self.tracker.forget([ns])
        if rows:
            outbox.discard([row.pk for row in rows], using=None)

    def report_outbox(self) -> None:
        """While Redis is down, tell the listeners of the invalidations every process has written
        to the outbox since the last look (at most once per OUTBOX_DRAIN_INTERVAL): what the
        other processes change reaches this one's ``DownCache`` within that interval."""
        interval = get_config()["OUTBOX_DRAIN_INTERVAL"]
        now = time.monotonic()
        if interval is None or now < self._report_at or in_transaction():
            return
        self._report_at = now + interval
        if not health.is_up(get_config()["PRIMARY"]):
            return
        try:
            rows = outbox.written_after(self._reported_pk)
        except DatabaseError:
            return
        if rows:
            self._reported_pk = rows[-1].pk
            namespaces = tuple(dict.fromkeys(row.namespace for row in rows))
            for listener in self.listeners:
                listener(namespaces)

    def recently_bumped(self, namespaces: Iterable[str]) -> bool:
        """Whether a replica may still lag behind a bump of one of ``namespaces``."""
        if not get_config()["REPLICAS"]:
            return False
        try:
            return bool(self.shared.get_many([BUMPED_PREFIX + ns for ns in namespaces]))
        except CacheUnavailable:
            return True

    def _mark_bumped(self, ns: str) -> None:
        config = get_config()
        if config["REPLICAS"]:
            catch_up = config["MAX_LAG_SECONDS"] + config["LAG_CHECK_INTERVAL"]
            self.shared.set_many({BUMPED_PREFIX + ns: True}, catch_up)

    def _delete(self, ns: str) -> None:
        self._mark_bumped(ns)
        self.shared.delete(PREFIX + ns)

    def _incr(self, ns: str) -> None:
        self._mark_bumped(ns)
        key = PREFIX + ns
        try:
            self.shared.incr(key)
        except ValueError:  # never stored under: any fresh value retires nothing and is safe
            if not self.shared.add(key, _fresh_generation(), get_config()["GENERATION_TIMEOUT"]):
                self.shared.incr(key)

    def _retry_pending(self) -> None:
        for ns in sorted(self.pending):
            self._incr(ns)
            self.pending.discard(ns)
