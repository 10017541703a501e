"""Which database errors a read may be retried after, elsewhere, and how to name them in logs."""

import psycopg

# admin_shutdown (also a fast or immediate stop), crash_shutdown, cannot_connect_now.
SERVER_GOING_AWAY = {"57P01", "57P02", "57P03"}


def retry_reason(error: BaseException | None, connection: psycopg.Connection | None) -> str | None:
    """
    ``"connection_lost"`` when the server went away under the query, ``"recovery_conflict"``
    when a standby cancelled it to replay the primary's changes, else None (not retryable: a
    syntax error or a cancel asked by someone stays an error).
    """
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


def describe(error: BaseException) -> str:
    """A short line for logs and the status page: SQLSTATE and message, without the host and
    port libpq puts in front of a connection failure."""
    lines = str(error).strip().splitlines()
    text = lines[0].rsplit("failed: ", 1)[-1] if lines else type(error).__name__
    state = getattr(error, "sqlstate", None)
    return f"{state} {text}" if state else text
