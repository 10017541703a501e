"""Which database errors a read may be retried after, elsewhere, and how a passed deadline
reaches callers."""

import psycopg
from django.db.utils import DatabaseErrorWrapper

from perf.db.backends.failover.bounded import DeadlineExpired, NodeHung
from perf.db.deadlines import QueryDeadlineExceeded

# admin_shutdown (also a fast or immediate stop), crash_shutdown, cannot_connect_now.
SERVER_GOING_AWAY = {"57P01", "57P02", "57P03"}
# The reasons that leave the connection dead: the next attempt needs another node.
LOST = {"connection_lost", "node_hung"}


def retry_reason(error: BaseException | None, connection: psycopg.Connection | None) -> str | None:
    """
    ``"connection_lost"`` when the server went away under the query, ``"node_hung"`` when it
    answered nothing within the deadline (``bounded.py``), ``"recovery_conflict"`` when a standby
    cancelled it to replay the primary's changes, else None (not retryable: a syntax error, a
    statement too slow for its deadline, or a cancel asked by someone stays an error).
    """
    if isinstance(error, NodeHung):
        return "node_hung"
    if not isinstance(error, psycopg.Error):
        return None
    state = error.sqlstate or ""
    if state in SERVER_GOING_AWAY or state.startswith("08"):
        return "connection_lost"
    if state == "40001" and "conflict with recovery" in str(error):
        return "recovery_conflict"
    if isinstance(error, psycopg.OperationalError) and connection is not None and connection.closed:
        return "connection_lost"
    return None


class DeadlineErrorWrapper(DatabaseErrorWrapper):
    """Django's error wrapper, raising ``QueryDeadlineExceeded`` for a wait past its deadline, so
    that a caller (read-only mode, say) tells it from other operational errors."""

    def __exit__(self, exc_type, exc_value, traceback):
        if isinstance(exc_value, DeadlineExpired):
            self.wrapper.errors_occurred = True
            node = self.wrapper.node or self.wrapper.alias
            error = QueryDeadlineExceeded(f"{node}: {exc_value}")
            raise error.with_traceback(traceback) from exc_value
        return super().__exit__(exc_type, exc_value, traceback)
