"""
Cached, database-backed sessions (Django's ``cached_db``) in which a log-out is final.

``cached_db`` trusts its cache: a session found there is used without asking the database. A
log-out deletes the session from both, but when the cache is down or hung at that moment its
error is swallowed (or its circuit breaker skips it), the old copy stays in Redis, and once
Redis answers again the old cookie is signed in again, in every worker. No scheme that reads
only the cache can prevent that: the worker that logged out cannot reach Redis to say so, and
the other workers never hear of the log-out (a partition may cut off that one worker alone). The
database, which the log-out did reach, is the only witness.

So a cached session that carries a signed-in user is used only once the database confirms it
still exists: one lookup by primary key on the primary per signed-in request, the price of a
log-out that holds. Anonymous sessions (a cart id) are served from the cache alone. A confirmed
miss also removes the stale copy from the cache.

While the primary is known down (read-only mode, ``perf.db.readonly``) the cached copy is
trusted, so the signed-in header keeps working: nothing can be written then, log-outs included,
and a session can only read.
"""

from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth import SESSION_KEY as USER_SESSION_KEY
from django.contrib.sessions.backends import cached_db
from django.db import DatabaseError
from django.utils import timezone

from perf.db import health, topology


class SessionStore(cached_db.SessionStore):
    def load(self) -> dict[str, Any]:
        try:
            cached = self._cache.get(self.cache_key)
        except Exception:  # as cached_db: some backends raise on an invalid key
            cached = None
        if cached is not None and USER_SESSION_KEY in cached:
            return self._confirmed(cached)
        if cached is not None:
            return cached
        return self._from_database()

    async def aload(self) -> dict[str, Any]:
        # The same rule under ASGI (shop/asgi.py), rather than cached_db's own aload.
        return await sync_to_async(self.load)()

    def _from_database(self) -> dict[str, Any]:
        """cached_db's miss: the session from the database, copied into the cache."""
        session = self._get_session_from_db()
        if session is None:
            return {}
        data = self.decode(session.session_data)
        expiry = self.get_expiry_age(expiry=session.expire_date)
        self._cache.set(self.cache_key, data, expiry)
        return data

    def _confirmed(self, cached: dict[str, Any]) -> dict[str, Any]:
        """``cached`` if the database still holds the session, else an empty session."""
        if not health.is_routable(topology.primary()):
            return cached
        cache_key = self.cache_key
        try:
            exists = self.model.objects.filter(
                session_key=self.session_key, expire_date__gt=timezone.now()
            ).exists()
        except DatabaseError:  # the primary just failed: as while it is known down
            return cached
        if exists:
            return cached
        self._cache.delete(cache_key)
        self._session_key = None
        return {}
