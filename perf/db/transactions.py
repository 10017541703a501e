"""Whether the current code runs inside a transaction, which caches must neither fill nor read
invalidations from: its data is invisible to other connections and may still roll back."""

from django.db import connections


def in_transaction() -> bool:
    """True inside ``atomic()`` on any connection (the atomic blocks of test cases excepted)."""
    return any(
        not block._from_testcase
        for connection in connections.all(initialized_only=True)
        for block in connection.atomic_blocks
    )
